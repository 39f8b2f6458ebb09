// The enrollment flow's plan as data: states (what read found) → result and steps. Pure: no database, no simulators.
import t, { type Test } from 'tap';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import type { SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import type { DesiredEnrolment } from '../../../shared/domain/sync/mapEnrollment.ts';
import { ref, type EntityResult, type IdOrRef, type SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import { planEnrollment, zohoEnrollment, type EnrollmentState } from '../../../worker/flows/zohoEnrollment.ts';

const settings = parseSyncSettings({});
const ENROLLMENT_ID = '5843210000000300001';
const STUDENT_ID = '5843210000000100001';
const CLASS_ID = '5843210000000200001';
const COURSE = 310;
const USER = 42;
const STUDENT_ROLE = 5; // moodle.roles.student defaults to the standard shortname "student"

const desired: DesiredEnrolment = { studentZohoId: STUDENT_ID, classZohoId: CLASS_ID };
const print = fingerprint(desired);
const link = (over: Partial<SyncLink> = {}): SyncLink => ({
  entity: 'enrollment',
  zoho_id: ENROLLMENT_ID,
  moodle_id: COURSE,
  moodle_user_id: USER,
  fingerprint: print,
  state: 'active',
  synced_at: new Date(0),
  ...over,
});

type Resolved = NonNullable<Extract<EnrollmentState, { deleted: false }>['resolved']>;
/** A live enrollment whose class is course 310 and whose student is user 42, both linked already (no dependencies). */
function state(over: { link?: SyncLink | null; resolved?: Partial<Resolved> | null } = {}): EnrollmentState {
  const { link: linked = null, resolved = {} } = over;
  return {
    zohoId: ENROLLMENT_ID,
    link: linked,
    deleted: false,
    desired,
    print,
    resolved: resolved === null ? null : { course: { courseId: COURSE }, userId: USER, dependencies: [], ...resolved },
  };
}
const deleted = (linked: SyncLink | null): EnrollmentState => ({ zohoId: ENROLLMENT_ID, link: linked, deleted: true });

// What the dependencies' own flows report (io.ensure), as read gathers them.
const classCreated: EntityResult = {
  entity: 'class',
  zohoId: CLASS_ID,
  action: 'created',
  moodleId: COURSE,
  dependencies: [
    { entity: 'program', zohoId: '5843210000000500001', action: 'created', moodleId: 12 },
    { entity: 'teacher', zohoId: '5843210000000600001', action: 'created', moodleId: 41 },
  ],
};
const studentCreated: EntityResult = { entity: 'student', zohoId: STUDENT_ID, action: 'created', moodleId: USER };
const pendingReason = 'Class_Status is "Pending"; a course is created at "Active"';
const classPending: EntityResult = {
  entity: 'class',
  zohoId: CLASS_ID,
  action: 'skipped',
  moodleId: null,
  reason: pendingReason,
};

const enrol = (userId: IdOrRef, courseId: IdOrRef, roleId = STUDENT_ROLE): SyncStep => ({
  op: 'moodle.enrol',
  userId,
  courseId,
  roleId,
  suspend: false,
  dropStaleLinks: true,
});
const suspendOld = (userId: number, courseId: number, roleId = STUDENT_ROLE): SyncStep => ({
  op: 'moodle.enrol',
  userId,
  courseId,
  roleId,
  suspend: true,
});
/** The enrolment an enrollment had before it moved: nothing to suspend when Moodle no longer has its course or user. */
const suspendMoved = (userId: number, courseId: number, roleId = STUDENT_ROLE): SyncStep => ({
  op: 'moodle.enrol',
  userId,
  courseId,
  roleId,
  suspend: true,
  skipIfGone: true,
});
const linkSaved = (courseId: IdOrRef, userId: IdOrRef): SyncStep => ({
  op: 'link.save',
  entity: 'enrollment',
  zohoId: ENROLLMENT_ID,
  moodleId: courseId,
  moodleUserId: userId,
  fingerprint: print,
});
const ALL_FIELDS = ['userid', 'courseid', 'roleid'];

interface Case {
  name: string;
  state: EnrollmentState;
  settings?: Record<string, unknown>;
  result: EntityResult;
  steps: SyncStep[];
}

function runCases(t: Test, cases: Case[]) {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const plan = planEnrollment(c.state, c.settings ? parseSyncSettings(c.settings) : settings);
      t.strictSame(plan.result, c.result, 'the full result');
      t.strictSame(plan.steps, c.steps, 'the full step list, in order');
    });
  }
}

const unchangedCases: Case[] = [
  {
    name: 'the link says nothing changed (same fingerprint, active): unchanged, no step, nothing ensured',
    state: state({ link: link(), resolved: null }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'unchanged',
      moodleId: COURSE,
      details: { userId: USER },
    },
    steps: [],
  },
];

const createCases: Case[] = [
  {
    name: 'class and student already linked: enrolled with the student role, then linked',
    state: state(),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'created',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: { userId: USER, roleId: STUDENT_ROLE },
    },
    steps: [enrol(USER, COURSE), linkSaved(COURSE, USER)],
  },
  {
    name: 'the enrollment arrives first: the class (with its program and teacher) and the student, synced first, are its dependencies',
    state: state({ resolved: { dependencies: [classCreated, studentCreated] } }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'created',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: { userId: USER, roleId: STUDENT_ROLE },
      dependencies: [classCreated, studentCreated],
    },
    steps: [enrol(USER, COURSE), linkSaved(COURSE, USER)],
  },
  {
    name: 'dry run: course and account the dependencies would make are refs, in the steps and the result',
    state: state({
      resolved: {
        course: { courseId: ref(`class:${CLASS_ID}`) },
        userId: ref(`student:${STUDENT_ID}`),
        dependencies: [
          { ...classCreated, moodleId: null },
          { ...studentCreated, moodleId: null },
        ],
      },
    }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'created',
      moodleId: { ref: `class:${CLASS_ID}` },
      changes: ALL_FIELDS,
      details: { userId: { ref: `student:${STUDENT_ID}` }, roleId: STUDENT_ROLE },
      dependencies: [
        { ...classCreated, moodleId: null },
        { ...studentCreated, moodleId: null },
      ],
    },
    steps: [
      enrol({ ref: `student:${STUDENT_ID}` }, { ref: `class:${CLASS_ID}` }),
      linkSaved({ ref: `class:${CLASS_ID}` }, { ref: `student:${STUDENT_ID}` }),
    ],
  },
  {
    name: 'the retry after a stale link was dropped (account deleted by hand in Moodle): the account made again is enrolled',
    // Attempt 1 planned enrol(42) with dropStaleLinks; applySteps dropped the student's link and retried.
    state: state({ resolved: { userId: 43, dependencies: [{ ...studentCreated, moodleId: 43 }] } }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'created',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: { userId: 43, roleId: STUDENT_ROLE },
      dependencies: [{ ...studentCreated, moodleId: 43 }],
    },
    steps: [enrol(43, COURSE), linkSaved(COURSE, 43)],
  },
  {
    name: 'moodle.roles.student given as a numeric id (a custom role): that id is enrolled',
    state: state(),
    settings: { 'moodle.roles': { student: '11' } },
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'created',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: { userId: USER, roleId: 11 },
    },
    steps: [enrol(USER, COURSE, 11), linkSaved(COURSE, USER)],
  },
  {
    name: 'moodle.roles.student given as another standard shortname ("teacher"): its standard id, 4',
    state: state(),
    settings: { 'moodle.roles': { student: 'teacher' } },
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'created',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: { userId: USER, roleId: 4 },
    },
    steps: [enrol(USER, COURSE, 4), linkSaved(COURSE, USER)],
  },
];

const notReadyCases: Case[] = [
  {
    name: 'the class is not a course yet (Class_Status "Pending"): skipped naming why, the student not made',
    state: state({ resolved: { course: { notReady: pendingReason }, userId: null, dependencies: [classPending] } }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'skipped',
      moodleId: null,
      dependencies: [classPending],
      reason: `class ${CLASS_ID} is not a Moodle course: ${pendingReason}; its enrolments are made when it becomes one`,
    },
    steps: [],
  },
  {
    name: 'an enrolment already made whose class is no longer a course (hidden): skipped, the enrolment left as it is',
    state: state({
      link: link({ fingerprint: 'old' }),
      resolved: {
        course: { notReady: 'deleted in Zoho: course hidden' },
        userId: null,
        dependencies: [
          { entity: 'class', zohoId: CLASS_ID, action: 'suspended', moodleId: COURSE, reason: 'deleted in Zoho' },
        ],
      },
    }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'skipped',
      moodleId: null,
      dependencies: [
        { entity: 'class', zohoId: CLASS_ID, action: 'suspended', moodleId: COURSE, reason: 'deleted in Zoho' },
      ],
      reason: `class ${CLASS_ID} is not a Moodle course: deleted in Zoho: course hidden; its enrolments are made when it becomes one`,
    },
    steps: [],
  },
];

const updateCases: Case[] = [
  {
    name: 'deleted in Zoho then restored (link suspended, same student and course): re-activated, only the status changes',
    state: state({ link: link({ state: 'suspended', fingerprint: null }) }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'updated',
      moodleId: COURSE,
      changes: ['status'],
      details: { userId: USER, roleId: STUDENT_ROLE },
    },
    // suspend: false re-activates the existing enrolment; link.save without a state saves it active.
    steps: [enrol(USER, COURSE), linkSaved(COURSE, USER)],
  },
  {
    name: 'moved to another class: enrolled in the new course, the old enrolment suspended (not removed)',
    state: state({ link: link({ moodle_id: 300, fingerprint: 'of the old class' }) }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'updated',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: {
        userId: USER,
        roleId: STUDENT_ROLE,
        previous: { userId: USER, courseId: 300, suspended: true },
      },
    },
    steps: [enrol(USER, COURSE), suspendMoved(USER, 300), linkSaved(COURSE, USER)],
  },
  {
    name: 'moved to another student: the new student enrolled, the previous one suspended in the same course',
    state: state({ link: link({ moodle_user_id: 41, fingerprint: 'of the old student' }) }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'updated',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: {
        userId: USER,
        roleId: STUDENT_ROLE,
        previous: { userId: 41, courseId: COURSE, suspended: true },
      },
    },
    steps: [enrol(USER, COURSE), suspendMoved(41, COURSE), linkSaved(COURSE, USER)],
  },
  {
    name: 'moved while suspended: the new enrolment active; the old one suspended again; all fields reported',
    state: state({ link: link({ moodle_id: 300, state: 'suspended', fingerprint: null }) }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'updated',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: {
        userId: USER,
        roleId: STUDENT_ROLE,
        previous: { userId: USER, courseId: 300, suspended: true },
      },
    },
    steps: [enrol(USER, COURSE), suspendMoved(USER, 300), linkSaved(COURSE, USER)],
  },
  {
    name: 'the class course made this run (dry run ref): differs from the linked course, so the old one is suspended',
    state: state({
      link: link({ fingerprint: 'old' }),
      resolved: {
        course: { courseId: ref(`class:${CLASS_ID}`) },
        dependencies: [{ ...classCreated, moodleId: null }],
      },
    }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'updated',
      moodleId: { ref: `class:${CLASS_ID}` },
      changes: ALL_FIELDS,
      details: {
        userId: USER,
        roleId: STUDENT_ROLE,
        previous: { userId: USER, courseId: COURSE, suspended: true },
      },
      dependencies: [{ ...classCreated, moodleId: null }],
    },
    steps: [
      enrol(USER, { ref: `class:${CLASS_ID}` }),
      suspendMoved(USER, COURSE),
      linkSaved({ ref: `class:${CLASS_ID}` }, USER),
    ],
  },
  {
    name: 'a link that names no user, to another course: updated, nothing to suspend (no previous)',
    state: state({ link: link({ moodle_id: 300, moodle_user_id: null, fingerprint: null }) }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'updated',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: { userId: USER, roleId: STUDENT_ROLE },
    },
    steps: [enrol(USER, COURSE), linkSaved(COURSE, USER)],
  },
  {
    name: 'active link to the same student and course with another fingerprint: enrolled again, every field reported',
    state: state({ link: link({ fingerprint: 'from an older mapping' }) }),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'updated',
      moodleId: COURSE,
      changes: ALL_FIELDS,
      details: { userId: USER, roleId: STUDENT_ROLE },
    },
    steps: [enrol(USER, COURSE), linkSaved(COURSE, USER)],
  },
];

const suspendedOnDelete: EntityResult = {
  entity: 'enrollment',
  zohoId: ENROLLMENT_ID,
  action: 'suspended',
  moodleId: COURSE,
  changes: ['status'],
  details: { userId: USER },
  reason: 'deleted in Zoho: enrolment suspended (grades are kept)',
};
const suspendedLink: SyncStep = {
  op: 'link.save',
  entity: 'enrollment',
  zohoId: ENROLLMENT_ID,
  moodleId: COURSE,
  moodleUserId: USER,
  fingerprint: null,
  state: 'suspended',
};
const neverEnrolled: EntityResult = {
  entity: 'enrollment',
  zohoId: ENROLLMENT_ID,
  action: 'skipped',
  moodleId: null,
  reason: 'BTEC_Enrollments record no longer exists in Zoho and never made a Moodle enrolment',
};

const deleteCases: Case[] = [
  {
    name: 'deleted in Zoho: the enrolment suspended (grades kept), the link kept suspended without a fingerprint',
    state: deleted(link()),
    result: suspendedOnDelete,
    steps: [suspendOld(USER, COURSE), suspendedLink],
  },
  {
    name: 'deleted in Zoho with a custom student role: the suspension names that role',
    state: deleted(link()),
    settings: { 'moodle.roles': { student: 12 } },
    result: suspendedOnDelete,
    steps: [suspendOld(USER, COURSE, 12), suspendedLink],
  },
  {
    name: 'the same delete again (link already suspended): unchanged, no step',
    state: deleted(link({ state: 'suspended', fingerprint: null })),
    result: {
      entity: 'enrollment',
      zohoId: ENROLLMENT_ID,
      action: 'unchanged',
      moodleId: COURSE,
      details: { userId: USER },
      reason: 'deleted in Zoho; the enrolment was already suspended',
    },
    steps: [],
  },
  {
    name: 'deleted in Zoho before it was ever synced (no link): skipped',
    state: deleted(null),
    result: neverEnrolled,
    steps: [],
  },
  {
    name: 'deleted in Zoho, its link naming no user: skipped (nothing known to suspend)',
    state: deleted(link({ moodle_user_id: null })),
    result: neverEnrolled,
    steps: [],
  },
];

t.test('unchanged', async (t) => runCases(t, unchangedCases));
t.test('created: the enrolment and its dependencies', async (t) => runCases(t, createCases));
t.test('the class is not a Moodle course', async (t) => runCases(t, notReadyCases));
t.test('updated: re-activated, moved, re-enrolled', async (t) => runCases(t, updateCases));
t.test('deleted in Zoho', async (t) => runCases(t, deleteCases));

t.test('a student role that is no standard shortname fails naming the setting, whatever the state', async (t) => {
  const bad = parseSyncSettings({ 'moodle.roles': { student: 'learner' } });
  const error = {
    code: 'settings.invalid',
    message:
      'app_settings moodle.roles.student = "learner" is not a standard Moodle role shortname: give the role\'s numeric id instead (Site administration > Users > Define roles)',
  };
  t.throws(() => planEnrollment(state(), bad), error, 'a new enrolment');
  t.throws(() => planEnrollment(deleted(link()), bad), error, 'a deleted one: not even suspended');
  t.throws(() => planEnrollment(state({ link: link(), resolved: null }), bad), error, 'even an unchanged one');
});

t.test('the flow declares this plan', async (t) => {
  t.equal(zohoEnrollment.plan, planEnrollment as unknown, 'zohoEnrollment.plan is planEnrollment');
});

t.test('planning is pure: the same state plans the same, twice, and is not changed', async (t) => {
  const all = [...unchangedCases, ...createCases, ...notReadyCases, ...updateCases, ...deleteCases];
  for (const c of all) {
    const before = structuredClone(c.state);
    const s = c.settings ? parseSyncSettings(c.settings) : settings;
    t.strictSame(planEnrollment(c.state, s), planEnrollment(c.state, s), c.name);
    t.strictSame(c.state, before, `${c.name}: state untouched`);
  }
});
