// The class flow's plan as data: states (what read found) → result and steps. Pure: no database, no simulators.
import t from 'tap';
import type { MoodleCourse } from '../../../shared/clients/moodle/moodleSchemas.ts';
import type { SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { mapClassToCourse, shortnameCandidates } from '../../../shared/domain/sync/mapClassToCourse.ts';
import type { EntityResult, SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import type { ZohoClass } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { planClass, zohoClass, type ClassPrepared, type ClassState } from '../../../worker/flows/zohoClass.ts';

const ZOHO_ID = '5843210000000200001';
const OTHER_ZOHO_ID = '5843210000000200999';
const PROGRAM_ID = '5843210000000300001';
const OTHER_PROGRAM_ID = '5843210000000300002';
const TEACHER_ID = '5843210000000400001';
const OTHER_TEACHER_ID = '5843210000000400002';
const START = Date.UTC(2026, 8, 1) / 1000;
const END = Date.UTC(2027, 0, 31) / 1000;
const COURSE = { ref: 'course' };
const QUEUED = { ref: 'enrollmentsQueued' };
const TEACHER_WARNING = `teacher ${TEACHER_ID} not enrolled: BTEC_Teachers ${TEACHER_ID}: Academic_Email (or Email) is empty`;

const classRecord = (over: Partial<ZohoClass> = {}): ZohoClass =>
  ({
    id: ZOHO_ID,
    recordNumber: 'CL-77',
    name: 'Unit 9 Accounting',
    shortName: 'U9-ACC',
    status: 'Active',
    program: { id: PROGRAM_ID, name: 'Business' },
    teacher: { id: TEACHER_ID, name: 'Leila Haddad' },
    unit: null,
    startDate: '2026-09-01',
    endDate: '2027-01-31',
    moodleClassId: null,
    term: null,
    studyMode: null,
    ...over,
  }) as unknown as ZohoClass;
/** The fingerprint read computes for a record (the default one unless the case changes it). */
const printOf = (over: Partial<ZohoClass> = {}) => fingerprint(mapClassToCourse(classRecord(over)));
const print = printOf();

const course = (over: Partial<MoodleCourse> = {}): MoodleCourse => ({
  id: 42,
  fullname: 'Unit 9 Accounting',
  shortname: 'U9-ACC',
  idnumber: ZOHO_ID,
  categoryid: 700,
  startdate: START,
  enddate: END,
  visible: 1,
  ...over,
});
const link = (over: Partial<SyncLink> = {}): SyncLink => ({
  entity: 'class',
  zoho_id: ZOHO_ID,
  moodle_id: 42,
  moodle_user_id: 60,
  fingerprint: print,
  state: 'active',
  synced_at: new Date(0),
  ...over,
});

/**
 * What read returns for a class still in Zoho: desired, fingerprint and shortname candidates
 * computed from the record as read does; the program's category 700, the teacher's user 60,
 * nothing found in Moodle and the shortname free, unless the case says otherwise.
 */
function state(
  options: { record?: Partial<ZohoClass>; link?: SyncLink | null; prepared?: Partial<ClassPrepared> | null } = {},
): ClassState {
  const record = classRecord(options.record);
  const desired = mapClassToCourse(record);
  const recordPrint = fingerprint(desired);
  const prepared: ClassPrepared | null =
    options.prepared === null
      ? null
      : {
          desired,
          print: recordPrint,
          categoryId: 700,
          teacherUserId: 60,
          teacherWarning: null,
          dependencies: [],
          candidates: shortnameCandidates(desired.shortname, record),
          existing: null,
          shortnameOwners: { [desired.shortname]: null },
          ...options.prepared,
        };
  return {
    zohoId: ZOHO_ID,
    link: options.link ?? null,
    record,
    prepared,
    print: recordPrint,
    writeBackField: 'Moodle_Class_ID',
  };
}
const deleted = (linked: SyncLink | null, found: MoodleCourse | null): ClassState => ({
  zohoId: ZOHO_ID,
  link: linked,
  record: null,
  course: found,
});
const byLink = (over: Partial<MoodleCourse> = {}): ClassPrepared['existing'] => ({
  course: course(over),
  linkedBy: 'link',
});

const createCourse = (over: Record<string, unknown> = {}): SyncStep =>
  ({
    op: 'moodle.create_course',
    ref: 'course',
    course: {
      fullname: 'Unit 9 Accounting',
      shortname: 'U9-ACC',
      idnumber: ZOHO_ID,
      categoryid: 700,
      startdate: START,
      enddate: END,
      ...over,
    },
  }) as SyncStep;
const updateCourse = (changes: Record<string, unknown>): SyncStep => ({
  op: 'moodle.update_course',
  courseId: 42,
  changes,
});
const enrol = (userId: unknown, courseId: unknown, extra: Record<string, unknown> = {}): SyncStep =>
  ({ op: 'moodle.enrol', userId, courseId, roleId: 3, ...extra }) as SyncStep;
const queueEnrollments: SyncStep = { op: 'zoho.queue_class_enrollments', classZohoId: ZOHO_ID };
const linkSaved = (moodleId: unknown, extra: Record<string, unknown> = {}): SyncStep =>
  ({
    op: 'link.save',
    entity: 'class',
    zohoId: ZOHO_ID,
    moodleId,
    moodleUserId: 60,
    fingerprint: print,
    state: 'active',
    ...extra,
  }) as SyncStep;
const writeBack = (value: unknown): SyncStep => ({
  op: 'zoho.update',
  module: 'BTEC_Classes',
  recordId: ZOHO_ID,
  values: { moodleClassId: value },
});
const NEW_COURSE_CHANGES = ['fullname', 'shortname', 'idnumber', 'categoryid', 'startdate', 'enddate'];
const result = (over: Partial<EntityResult>): EntityResult => ({
  entity: 'class',
  zohoId: ZOHO_ID,
  action: 'unchanged',
  moodleId: 42,
  ...over,
});

interface Case {
  name: string;
  state: ClassState;
  /** The stored setting values (parseSyncSettings fills in the rest). */
  settings?: Record<string, unknown>;
  result: EntityResult;
  steps: SyncStep[];
}

const groups: { name: string; cases: Case[] }[] = [
  {
    name: 'a class that becomes a course',
    cases: [
      {
        name: 'Active, nothing in Moodle: created in the category with its dates, teacher enrolled, enrolments queued, linked, Moodle_Class_ID written back',
        state: state({
          prepared: {
            dependencies: [
              { entity: 'program', zohoId: PROGRAM_ID, action: 'created', moodleId: 700 },
              { entity: 'teacher', zohoId: TEACHER_ID, action: 'created', moodleId: 60 },
            ],
          },
        }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: [...NEW_COURSE_CHANGES, 'teacher'],
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          dependencies: [
            { entity: 'program', zohoId: PROGRAM_ID, action: 'created', moodleId: 700 },
            { entity: 'teacher', zohoId: TEACHER_ID, action: 'created', moodleId: 60 },
          ],
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse(),
          enrol(60, COURSE),
          queueEnrollments,
          linkSaved(COURSE),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: 'no dates in Zoho: none sent, none listed as changed',
        state: state({ record: { startDate: null, endDate: null } }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: ['fullname', 'shortname', 'idnumber', 'categoryid', 'teacher'],
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          {
            op: 'moodle.create_course',
            ref: 'course',
            course: { fullname: 'Unit 9 Accounting', shortname: 'U9-ACC', idnumber: ZOHO_ID, categoryid: 700 },
          },
          enrol(60, COURSE),
          queueEnrollments,
          linkSaved(COURSE, { fingerprint: printOf({ startDate: null, endDate: null }) }),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: 'no teacher on the class: no enrolment, no teacher details, the link names no teacher',
        state: state({ record: { teacher: null }, prepared: { teacherUserId: null } }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: NEW_COURSE_CHANGES,
          details: { enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse(),
          queueEnrollments,
          linkSaved(COURSE, { moodleUserId: null, fingerprint: printOf({ teacher: null }) }),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: 'the teacher cannot have an account: the course is still made, a warning says why, no fingerprint (next event retries)',
        state: state({ prepared: { teacherUserId: null, teacherWarning: TEACHER_WARNING } }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: NEW_COURSE_CHANGES,
          warnings: [TEACHER_WARNING],
          details: { enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse(),
          queueEnrollments,
          linkSaved(COURSE, { moodleUserId: null, fingerprint: null }),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: 'program and teacher only to be made (a dry run): category and teacher are their refs',
        state: state({
          prepared: { categoryId: { ref: `program:${PROGRAM_ID}` }, teacherUserId: { ref: `teacher:${TEACHER_ID}` } },
        }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: [...NEW_COURSE_CHANGES, 'teacher'],
          details: { teacherEnrolled: { ref: `teacher:${TEACHER_ID}` }, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse({ categoryid: { ref: `program:${PROGRAM_ID}` } }),
          enrol({ ref: `teacher:${TEACHER_ID}` }, COURSE),
          queueEnrollments,
          linkSaved(COURSE, { moodleUserId: { ref: `teacher:${TEACHER_ID}` } }),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: 'moodle.roles.teacher given by id: the teacher enrolled with that role',
        state: state(),
        settings: { 'moodle.roles': { teacher: 9 } },
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: [...NEW_COURSE_CHANGES, 'teacher'],
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse(),
          enrol(60, COURSE, { roleId: 9 }),
          queueEnrollments,
          linkSaved(COURSE),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
    ],
  },
  {
    name: 'a shortname already taken is made unique',
    cases: [
      {
        name: 'taken by another course: the record number variant, with a warning',
        state: state({ prepared: { shortnameOwners: { 'U9-ACC': OTHER_ZOHO_ID, 'U9-ACC (CL-77)': null } } }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: [...NEW_COURSE_CHANGES, 'teacher'],
          warnings: ['shortname "U9-ACC" belongs to another course; used "U9-ACC (CL-77)"'],
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse({ shortname: 'U9-ACC (CL-77)' }),
          enrol(60, COURSE),
          queueEnrollments,
          linkSaved(COURSE),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: "taken by a course without idnumber ('') counts as taken too; both warnings, shortname's first",
        state: state({
          prepared: {
            shortnameOwners: { 'U9-ACC': '', 'U9-ACC (CL-77)': null },
            teacherUserId: null,
            teacherWarning: TEACHER_WARNING,
          },
        }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: NEW_COURSE_CHANGES,
          warnings: ['shortname "U9-ACC" belongs to another course; used "U9-ACC (CL-77)"', TEACHER_WARNING],
          details: { enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse({ shortname: 'U9-ACC (CL-77)' }),
          queueEnrollments,
          linkSaved(COURSE, { moodleUserId: null, fingerprint: null }),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: 'the first two taken: the Zoho id variant',
        state: state({
          prepared: {
            shortnameOwners: { 'U9-ACC': OTHER_ZOHO_ID, 'U9-ACC (CL-77)': '', [`U9-ACC (${ZOHO_ID})`]: null },
          },
        }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: [...NEW_COURSE_CHANGES, 'teacher'],
          warnings: [`shortname "U9-ACC" belongs to another course; used "U9-ACC (${ZOHO_ID})"`],
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse({ shortname: `U9-ACC (${ZOHO_ID})` }),
          enrol(60, COURSE),
          queueEnrollments,
          linkSaved(COURSE),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
      {
        name: "held by a course with this class's own idnumber: it is the class's, used as it is, no warning",
        state: state({ prepared: { shortnameOwners: { 'U9-ACC': ZOHO_ID } } }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: [...NEW_COURSE_CHANGES, 'teacher'],
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse(),
          enrol(60, COURSE),
          queueEnrollments,
          linkSaved(COURSE),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
    ],
  },
  {
    name: 'a class not yet in a creatable status (pending): skipped with the reason, nothing written',
    cases: [
      {
        name: 'Class_Status Pending',
        state: state({ record: { status: 'Pending' }, prepared: null }),
        result: result({
          action: 'skipped',
          moodleId: null,
          reason: 'Class_Status is "Pending"; a course is created at "Active"',
        }),
        steps: [],
      },
      {
        name: 'Class_Status empty',
        state: state({ record: { status: null }, prepared: null }),
        result: result({
          action: 'skipped',
          moodleId: null,
          reason: 'Class_Status is empty; a course is created at "Active"',
        }),
        steps: [],
      },
      {
        name: 'the reason lists every status of classes.create_when_status',
        state: state({ record: { status: 'End' }, prepared: null }),
        settings: { 'classes.create_when_status': ['Active', 'Initial Evaluation'] },
        result: result({
          action: 'skipped',
          moodleId: null,
          reason: 'Class_Status is "End"; a course is created at "Active", "Initial Evaluation"',
        }),
        steps: [],
      },
      {
        name: 'classes.create_when_status empty: the reason says no status makes a course',
        state: state({ prepared: null }),
        settings: { 'classes.create_when_status': [] },
        result: result({
          action: 'skipped',
          moodleId: null,
          reason: 'Class_Status is "Active"; a course is created at (no status: classes.create_when_status is empty)',
        }),
        steps: [],
      },
    ],
  },
  {
    name: 'linked and unchanged (fingerprint matches): no write',
    cases: [
      {
        name: 'Moodle_Class_ID already in Zoho: unchanged, no step at all',
        state: state({ record: { moodleClassId: '42' }, link: link(), prepared: null }),
        result: result({}),
        steps: [],
      },
      {
        name: 'a course once made follows its class whatever the status: End is unchanged, not skipped',
        state: state({ record: { moodleClassId: '42', status: 'End' }, link: link(), prepared: null }),
        result: result({}),
        steps: [],
      },
      {
        name: 'Moodle_Class_ID empty in Zoho: only the write-back',
        state: state({ link: link(), prepared: null }),
        result: result({ writeBack: 'Moodle_Class_ID' }),
        steps: [writeBack('42')],
      },
    ],
  },
  {
    name: 'an existing course updated only where it differs',
    cases: [
      {
        name: 'stale fingerprint, the course as desired, same teacher: unchanged, only the link refreshed',
        state: state({
          record: { moodleClassId: '42' },
          link: link({ fingerprint: 'old' }),
          prepared: { existing: byLink() },
        }),
        result: result({}),
        steps: [linkSaved(42)],
      },
      {
        name: 'the teacher role setting is not read when no one is enrolled (an invalid one does not fail)',
        state: state({
          record: { moodleClassId: '42' },
          link: link({ fingerprint: 'old' }),
          prepared: { existing: byLink() },
        }),
        settings: { 'moodle.roles': { teacher: 'no-such-role' } },
        result: result({}),
        steps: [linkSaved(42)],
      },
      {
        name: 'renamed in Zoho: fullname only',
        state: state({
          record: { moodleClassId: '42', name: 'Unit 9 Accounting (evening)' },
          link: link(),
          prepared: { existing: byLink() },
        }),
        result: result({ action: 'updated', changes: ['fullname'] }),
        steps: [
          updateCourse({ fullname: 'Unit 9 Accounting (evening)' }),
          linkSaved(42, { fingerprint: printOf({ name: 'Unit 9 Accounting (evening)' }) }),
        ],
      },
      {
        name: 'End_Date moved in Zoho: enddate only',
        state: state({
          record: { moodleClassId: '42', endDate: '2027-02-28' },
          link: link(),
          prepared: { existing: byLink() },
        }),
        result: result({ action: 'updated', changes: ['enddate'] }),
        steps: [
          updateCourse({ enddate: Date.UTC(2027, 1, 28) / 1000 }),
          linkSaved(42, { fingerprint: printOf({ endDate: '2027-02-28' }) }),
        ],
      },
      {
        name: "a date emptied in Zoho leaves Moodle's alone",
        state: state({
          record: { moodleClassId: '42', endDate: null },
          link: link(),
          prepared: { existing: byLink() },
        }),
        result: result({}),
        steps: [linkSaved(42, { fingerprint: printOf({ endDate: null }) })],
      },
      {
        name: "moved to another program: the course moves to that program's category",
        state: state({
          record: { moodleClassId: '42', program: { id: OTHER_PROGRAM_ID, name: 'IT' } },
          link: link(),
          prepared: { existing: byLink(), categoryId: 701 },
        }),
        result: result({ action: 'updated', changes: ['categoryid'] }),
        steps: [
          updateCourse({ categoryid: 701 }),
          linkSaved(42, { fingerprint: printOf({ program: { id: OTHER_PROGRAM_ID, name: 'IT' } }) }),
        ],
      },
      {
        name: "moved to a program whose category is only to be made (a dry run): the move names the category's ref",
        state: state({
          record: { moodleClassId: '42', program: { id: OTHER_PROGRAM_ID, name: 'IT' } },
          link: link(),
          prepared: { existing: byLink(), categoryId: { ref: `program:${OTHER_PROGRAM_ID}` } },
        }),
        result: result({ action: 'updated', changes: ['categoryid'] }),
        steps: [
          updateCourse({ categoryid: { ref: `program:${OTHER_PROGRAM_ID}` } }),
          linkSaved(42, { fingerprint: printOf({ program: { id: OTHER_PROGRAM_ID, name: 'IT' } }) }),
        ],
      },
      {
        name: 'Class_Short_Name changed and free: the new shortname',
        state: state({
          record: { moodleClassId: '42', shortName: 'U9-ACC-2' },
          link: link(),
          prepared: { existing: byLink(), shortnameOwners: { 'U9-ACC-2': null } },
        }),
        result: result({ action: 'updated', changes: ['shortname'] }),
        steps: [
          updateCourse({ shortname: 'U9-ACC-2' }),
          linkSaved(42, { fingerprint: printOf({ shortName: 'U9-ACC-2' }) }),
        ],
      },
      {
        name: 'Class_Short_Name changed to one taken: the made-unique variant (and, unlike a new course, no warning)',
        state: state({
          record: { moodleClassId: '42', shortName: 'U9-ACC-2' },
          link: link(),
          prepared: {
            existing: byLink(),
            shortnameOwners: { 'U9-ACC-2': OTHER_ZOHO_ID, 'U9-ACC-2 (CL-77)': null },
          },
        }),
        result: result({ action: 'updated', changes: ['shortname'] }),
        steps: [
          updateCourse({ shortname: 'U9-ACC-2 (CL-77)' }),
          linkSaved(42, { fingerprint: printOf({ shortName: 'U9-ACC-2' }) }),
        ],
      },
      {
        name: 'a course already carrying a made-unique variant keeps it',
        state: state({
          record: { moodleClassId: '42' },
          link: link({ fingerprint: 'old' }),
          prepared: { existing: byLink({ shortname: 'U9-ACC (CL-77)' }) },
        }),
        result: result({}),
        steps: [linkSaved(42)],
      },
      {
        name: 'a class restored in Zoho after a delete: its hidden course shown again, the link active again',
        state: state({
          record: { moodleClassId: '42' },
          link: link({ state: 'suspended', fingerprint: null }),
          prepared: { existing: byLink({ visible: 0 }) },
        }),
        result: result({ action: 'updated', changes: ['visible'] }),
        steps: [updateCourse({ visible: true }), linkSaved(42)],
      },
    ],
  },
  {
    name: 'an existing course adopted',
    cases: [
      {
        name: 'found by idnumber = Zoho id (no link): linked, linkedBy idnumber, the teacher enrolled, enrolments queued, id written back',
        state: state({ prepared: { existing: { course: course(), linkedBy: 'idnumber' } } }),
        result: result({
          action: 'updated',
          changes: ['teacher'],
          linkedBy: 'idnumber',
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [enrol(60, 42), queueEnrollments, linkSaved(42), writeBack('42')],
      },
      {
        name: "found by Zoho's Moodle_Class_ID, a hand-made course without idnumber: renamed, shortname and idnumber set",
        state: state({
          record: { moodleClassId: '42' },
          prepared: {
            existing: {
              course: course({ idnumber: '', fullname: 'Accounting (by hand)', shortname: 'ACC-hand' }),
              linkedBy: 'zoho_moodle_id',
            },
          },
        }),
        result: result({
          action: 'updated',
          changes: ['fullname', 'shortname', 'idnumber', 'teacher'],
          linkedBy: 'zoho_moodle_id',
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
        }),
        steps: [
          updateCourse({ fullname: 'Unit 9 Accounting', shortname: 'U9-ACC', idnumber: ZOHO_ID }),
          enrol(60, 42),
          queueEnrollments,
          linkSaved(42),
        ],
      },
    ],
  },
  {
    name: "the teacher's enrolment",
    cases: [
      {
        name: 'another teacher in Zoho: the new one enrolled, the previous one suspended (not removed)',
        state: state({
          record: { moodleClassId: '42', teacher: { id: OTHER_TEACHER_ID, name: 'B' } },
          link: link(),
          prepared: { existing: byLink(), teacherUserId: 61 },
        }),
        result: result({
          action: 'updated',
          changes: ['teacher'],
          details: { teacherEnrolled: 61, previousTeacherSuspended: 60 },
        }),
        steps: [
          enrol(61, 42),
          enrol(60, 42, { suspend: true }),
          linkSaved(42, { moodleUserId: 61, fingerprint: printOf({ teacher: { id: OTHER_TEACHER_ID, name: 'B' } }) }),
        ],
      },
      {
        name: 'the teacher removed in Zoho: their enrolment suspended, none made',
        state: state({
          record: { moodleClassId: '42', teacher: null },
          link: link(),
          prepared: { existing: byLink(), teacherUserId: null },
        }),
        result: result({
          action: 'updated',
          changes: ['teacher'],
          details: { teacherEnrolled: null, previousTeacherSuspended: 60 },
        }),
        steps: [
          enrol(60, 42, { suspend: true }),
          linkSaved(42, { moodleUserId: null, fingerprint: printOf({ teacher: null }) }),
        ],
      },
      {
        name: 'a teacher who could not have an account now has one: enrolled on the next event (no fingerprint was kept)',
        state: state({
          record: { moodleClassId: '42' },
          link: link({ moodle_user_id: null, fingerprint: null }),
          prepared: { existing: byLink() },
        }),
        result: result({ action: 'updated', changes: ['teacher'], details: { teacherEnrolled: 60 } }),
        steps: [enrol(60, 42), linkSaved(42)],
      },
      {
        name: 'renamed and another teacher: both changes listed, course fields first',
        state: state({
          record: {
            moodleClassId: '42',
            name: 'Unit 9 Accounting (evening)',
            teacher: { id: OTHER_TEACHER_ID, name: 'B' },
          },
          link: link(),
          prepared: { existing: byLink(), teacherUserId: 61 },
        }),
        result: result({
          action: 'updated',
          changes: ['fullname', 'teacher'],
          details: { teacherEnrolled: 61, previousTeacherSuspended: 60 },
        }),
        steps: [
          updateCourse({ fullname: 'Unit 9 Accounting (evening)' }),
          enrol(61, 42),
          enrol(60, 42, { suspend: true }),
          linkSaved(42, {
            moodleUserId: 61,
            fingerprint: printOf({ name: 'Unit 9 Accounting (evening)', teacher: { id: OTHER_TEACHER_ID, name: 'B' } }),
          }),
        ],
      },
    ],
  },
  {
    name: 'stale links',
    cases: [
      {
        name: 'the link names another course (41) but one carries the idnumber: that one linked, its teacher enrolled, Moodle_Class_ID corrected, its enrolments queued into it; nothing suspended in 41',
        state: state({
          record: { moodleClassId: '41' },
          link: link({ moodle_id: 41, fingerprint: 'old' }),
          prepared: { existing: { course: course(), linkedBy: 'idnumber' } },
        }),
        result: result({
          action: 'updated',
          changes: ['teacher'],
          linkedBy: 'idnumber',
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [enrol(60, 42), queueEnrollments, linkSaved(42), writeBack('42')],
      },
      {
        name: 'the linked course was deleted by hand and nothing else matches: made again, teacher enrolled, its enrolments queued into the new course, link and Moodle_Class_ID overwritten',
        state: state({ record: { moodleClassId: '42' }, link: link({ fingerprint: 'old' }) }),
        result: result({
          action: 'created',
          moodleId: COURSE,
          changes: [...NEW_COURSE_CHANGES, 'teacher'],
          details: { teacherEnrolled: 60, enrollmentsQueued: QUEUED },
          writeBack: 'Moodle_Class_ID',
        }),
        steps: [
          createCourse(),
          enrol(60, COURSE),
          queueEnrollments,
          linkSaved(COURSE),
          writeBack({ ref: 'course', asString: true }),
        ],
      },
    ],
  },
  {
    name: 'deleted in Zoho: the course hidden, never deleted (grades live there)',
    cases: [
      {
        name: 'a visible course: hidden, the link suspended without fingerprint (its teacher kept on it)',
        state: deleted(link(), course()),
        result: result({
          action: 'suspended',
          changes: ['visible'],
          reason: 'deleted in Zoho: course hidden, not deleted (grades are kept)',
        }),
        steps: [updateCourse({ visible: false }), linkSaved(42, { fingerprint: null, state: 'suspended' })],
      },
      {
        name: 'already hidden, link still active: unchanged, only the link suspended (no enrolment into it)',
        state: deleted(link(), course({ visible: 0 })),
        result: result({ reason: 'deleted in Zoho; the course was already hidden' }),
        steps: [linkSaved(42, { fingerprint: null, state: 'suspended' })],
      },
      {
        name: 'the same delete again (hidden, link suspended): nothing to write',
        state: deleted(link({ state: 'suspended', fingerprint: null }), course({ visible: 0 })),
        result: result({ reason: 'deleted in Zoho; the course was already hidden' }),
        steps: [],
      },
      {
        name: 'a hidden course found by idnumber, never linked: a suspended link is saved for it, without teacher',
        state: deleted(null, course({ visible: 0 })),
        result: result({ reason: 'deleted in Zoho; the course was already hidden' }),
        steps: [linkSaved(42, { moodleUserId: null, fingerprint: null, state: 'suspended' })],
      },
      {
        name: 'no course at all: skipped, nothing written',
        state: deleted(null, null),
        result: result({
          action: 'skipped',
          moodleId: null,
          reason: 'BTEC_Classes record no longer exists in Zoho and has no Moodle course',
        }),
        steps: [],
      },
    ],
  },
];

for (const group of groups) {
  t.test(group.name, async (t) => {
    for (const c of group.cases) {
      t.test(c.name, async (t) => {
        const plan = planClass(c.state, parseSyncSettings(c.settings ?? {}));
        t.strictSame(plan.result, c.result, 'the whole result');
        t.strictSame(plan.steps, c.steps, 'every step, in order');
      });
    }
  });
}

t.test('conflicts a person must resolve: PermanentError with its code, naming the record', async (t) => {
  const throwing: {
    name: string;
    state: ClassState;
    settings?: Record<string, unknown>;
    code: string;
    message: string;
  }[] = [
    {
      name: 'Moodle_Class_ID in Zoho names a course that belongs to another class',
      state: state({
        record: { moodleClassId: '42' },
        prepared: { existing: { course: course({ idnumber: OTHER_ZOHO_ID }), linkedBy: 'zoho_moodle_id' } },
      }),
      code: 'moodle.conflict',
      message: `BTEC_Classes ${ZOHO_ID}: Moodle_Class_ID 42 is a course that belongs to Zoho record ${OTHER_ZOHO_ID}`,
    },
    {
      name: 'a new course whose every shortname candidate belongs to another course',
      state: state({
        prepared: {
          shortnameOwners: { 'U9-ACC': OTHER_ZOHO_ID, 'U9-ACC (CL-77)': '', [`U9-ACC (${ZOHO_ID})`]: OTHER_ZOHO_ID },
        },
      }),
      code: 'moodle.duplicate',
      message: `BTEC_Classes ${ZOHO_ID}: shortnames "U9-ACC", "U9-ACC (CL-77)", "U9-ACC (${ZOHO_ID})" all belong to other courses`,
    },
    {
      name: 'a shortname change whose every candidate belongs to another course',
      state: state({
        record: { moodleClassId: '42', shortName: 'U9-ACC-2' },
        link: link(),
        prepared: {
          existing: byLink(),
          shortnameOwners: {
            'U9-ACC-2': OTHER_ZOHO_ID,
            'U9-ACC-2 (CL-77)': OTHER_ZOHO_ID,
            [`U9-ACC-2 (${ZOHO_ID})`]: OTHER_ZOHO_ID,
          },
        },
      }),
      code: 'moodle.duplicate',
      message: `BTEC_Classes ${ZOHO_ID}: shortnames "U9-ACC-2", "U9-ACC-2 (CL-77)", "U9-ACC-2 (${ZOHO_ID})" all belong to other courses`,
    },
    {
      name: 'a teacher to enrol with moodle.roles.teacher naming no standard role',
      state: state(),
      settings: { 'moodle.roles': { teacher: 'no-such-role' } },
      code: 'settings.invalid',
      message:
        'app_settings moodle.roles.teacher = "no-such-role" is not a standard Moodle role shortname: give the role\'s numeric id instead (Site administration > Users > Define roles)',
    },
  ];
  for (const c of throwing) {
    t.test(c.name, async (t) => {
      const settings = parseSyncSettings(c.settings ?? {});
      t.throws(() => planClass(c.state, settings), new PermanentError(c.code, c.message), 'the exact error');
      t.throws(() => planClass(c.state, settings), { name: 'PermanentError', code: c.code }, `code ${c.code}`);
    });
  }
});

t.test('plans know nothing of dry runs, and are pure', async (t) => {
  for (const c of groups.flatMap((g) => g.cases)) {
    const settings = parseSyncSettings(c.settings ?? {});
    const dry = parseSyncSettings({ ...c.settings, 'system.dry_run': { enabled: true, modules: ['BTEC_Classes'] } });
    const before = structuredClone(c.state);
    const plan = planClass(c.state, settings);
    t.strictSame(c.state, before, `${c.name}: the state is not changed`);
    t.strictSame(planClass(c.state, settings), plan, `${c.name}: the same state plans the same, twice`);
    t.strictSame(planClass(c.state, dry), plan, `${c.name}: system.dry_run makes no difference`);
  }
  t.equal(zohoClass.plan, planClass, 'the flow plans with planClass');
});
