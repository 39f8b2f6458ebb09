import t from 'tap';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import {
  mapStudentToMoodleUser,
  mapTeacherToMoodleUser,
  type DesiredMoodleUser,
} from '../../../../shared/domain/sync/mapPersonToMoodleUser.ts';
import { emailOfLength, IDS, student, teacher, thrownBy } from './syncRecords.ts';

/**
 * Zoho students and teachers → the Moodle account they should have. The academic e-mail,
 * lower-cased, is username and e-mail; names fall back to the full name; Unicode is kept.
 * A record that cannot become an account is a PermanentError naming the record, never
 * repeating the e-mail (personal data stays out of error logs).
 */

const SUSPEND = { suspendWhenStatus: ['Passive', 'Withdraw', 'Graduated', 'Blocked', 'Unregistered'] } as const;

const LEYLA: DesiredMoodleUser = {
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

const STUDENT_CASES: {
  name: string;
  input: { fields: Record<string, unknown>; suspendWhenStatus?: readonly string[] };
  expected: Partial<DesiredMoodleUser>;
}[] = [
  { name: 'the sample student', input: { fields: {} }, expected: {} },
  {
    name: 'upper-case academic e-mail is lower-cased for username and e-mail',
    input: { fields: { Academic_Email: 'Leyla.QUAHOG@Students.College.EXAMPLE' } },
    expected: { username: 'leyla.quahog@students.college.example', email: 'leyla.quahog@students.college.example' },
  },
  {
    name: 'spaces around the e-mail are dropped',
    input: { fields: { Academic_Email: '  leyla.q@college.example ' } },
    expected: { username: 'leyla.q@college.example', email: 'leyla.q@college.example' },
  },
  {
    name: 'the allowed username characters - . _ and digits',
    input: { fields: { Academic_Email: 'l_q-2026.x@college-1.example' } },
    expected: { username: 'l_q-2026.x@college-1.example', email: 'l_q-2026.x@college-1.example' },
  },
  {
    name: 'a 100-character e-mail is the longest username Moodle takes',
    input: { fields: { Academic_Email: emailOfLength(100) } },
    expected: { username: emailOfLength(100), email: emailOfLength(100) },
  },
  {
    name: 'Arabic names kept',
    input: { fields: { First_Name: 'محمد', Last_Name: 'الأحمد' } },
    expected: { firstname: 'محمد', lastname: 'الأحمد' },
  },
  {
    name: 'Turkish İ and ç kept, not case-changed',
    input: { fields: { First_Name: 'İsmail', Last_Name: 'Çelik' } },
    expected: { firstname: 'İsmail', lastname: 'Çelik' },
  },
  {
    name: 'names trimmed',
    input: { fields: { First_Name: '  Leyla ', Last_Name: '\tQuahog  ' } },
    expected: { firstname: 'Leyla', lastname: 'Quahog' },
  },
  {
    name: 'no first or last name: Display_Name split',
    input: { fields: { First_Name: null, Last_Name: null, Display_Name: 'Ayşe Nur Yılmaz' } },
    expected: { firstname: 'Ayşe', lastname: 'Nur Yılmaz' },
  },
  {
    name: 'no first or last name: Arabic Display_Name split',
    input: { fields: { First_Name: null, Last_Name: null, Display_Name: ' فاطمة   الزهراء ' } },
    expected: { firstname: 'فاطمة', lastname: 'الزهراء' },
  },
  {
    name: 'no first or last name: a single-word Display_Name gets "-" as last name',
    input: { fields: { First_Name: null, Last_Name: null, Display_Name: 'Cher' } },
    expected: { firstname: 'Cher', lastname: '-' },
  },
  {
    name: 'only a first name: the last name comes from Display_Name',
    input: { fields: { Last_Name: null, Display_Name: 'Leyla Quahog' } },
    expected: { firstname: 'Leyla', lastname: 'Quahog' },
  },
  {
    name: 'only a last name: the first name comes from Display_Name',
    input: { fields: { First_Name: null, Display_Name: 'Leyla Quahog' } },
    expected: { firstname: 'Leyla', lastname: 'Quahog' },
  },
  {
    name: 'only a first name and no Display_Name: last name "-"',
    input: { fields: { Last_Name: null, Display_Name: null } },
    expected: { firstname: 'Leyla', lastname: '-' },
  },
  {
    name: "names cut to Moodle's 100 characters",
    input: { fields: { First_Name: 'A'.repeat(150), Last_Name: 'ğ'.repeat(101) } },
    expected: { firstname: 'A'.repeat(100), lastname: 'ğ'.repeat(100) },
  },
  {
    name: 'Status in the suspend list suspends',
    input: { fields: { Status: 'Withdraw' } },
    expected: { suspended: true },
  },
  { name: 'Graduated suspends', input: { fields: { Status: 'Graduated' } }, expected: { suspended: true } },
  { name: 'Active does not suspend', input: { fields: { Status: 'Active' } }, expected: { suspended: false } },
  {
    name: 'no Status (-None-) does not suspend',
    input: { fields: { Status: '-None-' } },
    expected: { suspended: false },
  },
  {
    name: 'an empty suspend list suspends nobody',
    input: { fields: { Status: 'Blocked' }, suspendWhenStatus: [] },
    expected: { suspended: false },
  },
  {
    name: 'a custom suspend list',
    input: { fields: { Status: 'Freezed' }, suspendWhenStatus: ['Freezed'] },
    expected: { suspended: true },
  },
  {
    name: 'country by its ICU name',
    input: { fields: { Country: 'Türkiye' } },
    expected: { country: 'TR', unknownCountry: null },
  },
  {
    name: 'country by alias',
    input: { fields: { Country: 'Palestine' } },
    expected: { country: 'PS', unknownCountry: null },
  },
  {
    name: 'an unknown country is reported, not written',
    input: { fields: { Country: 'Nowhere' } },
    expected: { country: null, unknownCountry: 'Nowhere' },
  },
  {
    name: 'no country: nothing to write, nothing to report',
    input: { fields: { Country: null } },
    expected: { country: null, unknownCountry: null },
  },
  { name: 'city trimmed', input: { fields: { City: '  Gaziantep ' } }, expected: { city: 'Gaziantep' } },
  { name: "no city: null (Moodle's left alone)", input: { fields: { City: null } }, expected: { city: null } },
  {
    name: "city cut to Moodle's 120 characters",
    input: { fields: { City: 'Ş'.repeat(130) } },
    expected: { city: 'Ş'.repeat(120) },
  },
  { name: 'the personal e-mail is not used', input: { fields: { Email: 'someone.else@mail.example' } }, expected: {} },
];

t.test('mapStudentToMoodleUser', async (t) => {
  for (const c of STUDENT_CASES) {
    const options = { suspendWhenStatus: c.input.suspendWhenStatus ?? SUSPEND.suspendWhenStatus };
    t.strictSame(mapStudentToMoodleUser(student(c.input.fields), options), { ...LEYLA, ...c.expected }, c.name);
  }
});

const SELIM: DesiredMoodleUser = {
  username: 'selim.example@college.example',
  email: 'selim.example@college.example',
  firstname: 'Dr.',
  lastname: 'Selim Example',
  idnumber: IDS.teacher,
  city: null,
  country: null,
  suspended: false,
  unknownCountry: null,
};

const TEACHER_CASES: { name: string; input: Record<string, unknown>; expected: Partial<DesiredMoodleUser> }[] = [
  { name: 'the sample teacher: Name split, no city, country or status', input: {}, expected: {} },
  {
    name: 'no academic e-mail: the e-mail, lower-cased',
    input: { Academic_Email: null, Email: 'Selim@Mail.Example' },
    expected: { username: 'selim@mail.example', email: 'selim@mail.example' },
  },
  {
    name: 'upper-case academic e-mail lower-cased',
    input: { Academic_Email: 'SELIM.EXAMPLE@COLLEGE.EXAMPLE' },
    expected: { username: 'selim.example@college.example', email: 'selim.example@college.example' },
  },
  { name: 'single-word Name', input: { Name: 'Selim' }, expected: { firstname: 'Selim', lastname: '-' } },
  {
    name: 'Turkish Name kept',
    input: { Name: 'İlker Çağlar Öztürk' },
    expected: { firstname: 'İlker', lastname: 'Çağlar Öztürk' },
  },
  {
    name: 'Arabic Name kept',
    input: { Name: 'خالد بن الوليد' },
    expected: { firstname: 'خالد', lastname: 'بن الوليد' },
  },
  {
    name: 'Name with extra whitespace',
    input: { Name: '  Selim   Example  ' },
    expected: { firstname: 'Selim', lastname: 'Example' },
  },
];

t.test('mapTeacherToMoodleUser', async (t) => {
  for (const c of TEACHER_CASES)
    t.strictSame(mapTeacherToMoodleUser(teacher(c.input)), { ...SELIM, ...c.expected }, c.name);
});

const ERROR_CASES: {
  name: string;
  input: () => unknown;
  expected: { code: string; message: RegExp; notInMessage: string[] };
}[] = [
  {
    name: 'student without academic e-mail (the personal one is not a fallback)',
    input: () => mapStudentToMoodleUser(student({ Academic_Email: null }), SUSPEND),
    expected: {
      code: 'zoho.missing_email',
      message: new RegExp(`^BTEC_Students ${IDS.student}: Academic_Email is empty`),
      notInMessage: ['leyla.private@mail.example'],
    },
  },
  {
    name: 'student with "+" in the e-mail (not a Moodle username)',
    input: () => mapStudentToMoodleUser(student({ Academic_Email: 'leyla+2026@students.college.example' }), SUSPEND),
    expected: {
      code: 'zoho.invalid_email',
      message: new RegExp(`^BTEC_Students ${IDS.student}: Academic_Email cannot be a Moodle username`),
      notInMessage: ['leyla+2026', 'students.college.example'],
    },
  },
  {
    name: 'student with a 101-character e-mail',
    input: () => mapStudentToMoodleUser(student({ Academic_Email: emailOfLength(101) }), SUSPEND),
    expected: {
      code: 'zoho.invalid_email',
      message: /at most 100 characters/,
      notInMessage: [emailOfLength(101), 'aaaaaaaaaa'],
    },
  },
  {
    name: 'student with a non-ASCII e-mail',
    input: () => mapStudentToMoodleUser(student({ Academic_Email: 'müller@college.example' }), SUSPEND),
    expected: {
      code: 'zoho.invalid_email',
      message: new RegExp(`BTEC_Students ${IDS.student}`),
      notInMessage: ['müller', 'mÜller'],
    },
  },
  {
    name: 'student with an apostrophe in the e-mail',
    input: () => mapStudentToMoodleUser(student({ Academic_Email: "o'neil@college.example" }), SUSPEND),
    expected: {
      code: 'zoho.invalid_email',
      message: new RegExp(`BTEC_Students ${IDS.student}`),
      notInMessage: ["o'neil"],
    },
  },
  {
    name: 'student with no name at all',
    input: () => mapStudentToMoodleUser(student({ First_Name: null, Last_Name: null, Display_Name: '  ' }), SUSPEND),
    expected: {
      code: 'zoho.missing_name',
      message: new RegExp(`^BTEC_Students ${IDS.student}: no name`),
      notInMessage: ['leyla.quahog'],
    },
  },
  {
    name: 'teacher with neither e-mail',
    input: () => mapTeacherToMoodleUser(teacher({ Academic_Email: null, Email: null })),
    expected: {
      code: 'zoho.missing_email',
      message: new RegExp(`^BTEC_Teachers ${IDS.teacher}: Academic_Email \\(or Email\\) is empty`),
      notInMessage: ['Selim'],
    },
  },
  {
    name: 'teacher with "+" in the academic e-mail: no fallback to the other e-mail',
    input: () => mapTeacherToMoodleUser(teacher({ Academic_Email: 'selim+staff@college.example' })),
    expected: {
      code: 'zoho.invalid_email',
      message: new RegExp(`^BTEC_Teachers ${IDS.teacher}: `),
      notInMessage: ['selim+staff', 'selim@mail.example'],
    },
  },
];

t.test('a record that cannot be an account is a PermanentError naming the record, never the e-mail', async (t) => {
  for (const c of ERROR_CASES) {
    const error = thrownBy(c.input);
    t.ok(error instanceof PermanentError, `${c.name}: a PermanentError`);
    if (!(error instanceof PermanentError)) continue;
    t.equal(error.code, c.expected.code, `${c.name}: code`);
    t.match(error.message, c.expected.message, `${c.name}: message`);
    for (const secret of c.expected.notInMessage)
      t.notOk(error.message.includes(secret), `${c.name}: message does not contain "${secret}"`);
  }
});

t.test('the e-mail length boundary is exact', async (t) => {
  t.equal(emailOfLength(100).length, 100);
  t.equal(emailOfLength(101).length, 101);
  t.equal(mapStudentToMoodleUser(student({ Academic_Email: emailOfLength(100) }), SUSPEND).username.length, 100);
  t.throws(() => mapStudentToMoodleUser(student({ Academic_Email: emailOfLength(101) }), SUSPEND), {
    code: 'zoho.invalid_email',
  });
});
