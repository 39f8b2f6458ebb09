import t from 'tap';
import type { MoodleUser } from '../../../../shared/clients/moodle/moodleSchemas.ts';
import type { DesiredMoodleUser } from '../../../../shared/domain/sync/mapPersonToMoodleUser.ts';
import { planUserChanges, type MoodleUserChanges } from '../../../../shared/domain/sync/planUserChanges.ts';
import { IDS } from './syncRecords.ts';

/**
 * Only what differs is written to Moodle; an empty plan means no Moodle call. A null city or
 * country (Zoho has none, or an unknown one) leaves Moodle's value alone.
 */

const DESIRED: DesiredMoodleUser = {
  username: 'leyla.quahog@students.college.example',
  email: 'leyla.quahog@students.college.example',
  firstname: 'Leyla',
  lastname: 'Quahog',
  idnumber: IDS.student,
  city: 'Istanbul',
  country: 'TR',
  suspended: false,
  unknownCountry: null,
};

/** The Moodle account as Moodle returns it when it already matches DESIRED. */
const EXISTING: MoodleUser = {
  id: 4242,
  username: 'leyla.quahog@students.college.example',
  email: 'leyla.quahog@students.college.example',
  firstname: 'Leyla',
  lastname: 'Quahog',
  fullname: 'Leyla Quahog',
  idnumber: IDS.student,
  auth: 'manual',
  suspended: false,
  city: 'Istanbul',
  country: 'TR',
};

const CASES: {
  name: string;
  input: { existing?: Partial<MoodleUser>; desired?: Partial<DesiredMoodleUser> };
  expected: MoodleUserChanges;
}[] = [
  { name: 'equal: nothing to write', input: {}, expected: {} },
  {
    name: 'e-mail compared case-insensitively',
    input: { existing: { email: 'Leyla.Quahog@Students.College.Example' } },
    expected: {},
  },
  {
    name: "desired city null leaves Moodle's city alone",
    input: { existing: { city: 'Ankara' }, desired: { city: null } },
    expected: {},
  },
  {
    name: 'desired city null and Moodle has none',
    input: { existing: { city: undefined }, desired: { city: null } },
    expected: {},
  },
  {
    name: "desired country null leaves Moodle's country alone",
    input: { existing: { country: 'SY' }, desired: { country: null, unknownCountry: 'Nowhere' } },
    expected: {},
  },
  { name: 'unknownCountry is never written', input: { desired: { unknownCountry: 'Nowhere' } }, expected: {} },
  { name: 'city changed', input: { existing: { city: 'Ankara' } }, expected: { city: 'Istanbul' } },
  { name: 'Moodle has no city yet', input: { existing: { city: undefined } }, expected: { city: 'Istanbul' } },
  { name: 'Moodle has an empty city', input: { existing: { city: '' } }, expected: { city: 'Istanbul' } },
  { name: 'country changed', input: { existing: { country: 'SY' } }, expected: { country: 'TR' } },
  { name: 'Moodle has no country yet', input: { existing: { country: '' } }, expected: { country: 'TR' } },
  {
    name: 'first name changed (Unicode)',
    input: { desired: { firstname: 'Leylâ' } },
    expected: { firstname: 'Leylâ' },
  },
  {
    name: 'last name missing in Moodle',
    input: { existing: { lastname: undefined } },
    expected: { lastname: 'Quahog' },
  },
  {
    name: 'Arabic names replace Latin ones',
    input: { desired: { firstname: 'ليلى', lastname: 'كوهوغ' } },
    expected: { firstname: 'ليلى', lastname: 'كوهوغ' },
  },
  {
    name: 'academic e-mail changed: username and e-mail both',
    input: { desired: { username: 'l.quahog@college.example', email: 'l.quahog@college.example' } },
    expected: { username: 'l.quahog@college.example', email: 'l.quahog@college.example' },
  },
  {
    name: 'adopted account without idnumber',
    input: { existing: { idnumber: undefined } },
    expected: { idnumber: IDS.student },
  },
  {
    name: 'adopted account with another idnumber',
    input: { existing: { idnumber: 'EXT-1001' } },
    expected: { idnumber: IDS.student },
  },
  { name: 'suspend an active account', input: { desired: { suspended: true } }, expected: { suspended: true } },
  { name: 'reactivate a suspended account', input: { existing: { suspended: true } }, expected: { suspended: false } },
  { name: 'Moodle does not say: treated as active', input: { existing: { suspended: undefined } }, expected: {} },
  {
    name: 'Moodle does not say, desired suspended',
    input: { existing: { suspended: undefined }, desired: { suspended: true } },
    expected: { suspended: true },
  },
  {
    name: 'already suspended and should be',
    input: { existing: { suspended: true }, desired: { suspended: true } },
    expected: {},
  },
  {
    name: 'several fields at once, others left out',
    input: { existing: { firstname: 'Leila', city: 'Ankara', suspended: true }, desired: { country: null } },
    expected: { firstname: 'Leyla', city: 'Istanbul', suspended: false },
  },
];

t.test('planUserChanges', async (t) => {
  for (const c of CASES) {
    const existing = { ...EXISTING, ...c.input.existing };
    const desired = { ...DESIRED, ...c.input.desired };
    t.strictSame(planUserChanges(existing, desired), c.expected, c.name);
  }
});

t.test('an empty plan has no keys at all (not undefined values)', async (t) => {
  t.strictSame(Object.keys(planUserChanges(EXISTING, DESIRED)), []);
  t.strictSame(Object.keys(planUserChanges({ ...EXISTING, city: 'Ankara' }, { ...DESIRED, city: null })), []);
});
