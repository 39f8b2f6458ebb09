// The Moodle user flow's plan as data (a user, and the Zoho person read found → result and steps), with the
// plans every Moodle → Zoho flow shares to link a student or class found in Zoho, and the course flow's.
// Pure: no database, no simulators.
import t, { type Test } from 'tap';
import type { MoodleUserData } from '../../../shared/domain/moodle/moodleEventData.ts';
import { parseSyncSettings, type SyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import type { EntityResult, SyncPlan, SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import { moodleCourse } from '../../../worker/flows/moodleCourse.ts';
import { planUserToZoho, type UserToZohoState } from '../../../worker/flows/moodleUser.ts';
import { planClassLink, planStudentLink } from '../../../worker/flows/zohoRecordsOfMoodle.ts';

const settings = parseSyncSettings({});
const STUDENT = '5843210000000100001';
const TEACHER = '5843210000000500001';
const CLASS = '5843210000000200001';
const profile = (student_profile: string) => parseSyncSettings({ 'sync.directions': { student_profile } });

/** Nadia (user 60) as the plugin sends her. */
const user = (over: Partial<MoodleUserData> = {}): MoodleUserData => ({
  id: 60,
  username: 'nadia@college.example',
  email: 'Nadia@college.example',
  idnumber: '',
  firstname: 'Nadia',
  lastname: 'Karim',
  city: '',
  country: '',
  suspended: false,
  auth: 'manual',
  deleted: false,
  ...over,
});
const state = (over: Partial<UserToZohoState> = {}): UserToZohoState => ({
  user: user(),
  linked: null,
  found: null,
  ambiguous: null,
  ...over,
});
const base = { entity: 'user', moodleId: 60 };
const skipped = (reason: string): EntityResult => ({ ...base, action: 'skipped', reason });
const NO_DIRECTION =
  'no Zoho student or teacher has its e-mail; Zoho students are created from Moodle only when sync.directions.student_profile is moodle_to_zoho or bidirectional';
const linkedTo = (entity: 'student' | 'teacher', zohoId: string): EntityResult => ({
  ...base,
  action: 'linked',
  linkedTo: entity,
  linkedBy: 'email',
  zohoId,
});
const linkSaved = (entity: 'student' | 'teacher', zohoId: string | { ref: string }): SyncStep => ({
  op: 'link.save',
  entity,
  zohoId,
  moodleId: 60,
  fingerprint: null,
});
const writeBack = (module: string, recordId: string): SyncStep => ({
  op: 'zoho.update',
  module,
  recordId,
  values: { moodleId: '60' },
});
const createdResult: EntityResult = { ...base, action: 'created', linkedTo: 'student', zohoId: { ref: 'student' } };
const createSteps = (values: Record<string, unknown>): SyncStep[] => [
  {
    op: 'zoho.insert',
    ref: 'student',
    module: 'BTEC_Students',
    values: {
      firstName: 'Nadia',
      lastName: 'Karim',
      academicEmail: 'nadia@college.example',
      moodleId: '60',
      city: undefined,
      ...values,
    },
  },
  linkSaved('student', { ref: 'student' }),
];

interface Case {
  name: string;
  state: UserToZohoState;
  settings?: SyncSettings;
  result: EntityResult;
  steps: SyncStep[];
}
function runCases(t: Test, cases: Case[]) {
  for (const c of cases) {
    const plan = planUserToZoho(c.state, c.settings ?? settings);
    t.strictSame(plan.result, c.result, `${c.name}: result`);
    t.strictSame(plan.steps, c.steps, `${c.name}: steps`);
  }
}

const linking: Case[] = [
  {
    name: 'a teacher found by e-mail (case aside) without a Moodle id: linked, Teacher_Moodle_ID written',
    state: state({ found: { entity: 'teacher', zohoId: TEACHER, claimed: null } }),
    result: linkedTo('teacher', TEACHER),
    steps: [linkSaved('teacher', TEACHER), writeBack('BTEC_Teachers', TEACHER)],
  },
  {
    name: 'a student found by e-mail with an empty Moodle id: linked, Student_Moodle_ID written',
    state: state({ found: { entity: 'student', zohoId: STUDENT, claimed: '' } }),
    result: linkedTo('student', STUDENT),
    steps: [linkSaved('student', STUDENT), writeBack('BTEC_Students', STUDENT)],
  },
  {
    name: "a student whose Moodle id in Zoho is this user's already: linked, nothing written to Zoho",
    state: state({ found: { entity: 'student', zohoId: STUDENT, claimed: '60' } }),
    result: linkedTo('student', STUDENT),
    steps: [linkSaved('student', STUDENT)],
  },
  {
    name: "this user's id with blanks around it: linked, and the id written clean",
    state: state({ found: { entity: 'student', zohoId: STUDENT, claimed: ' 60 ' } }),
    result: linkedTo('student', STUDENT),
    steps: [linkSaved('student', STUDENT), writeBack('BTEC_Students', STUDENT)],
  },
  {
    name: 'linked whatever sync.directions.student_profile says (linking runs in every direction)',
    state: state({ found: { entity: 'student', zohoId: STUDENT, claimed: null } }),
    settings: profile('zoho_to_moodle'),
    result: linkedTo('student', STUDENT),
    steps: [linkSaved('student', STUDENT), writeBack('BTEC_Students', STUDENT)],
  },
];

const noWrite: Case[] = [
  {
    name: 'a user deleted in Moodle: Zoho records kept',
    state: state({ user: user({ deleted: true }), linked: { entity: 'student', zohoId: STUDENT } }),
    result: skipped('user deleted in Moodle: Zoho records are kept (people are managed in Zoho)'),
    steps: [],
  },
  {
    name: 'linked to a student already: unchanged',
    state: state({ linked: { entity: 'student', zohoId: STUDENT } }),
    result: { ...base, action: 'unchanged', linkedTo: 'student', zohoId: STUDENT },
    steps: [],
  },
  {
    name: 'linked to a teacher already, even with no e-mail: unchanged',
    state: state({ user: user({ email: null }), linked: { entity: 'teacher', zohoId: TEACHER } }),
    result: { ...base, action: 'unchanged', linkedTo: 'teacher', zohoId: TEACHER },
    steps: [],
  },
  {
    name: 'no e-mail: nothing to match by',
    state: state({ user: user({ email: null }) }),
    settings: profile('bidirectional'),
    result: skipped('no e-mail to match a Zoho record by'),
    steps: [],
  },
  {
    name: 'an e-mail without @ (a bare name): nothing to match by',
    state: state({ user: user({ email: '  nadia  ' }) }),
    settings: profile('bidirectional'),
    result: skipped('no e-mail to match a Zoho record by'),
    steps: [],
  },
  {
    name: 'the student with its e-mail belongs to another Moodle user: not re-pointed',
    state: state({ found: { entity: 'student', zohoId: STUDENT, claimed: ' 99 ' } }),
    result: skipped(`BTEC_Students ${STUDENT} has its e-mail but is linked to Moodle user 99`),
    steps: [],
  },
  {
    name: 'the teacher with its e-mail belongs to another Moodle user: not re-pointed',
    state: state({ found: { entity: 'teacher', zohoId: TEACHER, claimed: '99' } }),
    result: skipped(`BTEC_Teachers ${TEACHER} has its e-mail but is linked to Moodle user 99`),
    steps: [],
  },
  {
    name: 'no Zoho person, sync.directions.student_profile unset: never created (an unset key does not allow it)',
    state: state(),
    result: skipped(NO_DIRECTION),
    steps: [],
  },
  {
    name: 'no Zoho person, student_profile zoho_to_moodle: never created',
    state: state(),
    settings: profile('zoho_to_moodle'),
    result: skipped(NO_DIRECTION),
    steps: [],
  },
  {
    name: 'no Zoho person, student_profile disabled: never created',
    state: state(),
    settings: profile('disabled'),
    result: skipped(NO_DIRECTION),
    steps: [],
  },
];

const creating: Case[] = [
  {
    name: 'no Zoho person, student_profile moodle_to_zoho: a Zoho student created (e-mail lowercased, no city) and linked',
    state: state(),
    settings: profile('moodle_to_zoho'),
    result: createdResult,
    steps: createSteps({}),
  },
  {
    name: 'student_profile bidirectional, with a city: created with it',
    state: state({ user: user({ id: 60, email: ' Newcomer@College.example ', city: 'Leeds' }) }),
    settings: profile('bidirectional'),
    result: createdResult,
    steps: createSteps({ academicEmail: 'newcomer@college.example', city: 'Leeds' }),
  },
  {
    name: 'no first name, the whole name in the last name field: split, first word first',
    state: state({ user: user({ firstname: null, lastname: 'Ahmad Al Hassan' }) }),
    settings: profile('bidirectional'),
    result: createdResult,
    steps: createSteps({ firstName: 'Ahmad', lastName: 'Al Hassan' }),
  },
  {
    name: 'a single name: "-" as the last name',
    state: state({ user: user({ firstname: 'Cher', lastname: null }) }),
    settings: profile('bidirectional'),
    result: createdResult,
    steps: createSteps({ firstName: 'Cher', lastName: '-' }),
  },
];

t.test('a Moodle user linked to their Zoho record by e-mail', async (t) => {
  runCases(t, linking);
});
t.test(
  'nothing written: deleted, linked already, no e-mail, held by another user, or no direction to create',
  async (t) => {
    runCases(t, noWrite);
  },
);
t.test('created in Zoho only when sync.directions.student_profile says Moodle → Zoho', async (t) => {
  runCases(t, creating);
});

t.test('several Zoho records of one module with the e-mail: a person must resolve, naming them', async (t) => {
  t.throws(() => planUserToZoho(state({ ambiguous: { module: 'BTEC_Teachers', ids: ['1', '2'] } }), settings), {
    code: 'zoho.ambiguous',
    message: 'Moodle user 60: several BTEC_Teachers records (1, 2) have its e-mail',
  });
  t.strictSame(
    planUserToZoho(state({ user: user({ email: null }), ambiguous: { module: 'BTEC_Teachers', ids: ['1'] } }), settings)
      .result.reason,
    'no e-mail to match a Zoho record by',
    'no e-mail is decided first',
  );
});

t.test('planStudentLink: the Zoho student of a Moodle user, and the steps that link one found in Zoho', async (t) => {
  const cases: { name: string; match: Parameters<typeof planStudentLink>[0]; expected: unknown }[] = [
    { name: 'no Zoho student', match: null, expected: { studentZohoId: null, steps: [] } },
    {
      name: 'linked already: nothing to write',
      match: { zohoId: STUDENT, linked: true },
      expected: { studentZohoId: STUDENT, steps: [] },
    },
    {
      name: "found by Student_Moodle_ID (this user's): linked only",
      match: { zohoId: STUDENT, linked: false, moodleIdInZoho: '45' },
      expected: {
        studentZohoId: STUDENT,
        steps: [{ op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 45, fingerprint: null }],
      },
    },
    {
      name: 'found by e-mail, no Moodle id in Zoho: linked and Student_Moodle_ID written',
      match: { zohoId: STUDENT, linked: false, moodleIdInZoho: null },
      expected: {
        studentZohoId: STUDENT,
        steps: [
          { op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 45, fingerprint: null },
          { op: 'zoho.update', module: 'BTEC_Students', recordId: STUDENT, values: { moodleId: '45' } },
        ],
      },
    },
  ];
  for (const c of cases) t.strictSame(planStudentLink(c.match, 45), c.expected, c.name);
  t.throws(
    () => planStudentLink({ conflict: 'Moodle user 45: several BTEC_Students records (1, 2) match it' }, 45),
    { code: 'zoho.ambiguous', message: 'Moodle user 45: several BTEC_Students records (1, 2) match it' },
    'several records: ambiguous',
  );
  t.throws(
    () =>
      planStudentLink(
        { conflict: 'Moodle user 99: BTEC_Students 1 has its e-mail but belongs to Moodle user 46; merge them' },
        99,
      ),
    { code: 'zoho.conflict', message: /belongs to Moodle user 46/ },
    'the e-mail of a student who is another Moodle account: a conflict, never re-pointed',
  );
});

t.test('planClassLink: the Zoho class of a Moodle course, and the link of one found in Zoho', async (t) => {
  t.strictSame(planClassLink(null, 6), { classZohoId: null, steps: [] }, 'no Zoho class');
  t.strictSame(planClassLink({ zohoId: CLASS, linked: true }, 6), { classZohoId: CLASS, steps: [] }, 'linked');
  t.strictSame(
    planClassLink({ zohoId: CLASS, linked: false }, 6),
    {
      classZohoId: CLASS,
      steps: [{ op: 'link.save', entity: 'class', zohoId: CLASS, moodleId: 6, fingerprint: null }],
    },
    'found in Zoho: linked',
  );
  t.throws(
    () => planClassLink({ conflict: 'Moodle course 6: several BTEC_Classes records (1, 2)' }, 6),
    { code: 'zoho.ambiguous', message: 'Moodle course 6: several BTEC_Classes records (1, 2)' },
    'several classes: ambiguous',
  );
});

t.test('moodle.course: courses come from Zoho classes, a Moodle course change is recorded, never sent', async (t) => {
  const plan = (moodleCourse.plan as (s: null, x: SyncSettings) => SyncPlan)(null, settings);
  t.strictSame(plan, {
    result: {
      entity: 'course',
      action: 'skipped',
      reason: 'courses come from Zoho classes: Moodle course changes are recorded here, not sent to Zoho',
    },
    steps: [],
  });
});

t.test('planning is pure: the same state plans the same, twice, and is left as it was', async (t) => {
  for (const c of [...linking, ...noWrite, ...creating]) {
    const before = structuredClone(c.state);
    t.strictSame(
      planUserToZoho(c.state, c.settings ?? settings),
      planUserToZoho(c.state, c.settings ?? settings),
      c.name,
    );
    t.strictSame(c.state, before, `${c.name}: state untouched`);
  }
});
