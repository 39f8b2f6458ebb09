import t from 'tap';
import type { MoodleCourse } from '../../../../shared/clients/moodle/moodleSchemas.ts';
import {
  mapClassToCourse,
  shortnameCandidates,
  type DesiredCourse,
} from '../../../../shared/domain/sync/mapClassToCourse.ts';
import { planCourseChanges, type MoodleCourseChanges } from '../../../../shared/domain/sync/planCourseChanges.ts';
import { IDS, zohoClass } from './syncRecords.ts';

/**
 * What to change on an existing course: only what differs. A shortname made unique earlier
 * is kept, a date Zoho lacks leaves Moodle's alone, a hidden course is shown again.
 */

const CLASS = zohoClass();
const DESIRED = mapClassToCourse(CLASS); // NET-L5-T1-26, 2026-02-02 … 2026-05-29
const ACCEPTED = shortnameCandidates(DESIRED.shortname, CLASS);
const CATEGORY = 12;

const EXISTING: MoodleCourse = {
  id: 318,
  fullname: 'Networking - L5 - T1 2026',
  shortname: 'NET-L5-T1-26',
  idnumber: IDS.class,
  categoryid: CATEGORY,
  startdate: 1769990400,
  enddate: 1780012800,
  visible: 1,
};

const CASES: {
  name: string;
  input: {
    existing?: Partial<MoodleCourse>;
    desired?: Partial<DesiredCourse>;
    categoryId?: number;
    accepted?: readonly string[];
  };
  expected: MoodleCourseChanges;
}[] = [
  { name: 'equal: nothing to change', input: {}, expected: {} },
  {
    name: 'keeps a shortname suffixed with the record number',
    input: { existing: { shortname: 'NET-L5-T1-26 (CLS-00318)' } },
    expected: {},
  },
  {
    name: 'keeps a shortname suffixed with the Zoho id',
    input: { existing: { shortname: `NET-L5-T1-26 (${IDS.class})` } },
    expected: {},
  },
  {
    name: 'a shortname changed in Moodle is put back',
    input: { existing: { shortname: 'NET-OLD' } },
    expected: { shortname: 'NET-L5-T1-26' },
  },
  {
    name: 'a shortname changed in Zoho: the old one is no longer accepted',
    input: { desired: { shortname: 'NET-L5-T2-26' }, accepted: shortnameCandidates('NET-L5-T2-26', CLASS) },
    expected: { shortname: 'NET-L5-T2-26' },
  },
  {
    name: 'an old suffixed shortname is not accepted for a new name',
    input: { existing: { shortname: 'NET-OLD (CLS-00318)' } },
    expected: { shortname: 'NET-L5-T1-26' },
  },
  {
    name: 'fullname changed (Unicode)',
    input: { desired: { fullname: 'Ağ Temelleri - L5' } },
    expected: { fullname: 'Ağ Temelleri - L5' },
  },
  { name: "moved to the program's category", input: { categoryId: 14 }, expected: { categoryid: 14 } },
  {
    name: 'Moodle did not report a category: no move',
    input: { existing: { categoryid: undefined }, categoryId: 14 },
    expected: {},
  },
  { name: 'start date changed', input: { desired: { startdate: 1768435200 } }, expected: { startdate: 1768435200 } },
  { name: 'end date changed', input: { desired: { enddate: 1798675200 } }, expected: { enddate: 1798675200 } },
  { name: "no start date in Zoho: Moodle's kept", input: { desired: { startdate: null } }, expected: {} },
  { name: "no end date in Zoho: Moodle's kept", input: { desired: { enddate: null } }, expected: {} },
  {
    name: 'no dates in Zoho, other dates in Moodle: kept',
    input: { existing: { startdate: 1, enddate: 2 }, desired: { startdate: null, enddate: null } },
    expected: {},
  },
  { name: 'Moodle has no end date yet', input: { existing: { enddate: 0 } }, expected: { enddate: 1780012800 } },
  { name: 'a hidden course is shown again', input: { existing: { visible: 0 } }, expected: { visible: true } },
  { name: 'visibility not reported: left alone', input: { existing: { visible: undefined } }, expected: {} },
  {
    name: 'the teacher and program ids are not course fields',
    input: { desired: { teacherZohoId: null, programZohoId: '5843210000003000000' } },
    expected: {},
  },
  {
    name: 'everything at once',
    input: {
      existing: { fullname: 'Old', shortname: 'OLD', categoryid: 1, startdate: 0, enddate: 0, visible: 0 },
    },
    expected: {
      fullname: 'Networking - L5 - T1 2026',
      shortname: 'NET-L5-T1-26',
      categoryid: CATEGORY,
      startdate: 1769990400,
      enddate: 1780012800,
      visible: true,
    },
  },
];

t.test('planCourseChanges', async (t) => {
  for (const c of CASES) {
    const existing = { ...EXISTING, ...c.input.existing };
    const desired = { ...DESIRED, ...c.input.desired };
    t.strictSame(
      planCourseChanges(existing, desired, c.input.categoryId ?? CATEGORY, c.input.accepted ?? ACCEPTED),
      c.expected,
      c.name,
    );
  }
});

t.test("the accepted shortnames are the class's candidates", async (t) => {
  t.strictSame(ACCEPTED, ['NET-L5-T1-26', 'NET-L5-T1-26 (CLS-00318)', `NET-L5-T1-26 (${IDS.class})`]);
});
