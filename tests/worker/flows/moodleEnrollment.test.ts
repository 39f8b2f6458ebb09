// The Moodle enrolment flow's plan as data: an enrolment (and what read found) → result and steps. Pure: no database, no simulators.
import t, { type Test } from 'tap';
import type { SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import type { MoodleEnrolmentData } from '../../../shared/domain/moodle/moodleEventData.ts';
import { parseSyncSettings, type SyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { gateVeto } from '../../../shared/domain/sync/flowGate.ts';
import { mapEnrollment } from '../../../shared/domain/sync/mapEnrollment.ts';
import type { EntityResult, SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import {
  moodleEnrollment,
  planEnrolmentToZoho,
  type EnrolmentToZohoState,
} from '../../../worker/flows/moodleEnrollment.ts';
import type { Flow } from '../../../worker/pipeline/flow.ts';

const settings = parseSyncSettings({});
const STUDENT = '5843210000000100001';
const CLASS = '5843210000000200001';
const ENROLLMENT = '5843210000000400001';
/** The fingerprint the Zoho → Moodle enrollment flow computes for this student in this class. */
const PRINT = fingerprint({ studentZohoId: STUDENT, classZohoId: CLASS });

/** A manual student enrolment of Layla (user 45) in Unit 4 (course 6), as the plugin sends it. */
const enrolment = (over: Partial<MoodleEnrolmentData> = {}): MoodleEnrolmentData => ({
  user_enrolment_id: 500,
  user_id: 45,
  course_id: 6,
  course_idnumber: '',
  course_shortname: 'U4',
  enrol_instance_id: 12,
  enrol_method: 'manual',
  status: 0,
  timestart: 1_790_000_000, // 2026-09-21
  timeend: null,
  roles: ['student'],
  deleted: false,
  last_enrolment: null,
  ...over,
});
const link = (over: Partial<SyncLink> = {}): SyncLink => ({
  entity: 'enrollment',
  zoho_id: ENROLLMENT,
  moodle_id: 6,
  moodle_user_id: 45,
  fingerprint: PRINT,
  state: 'active',
  synced_at: new Date(0),
  ...over,
});
const state = (over: Partial<EnrolmentToZohoState> = {}): EnrolmentToZohoState => ({
  enrolment: enrolment(),
  link: null,
  student: { zohoId: STUDENT, linked: true },
  class: { zohoId: CLASS, linked: true },
  existingZohoId: null,
  ...over,
});
const studentRole = (student: string | number) =>
  parseSyncSettings({ 'moodle.roles': { student, teacher: 'editingteacher', non_editing_teacher: 'teacher' } });

const base = { entity: 'enrollment', moodleUserId: 45, moodleCourseId: 6 };
const skipped = (reason: string): EntityResult => ({ ...base, action: 'skipped', reason });
const created: EntityResult = {
  ...base,
  studentZohoId: STUDENT,
  classZohoId: CLASS,
  action: 'created',
  zohoId: { ref: 'enrollment' },
};
/** The insert; `null`: no start date (the value is then undefined, left out of the write). */
const insert = (startDate: string | null = '2026-09-21'): SyncStep => ({
  op: 'zoho.insert',
  ref: 'enrollment',
  module: 'BTEC_Enrollments',
  values: { student: { id: STUDENT }, class: { id: CLASS }, startDate: startDate ?? undefined },
});
const linkSaved = (zohoId: string | { ref: string } = { ref: 'enrollment' }): SyncStep => ({
  op: 'link.save',
  entity: 'enrollment',
  zohoId,
  moodleId: 6,
  moodleUserId: 45,
  fingerprint: PRINT,
});
const deleted: EntityResult = {
  ...base,
  action: { ref: 'enrollment:action' },
  zohoId: ENROLLMENT,
  note: { ref: 'enrollment:note' },
};
const deleteSteps: SyncStep[] = [
  {
    op: 'zoho.delete',
    ref: 'enrollment',
    module: 'BTEC_Enrollments',
    recordId: ENROLLMENT,
    goneNote: 'already gone from Zoho',
  },
  { op: 'link.delete', entity: 'enrollment', zohoId: ENROLLMENT },
];
const unenrolled = (over: Partial<MoodleEnrolmentData> = {}) =>
  enrolment({ deleted: true, roles: [], last_enrolment: true, ...over });

interface Case {
  name: string;
  state: EnrolmentToZohoState;
  settings?: SyncSettings;
  result: EntityResult;
  steps: SyncStep[];
}
function runCases(t: Test, cases: Case[]) {
  for (const c of cases) {
    const plan = planEnrolmentToZoho(c.state, c.settings ?? settings);
    t.strictSame(plan.result, c.result, `${c.name}: result`);
    t.strictSame(plan.steps, c.steps, `${c.name}: steps`);
  }
}

const enrolments: Case[] = [
  {
    name: 'enrolled by hand, student and class linked, none in Zoho: BTEC_Enrollments inserted from the start date, linked with the Zoho → Moodle fingerprint',
    state: state(),
    result: created,
    steps: [insert(), linkSaved()],
  },
  {
    name: 'no start date: inserted without one',
    state: state({ enrolment: enrolment({ timestart: null }) }),
    result: created,
    steps: [insert(null), linkSaved()],
  },
  {
    name: 'Zoho has this student in this class already: linked to it, none inserted',
    state: state({ existingZohoId: ENROLLMENT }),
    result: {
      ...base,
      studentZohoId: STUDENT,
      classZohoId: CLASS,
      action: 'unchanged',
      zohoId: ENROLLMENT,
      note: 'Zoho already had this enrollment: linked',
    },
    steps: [linkSaved(ENROLLMENT)],
  },
  {
    name: 'student (found by e-mail, no Moodle id in Zoho) and class found in Zoho: both linked first, then the enrollment',
    state: state({
      student: { zohoId: STUDENT, linked: false, moodleIdInZoho: null },
      class: { zohoId: CLASS, linked: false },
    }),
    result: created,
    steps: [
      { op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 45, fingerprint: null },
      { op: 'zoho.update', module: 'BTEC_Students', recordId: STUDENT, values: { moodleId: '45' } },
      { op: 'link.save', entity: 'class', zohoId: CLASS, moodleId: 6, fingerprint: null },
      insert(),
      linkSaved(),
    ],
  },
  {
    name: 're-enrolled by hand after its Zoho enrollment was deleted (link suspended): a new one is made',
    state: state({ link: link({ state: 'suspended', fingerprint: null }) }),
    result: created,
    steps: [insert(), linkSaved()],
  },
  {
    name: 'a student among other roles: enrolled',
    state: state({ enrolment: enrolment({ roles: ['editingteacher', 'student'] }) }),
    result: created,
    steps: [insert(), linkSaved()],
  },
  {
    name: 'no roles sent (none given yet): not refused as another role',
    state: state({ enrolment: enrolment({ roles: [] }) }),
    result: created,
    steps: [insert(), linkSaved()],
  },
  {
    name: 'moodle.roles.student given by id as a string ("5"): shortnames cannot be compared, not skipped',
    state: state({ enrolment: enrolment({ roles: ['editingteacher'] }) }),
    settings: studentRole('5'),
    result: created,
    steps: [insert(), linkSaved()],
  },
  {
    name: 'moodle.roles.student given by id (5): not skipped either',
    state: state(),
    settings: studentRole(5),
    result: created,
    steps: [insert(), linkSaved()],
  },
];

const noWrite: Case[] = [
  {
    name: 'made by the integration (or synced before): linked already, not echoed back',
    state: state({ link: link(), student: null, class: null }),
    result: {
      ...base,
      action: 'unchanged',
      zohoId: ENROLLMENT,
      note: 'already linked to its Zoho enrollment (made by the integration, or synced before)',
    },
    steps: [],
  },
  {
    name: 'linked and now suspended in Moodle: still unchanged (a linked enrolment is not sent again)',
    state: state({ enrolment: enrolment({ status: 1 }), link: link(), student: null, class: null }),
    result: {
      ...base,
      action: 'unchanged',
      zohoId: ENROLLMENT,
      note: 'already linked to its Zoho enrollment (made by the integration, or synced before)',
    },
    steps: [],
  },
  {
    name: 'suspended in Moodle, no live Zoho enrollment: none made',
    state: state({ enrolment: enrolment({ status: 1 }), student: null, class: null }),
    result: skipped('the enrolment is suspended in Moodle'),
    steps: [],
  },
  {
    name: 'suspended in Moodle, its Zoho enrollment deleted (link suspended): none made',
    state: state({
      enrolment: enrolment({ status: 1 }),
      link: link({ state: 'suspended' }),
      student: null,
      class: null,
    }),
    result: skipped('the enrolment is suspended in Moodle'),
    steps: [],
  },
  {
    name: 'a teacher enrolment: not a student enrolment, with the roles',
    state: state({ enrolment: enrolment({ user_id: 3, roles: ['editingteacher'] }), student: null, class: null }),
    result: { ...skipped('not a student enrolment (roles: editingteacher)'), moodleUserId: 3 },
    steps: [],
  },
  {
    name: 'a custom student role shortname (learner): the plugin\'s "student" is another role',
    state: state({ enrolment: enrolment({ roles: ['student', 'guest'] }), student: null, class: null }),
    settings: studentRole('learner'),
    result: skipped('not a student enrolment (roles: student, guest)'),
    steps: [],
  },
  {
    name: 'a user who is no Zoho student: skipped',
    state: state({ student: null, class: null }),
    result: skipped('Moodle user 45 is no Zoho student'),
    steps: [],
  },
  {
    name: 'a course that is no Zoho class: skipped',
    state: state({ class: null }),
    result: skipped('Moodle course 6 is no Zoho class'),
    steps: [],
  },
  {
    name: 'a course that is no Zoho class, the student found in Zoho: skipped, but the student is still linked',
    state: state({ student: { zohoId: STUDENT, linked: false, moodleIdInZoho: '45' }, class: null }),
    result: skipped('Moodle course 6 is no Zoho class'),
    steps: [{ op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 45, fingerprint: null }],
  },
];

const unenrolments: Case[] = [
  {
    name: 'unenrolled (the last enrolment in the course), linked: the Zoho enrollment deleted and unlinked',
    state: state({ enrolment: unenrolled(), link: link(), student: null, class: null }),
    result: deleted,
    steps: deleteSteps,
  },
  {
    name: 'unenrolled, the plugin unsure whether it was the last (null): deleted as the last',
    state: state({ enrolment: unenrolled({ last_enrolment: null }), link: link(), student: null, class: null }),
    result: deleted,
    steps: deleteSteps,
  },
  {
    name: 'unenrolled while its link is suspended (Zoho enrollment deleted already): the delete is tried, gone is a note',
    state: state({ enrolment: unenrolled(), link: link({ state: 'suspended' }), student: null, class: null }),
    result: deleted,
    steps: deleteSteps,
  },
  {
    name: 'unenrolled from one method, another enrolment kept in the course: nothing deleted',
    state: state({ enrolment: unenrolled({ last_enrolment: false }), link: link(), student: null, class: null }),
    result: skipped('the user keeps another enrolment in the course'),
    steps: [],
  },
  {
    name: 'unenrolled with no linked Zoho enrollment: nothing to delete',
    state: state({ enrolment: unenrolled(), student: null, class: null }),
    result: skipped('no Zoho enrollment is linked to this enrolment'),
    steps: [],
  },
  {
    name: 'unenrolled, whatever its roles and status: the roles are not checked',
    state: state({
      enrolment: unenrolled({ roles: ['editingteacher'], status: 1 }),
      link: link(),
      student: null,
      class: null,
    }),
    result: deleted,
    steps: deleteSteps,
  },
];

t.test('enrolments made in Moodle reach BTEC_Enrollments', async (t) => {
  runCases(t, enrolments);
});
t.test('no Zoho write: ours, suspended, not a student, or no Zoho student / class', async (t) => {
  runCases(t, noWrite);
});
t.test('unenrolment deletes the linked Zoho enrollment', async (t) => {
  runCases(t, unenrolments);
});

t.test('the link is saved with the fingerprint the Zoho → Moodle flow computes', async (t) => {
  const plan = planEnrolmentToZoho(state(), settings);
  const saved = plan.steps.find((s) => s.op === 'link.save' && s.entity === 'enrollment');
  // As zohoEnrollment's read computes it from the Zoho record (the lookups' names play no part).
  const zohoSide = fingerprint(
    mapEnrollment({ student: { id: STUDENT, name: 'Layla Hassan' }, class: { id: CLASS, name: 'Unit 4 Marketing' } }),
  );
  t.equal(PRINT, zohoSide, 'the same model on both sides');
  t.match(saved, { fingerprint: zohoSide }, 'so the Zoho → Moodle flow finds the enrollment unchanged');
});

t.test('a Zoho student or class a person must resolve: thrown, nothing written', async (t) => {
  t.throws(
    () =>
      planEnrolmentToZoho(
        state({
          student: {
            conflict: 'Moodle user 45: BTEC_Students 1 has its e-mail but belongs to Moodle user 46; merge the two',
          },
        }),
        settings,
      ),
    { code: 'zoho.conflict', message: /belongs to Moodle user 46/ },
    'a student who is another Moodle account',
  );
  t.throws(
    () =>
      planEnrolmentToZoho(
        state({ student: { conflict: 'Moodle user 45: several BTEC_Students records (1, 2) match it' } }),
        settings,
      ),
    { code: 'zoho.ambiguous', message: 'Moodle user 45: several BTEC_Students records (1, 2) match it' },
    'several students',
  );
  t.throws(
    () =>
      planEnrolmentToZoho(
        state({
          class: { conflict: 'Moodle course 6: several BTEC_Classes records (1, 2) have it as Moodle_Class_ID' },
        }),
        settings,
      ),
    { code: 'zoho.ambiguous', message: /Moodle course 6: several BTEC_Classes records/ },
    'several classes',
  );
});

t.test('sync.directions.enrollments is the gate: forbidding Moodle → Zoho vetoes the event', async (t) => {
  const { gate } = moodleEnrollment as unknown as Flow;
  const event = { source: 'moodle', event_type: '\\core\\event\\user_enrolment_created' };
  const directed = (enrollments: string) => parseSyncSettings({ 'sync.directions': { enrollments } });
  t.equal(
    gateVeto(directed('zoho_to_moodle'), gate, event),
    'direction zoho_to_moodle (sync.directions.enrollments) does not sync Moodle → Zoho',
  );
  t.equal(gateVeto(directed('bidirectional'), gate, event), null, 'bidirectional: runs');
  t.equal(gateVeto(directed('moodle_to_zoho'), gate, event), null, 'moodle_to_zoho: runs');
  t.strictSame(
    planEnrolmentToZoho(state(), directed('zoho_to_moodle')),
    planEnrolmentToZoho(state(), settings),
    'the plan itself does not read the directions',
  );
});

t.test('planning is pure: the same state plans the same, twice, and is left as it was', async (t) => {
  for (const c of [...enrolments, ...noWrite, ...unenrolments]) {
    const before = structuredClone(c.state);
    t.strictSame(
      planEnrolmentToZoho(c.state, c.settings ?? settings),
      planEnrolmentToZoho(c.state, c.settings ?? settings),
      c.name,
    );
    t.strictSame(c.state, before, `${c.name}: state untouched`);
  }
});
