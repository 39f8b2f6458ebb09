import { createAssignment, grantExtension, saveGrade, saveSubmission } from './assignFunctions.ts';
import { createCategory } from './categoryFunctions.ts';
import { addCohortMember, createCohort } from './cohortFunctions.ts';
import { createCourse } from './courseFunctions.ts';
import { enrolUser } from './enrolFunctions.ts';
import {
  blankUser,
  CONTEXT_COURSE,
  CONTEXT_USER,
  ensureContext,
  type MoodleState,
  type MoodleUser,
} from './moodleState.ts';
import { assignRole } from './roleFunctions.ts';
import { deleteUser } from './userFunctions.ts';

export interface SeedUser extends Partial<Omit<MoodleUser, 'id' | 'deleted'>> {
  /** Default: the next free id. */
  id?: number;
  username: string;
  /** Deleted the way core_user_delete_users deletes (username and email rewritten, enrolments gone). */
  deleted?: boolean;
}

export interface MoodleSeed {
  /** Defaults: firstname "Test", lastname "User<id>", email `<username>@example.com`, password "Passw0rd!x", auth manual. No policy checks. */
  users?: SeedUser[];
  /** parent default 0 (top level). */
  categories?: { id?: number; name: string; idnumber?: string; parent?: number; description?: string }[];
  /** categoryid default 1; fullname default the shortname; other fields as core_course_create_courses takes them. */
  courses?: {
    id?: number;
    shortname: string;
    fullname?: string;
    categoryid?: number;
    idnumber?: string;
    summary?: string;
    format?: string;
    visible?: number;
    startdate?: number;
    enddate?: number;
  }[];
  /** Manual enrolments. roleid default 5 (student), null for none; suspended → status 1. */
  enrolments?: {
    userid: number;
    courseid: number;
    roleid?: number | null;
    suspended?: boolean;
    timestart?: number;
    timeend?: number;
  }[];
  /** Extra role assignments in a course context. */
  roleAssignments?: { roleid: number; userid: number; courseid: number }[];
  /** categoryid default: system cohort. */
  cohorts?: {
    id?: number;
    name: string;
    idnumber: string;
    description?: string;
    categoryid?: number;
    members?: number[];
  }[];
  assignments?: {
    id?: number;
    cmid?: number;
    courseid: number;
    name?: string;
    grade?: number;
    duedate?: number;
    attemptreopenmethod?: string;
  }[];
  /** Submissions (status default `submitted`, attempt default the latest). */
  submissions?: {
    assignmentid: number;
    userid: number;
    status?: 'new' | 'draft' | 'submitted' | 'reopened';
    attemptnumber?: number;
  }[];
  /** Per-user extensions (assign_user_flags.extensionduedate, Unix seconds). */
  extensions?: { assignmentid: number; userid: number; extensionduedate: number }[];
  /** Assignment grades; grader default the admin (2). */
  grades?: { assignmentid: number; userid: number; grade: number; grader?: number }[];
}

/** Runs `create` with the table's next id set to `id` (when given), then moves the counter past the highest id used. */
function withId<T>(state: MoodleState, table: keyof MoodleState['nextId'], id: number | undefined, create: () => T): T {
  const next = state.nextId[table];
  if (id !== undefined) state.nextId[table] = id;
  try {
    return create();
  } finally {
    state.nextId[table] = Math.max(next, state.nextId[table]);
  }
}

/**
 * Adds data to a simulated site directly (no web-service call, no welcome messages), through
 * the same code the functions use, so defaults and derived fields (contexts, sortorder) match.
 * Explicit ids are kept and the auto-increment moves past them.
 * @throws Error when the seed breaks a rule (duplicate username, unknown category, …)
 */
export function seedMoodleState(state: MoodleState, seed: MoodleSeed, now: number): void {
  const ctx = { state, now, userid: 2, afterCommit: [] as (() => void)[] };
  for (const { deleted, id: wanted, ...fields } of seed.users ?? []) {
    if (state.users.some((u) => u.username === fields.username || u.id === wanted))
      throw new Error(`seed: user ${fields.username} (${wanted}) already exists`);
    const id = withId(state, 'user', wanted, () => state.nextId.user++);
    const user = blankUser(
      id,
      {
        firstname: 'Test',
        lastname: `User${id}`,
        email: `${fields.username}@example.com`,
        password: 'Passw0rd!x',
        ...fields,
      },
      now,
    );
    state.users.push(user);
    ensureContext(state, CONTEXT_USER, id);
    if (deleted) deleteUser(state, user, now);
  }
  for (const { id, ...input } of seed.categories ?? []) withId(state, 'category', id, () => createCategory(ctx, input));
  for (const { id, ...input } of seed.courses ?? []) {
    withId(state, 'course', id, () =>
      createCourse(ctx, { ...input, fullname: input.fullname ?? input.shortname, categoryid: input.categoryid ?? 1 }),
    );
  }
  for (const e of seed.enrolments ?? []) {
    enrolUser(ctx, {
      courseid: e.courseid,
      userid: e.userid,
      suspend: e.suspended ? 1 : 0,
      timestart: e.timestart ?? 0,
      timeend: e.timeend ?? 0,
      ...(e.roleid === null ? {} : { roleid: e.roleid ?? 5 }),
    });
  }
  for (const ra of seed.roleAssignments ?? []) {
    assignRole(state, ra.roleid, ra.userid, ensureContext(state, CONTEXT_COURSE, ra.courseid).id, now);
  }
  for (const { id, categoryid, members, ...input } of seed.cohorts ?? []) {
    const categorytype =
      categoryid === undefined ? { type: 'system', value: '' } : { type: 'id', value: String(categoryid) };
    const cohort = withId(state, 'cohort', id, () => createCohort(ctx, { ...input, categorytype }));
    for (const userid of members ?? []) addCohortMember(state, cohort.id, userid, now);
  }
  for (const a of seed.assignments ?? []) {
    createAssignment(ctx, {
      course: a.courseid,
      name: a.name ?? `Assignment ${a.id ?? ''}`.trim(),
      ...(a.grade === undefined ? {} : { grade: a.grade }),
      ...(a.id === undefined ? {} : { id: a.id }),
      ...(a.cmid === undefined ? {} : { cmid: a.cmid }),
      ...(a.duedate === undefined ? {} : { duedate: a.duedate }),
      ...(a.attemptreopenmethod === undefined ? {} : { attemptreopenmethod: a.attemptreopenmethod }),
    });
    if (a.id !== undefined) state.nextId.assignment = Math.max(state.nextId.assignment, a.id + 1);
    if (a.cmid !== undefined) state.nextId.cm = Math.max(state.nextId.cm, a.cmid + 1);
  }
  for (const g of seed.grades ?? []) saveGrade({ state, now, userid: g.grader ?? 2 }, g);
  for (const s of seed.submissions ?? []) saveSubmission({ state, now }, s);
  for (const e of seed.extensions ?? []) grantExtension({ state }, e);
}
