import { formatUser } from './formatUser.ts';
import { CORE_VERSION, PLUGIN_VERSION, type CallContext, type MoodleFunction } from './MoodleFunction.ts';
import { dmlMissingRecord, invalidParameter, moodleError } from './MoodleException.ts';
import {
  activeCoursesOf,
  CONTEXT_COURSE,
  contextOf,
  courseRoleIds,
  ensureContext,
  isActiveEnrolment,
  takeId,
  type MoodleEnrolment,
  type MoodleState,
} from './moodleState.ts';
import { assignRole } from './roleFunctions.ts';
import { multiple, single, value } from './validateParameters.ts';

export interface EnrolInput {
  courseid: number;
  userid: number;
  roleid?: number;
  timestart?: number;
  timeend?: number;
  /** 1 = suspended enrolment. */
  suspend?: number;
}

/** A course contact (a teacher with an active enrolment) exists, so the welcome message has a sender. */
function hasCourseContact(state: MoodleState, courseid: number, now: number): boolean {
  return state.enrolments.some(
    (e) => e.courseid === courseid && isActiveEnrolment(e, now) && courseRoleIds(state, courseid, e.userid).includes(3),
  );
}

/**
 * enrol_manual_enrol_users for one enrolment: course, assignable role, then
 * enrol_plugin::enrol_user(): an existing row is updated only when timestart, timeend or
 * status differ (missing dates mean 0, missing suspend means active); the course welcome
 * message is queued when the course has a teacher and sent after commit (failing with
 * "Message was not sent." when `config.welcomeEmailFails`, the changes staying); then the role.
 * @throws MoodleException
 */
export function enrolUser(
  ctx: Pick<CallContext, 'state' | 'now' | 'userid' | 'afterCommit'>,
  input: EnrolInput,
): MoodleEnrolment {
  const { state, now } = ctx;
  if (!state.courses.some((c) => c.id === input.courseid)) throw invalidParameter('Context does not exist');
  const context = ensureContext(state, CONTEXT_COURSE, input.courseid);
  const mayAssign =
    state.config.assignableRoles === 'all' ||
    (input.roleid !== undefined && state.config.assignableRoles.includes(input.roleid));
  if (
    input.roleid !== undefined &&
    (!mayAssign || !state.roles.some((r) => r.id === input.roleid && r.assignableAt.includes(CONTEXT_COURSE)))
  ) {
    throw moodleError(
      'wsusercannotassign',
      `You don't have the permission to assign this role (${input.roleid}) to this user (${input.userid}) in this course (${input.courseid}).`,
    );
  }
  if (!state.users.some((u) => u.id === input.userid))
    throw dmlMissingRecord('user', 'SELECT * FROM {user} WHERE id = ?', [input.userid]);
  const timestart = input.timestart ?? 0;
  const timeend = input.timeend ?? 0;
  const status = input.suspend ? 1 : 0;
  let enrolment = state.enrolments.find((e) => e.courseid === input.courseid && e.userid === input.userid);
  if (enrolment) {
    if (enrolment.timestart !== timestart || enrolment.timeend !== timeend || enrolment.status !== status) {
      Object.assign(enrolment, { timestart, timeend, status, modifierid: ctx.userid, timemodified: now });
    }
  } else {
    enrolment = {
      id: takeId(state, 'enrolment'),
      courseid: input.courseid,
      userid: input.userid,
      status,
      timestart,
      timeend,
      modifierid: ctx.userid,
      timecreated: now,
      timemodified: now,
    };
    state.enrolments.push(enrolment);
  }
  if (hasCourseContact(state, input.courseid, now)) {
    ctx.afterCommit.push(() => {
      if (state.config.welcomeEmailFails) throw moodleError('Message was not sent.');
      state.messages.push({ kind: 'welcome', userid: input.userid, courseid: input.courseid, time: now });
    });
  }
  if (input.roleid !== undefined) assignRole(state, input.roleid, input.userid, context.id, now);
  return enrolment;
}

/** unenrol_user(): the enrolment row goes, and (last enrolment) every role in the course. No enrolment: nothing happens. */
export function unenrolUser(state: MoodleState, courseid: number, userid: number): void {
  const before = state.enrolments.length;
  state.enrolments = state.enrolments.filter((e) => !(e.courseid === courseid && e.userid === userid));
  if (state.enrolments.length === before) return;
  const context = contextOf(state, CONTEXT_COURSE, courseid);
  state.roleAssignments = state.roleAssignments.filter((ra) => !(ra.userid === userid && ra.contextid === context?.id));
}

function requireCourse(
  state: MoodleState,
  courseid: number,
  sql = 'SELECT id,category FROM {course} WHERE id = ?',
): void {
  if (!state.courses.some((c) => c.id === courseid)) throw dmlMissingRecord('course', sql, [courseid]);
}

function enrolledUsers(ctx: CallContext, courseid: number, options: { name: string; value: string }[]): unknown[] {
  const { state } = ctx;
  let fields: string[] | undefined;
  let onlyactive = false;
  let onlysuspended = false;
  let limitfrom = 0;
  let limitnumber = 0;
  let sortby = 'id';
  let direction = 1;
  for (const option of options) {
    const name = option.name.trim().toLowerCase();
    if (name === 'userfields') fields = option.value.split(',').map((f) => f.trim());
    else if (name === 'onlyactive') onlyactive = Boolean(Number.parseInt(option.value, 10));
    else if (name === 'onlysuspended') onlysuspended = Boolean(Number.parseInt(option.value, 10));
    else if (name === 'limitfrom') limitfrom = Number.parseInt(option.value, 10) || 0;
    else if (name === 'limitnumber') limitnumber = Number.parseInt(option.value, 10) || 0;
    else if (name === 'sortby') sortby = option.value;
    else if (name === 'sortdirection') direction = option.value.toUpperCase() === 'DESC' ? -1 : 1;
    else if (!['withcapability', 'groupid'].includes(name))
      throw moodleError('invalidextparam', `Invalid extra parameter: ${option.name}`);
  }
  const users = state.enrolments
    .filter((e) => e.courseid === courseid)
    .filter((e) => (onlyactive ? isActiveEnrolment(e, ctx.now) : onlysuspended ? !isActiveEnrolment(e, ctx.now) : true))
    .map((e) => state.users.find((u) => u.id === e.userid)!)
    .filter((u) => !u.deleted)
    .sort(
      (a, b) =>
        direction *
        (sortby === 'firstname' || sortby === 'lastname' ? a[sortby].localeCompare(b[sortby]) : a.id - b.id),
    );
  const page = limitnumber > 0 ? users.slice(limitfrom, limitfrom + limitnumber) : users.slice(limitfrom);
  return page.map((user) => formatUser(user, { ...ctx, courseid, ...(fields ? { fields } : {}) }));
}

export const enrolFunctions: MoodleFunction[] = [
  {
    name: 'enrol_manual_enrol_users',
    version: PLUGIN_VERSION,
    params: {
      enrolments: multiple(
        single({
          roleid: value('int'),
          userid: value('int'),
          courseid: value('int'),
          timestart: value('int', 'optional'),
          timeend: value('int', 'optional'),
          suspend: value('int', 'optional'),
        }),
      ),
    },
    run(ctx, params) {
      for (const input of params.enrolments as EnrolInput[]) enrolUser(ctx, input);
      return null;
    },
  },
  {
    name: 'enrol_manual_unenrol_users',
    version: PLUGIN_VERSION,
    params: {
      enrolments: multiple(single({ userid: value('int'), courseid: value('int'), roleid: value('int', 'optional') })),
    },
    run(ctx, params) {
      for (const { userid, courseid } of params.enrolments as { userid: number; courseid: number }[]) {
        requireCourse(ctx.state, courseid);
        if (!ctx.state.users.some((u) => u.id === userid)) throw invalidParameter(`User id not exist: ${userid}`);
        unenrolUser(ctx.state, courseid, userid);
      }
      return null;
    },
  },
  {
    name: 'core_enrol_get_enrolled_users',
    version: CORE_VERSION,
    params: {
      courseid: value('int'),
      options: multiple(single({ name: value('alphanumext'), value: value('raw') }), { default: [] }),
    },
    run(ctx, params) {
      const courseid = params.courseid as number;
      requireCourse(ctx.state, courseid, 'SELECT * FROM {course} WHERE id = ?');
      return enrolledUsers(ctx, courseid, params.options as { name: string; value: string }[]);
    },
  },
  {
    name: 'core_enrol_get_users_courses',
    version: CORE_VERSION,
    params: { userid: value('int'), returnusercount: value('bool', { default: true }) },
    run(ctx, params) {
      const { state, wwwroot } = ctx;
      const userid = params.userid as number;
      return activeCoursesOf(state, userid, ctx.now).map((course) => {
        const tracked = course.enablecompletion === 1 && courseRoleIds(state, course.id, userid).includes(5);
        const count = state.enrolments.filter(
          (e) => e.courseid === course.id && state.users.some((u) => u.id === e.userid && !u.deleted),
        ).length;
        return {
          id: course.id,
          shortname: course.shortname,
          fullname: course.fullname,
          displayname: course.fullname,
          ...(params.returnusercount ? { enrolledusercount: count } : {}),
          idnumber: course.idnumber,
          visible: course.visible,
          summary: course.summary,
          summaryformat: course.summaryformat,
          format: course.format,
          courseimage: `${wwwroot}/pluginfile.php/${contextOf(state, CONTEXT_COURSE, course.id)?.id ?? 0}/course/generated/course.svg`,
          showgrades: course.showgrades === 1,
          lang: course.lang,
          enablecompletion: course.enablecompletion === 1,
          completionhascriteria: false,
          completionusertracked: tracked,
          category: course.category,
          progress: null,
          completed: course.enablecompletion === 1 ? false : null,
          startdate: course.startdate,
          enddate: course.enddate,
          marker: course.marker,
          lastaccess: null,
          isfavourite: false,
          hidden: false,
          overviewfiles: [],
          showactivitydates: true,
          showcompletionconditions: true,
          timemodified: course.timemodified,
        };
      });
    },
  },
  {
    name: 'core_enrol_get_course_enrolment_methods',
    version: CORE_VERSION,
    params: { courseid: value('int') },
    run(ctx, params) {
      requireCourse(ctx.state, params.courseid as number);
      return [];
    },
  },
];
