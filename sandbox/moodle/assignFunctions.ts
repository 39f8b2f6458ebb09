import { PLUGIN_VERSION, type CallContext, type MoodleFunction } from './MoodleFunction.ts';
import { dmlMissingRecord } from './MoodleException.ts';
import {
  CONTEXT_MODULE,
  ensureContext,
  isActiveEnrolment,
  isSiteAdmin,
  takeId,
  type MoodleAssignment,
  type MoodleAssignSubmission,
} from './moodleState.ts';
import { multiple, single, value, type ParamDesc } from './validateParameters.ts';

/**
 * Saves a grade like mod_assign_save_grade: attemptnumber -1 means the latest attempt (0 when
 * none). Like the recorded Moodle it does not check that the user is enrolled or even not
 * deleted. The grader is the token's user.
 */
export function saveGrade(
  ctx: Pick<CallContext, 'state' | 'now' | 'userid'>,
  input: {
    assignmentid: number;
    userid: number;
    grade: number;
    attemptnumber?: number;
    feedback?: { text: string; format: number };
  },
): void {
  const { state, now } = ctx;
  const mine = state.assignGrades.filter((g) => g.assignment === input.assignmentid && g.userid === input.userid);
  const attempt =
    input.attemptnumber === undefined || input.attemptnumber < 0
      ? Math.max(0, ...mine.map((g) => g.attemptnumber))
      : input.attemptnumber;
  const existing = mine.find((g) => g.attemptnumber === attempt);
  if (existing) {
    Object.assign(
      existing,
      { grade: input.grade, grader: ctx.userid, timemodified: now },
      input.feedback ? { feedback: input.feedback } : {},
    );
  } else {
    state.assignGrades.push({
      id: takeId(state, 'assignGrade'),
      assignment: input.assignmentid,
      userid: input.userid,
      attemptnumber: attempt,
      grade: input.grade,
      grader: ctx.userid,
      timecreated: now,
      timemodified: now,
      feedback: input.feedback ?? null,
    });
  }
}

/** Records a submission (a student pressing "submit"): the user's latest attempt row, made or updated. */
export function saveSubmission(
  ctx: Pick<CallContext, 'state' | 'now'>,
  input: { assignmentid: number; userid: number; status?: MoodleAssignSubmission['status']; attemptnumber?: number },
): void {
  const { state, now } = ctx;
  const mine = state.assignSubmissions.filter((s) => s.assignment === input.assignmentid && s.userid === input.userid);
  const attempt = input.attemptnumber ?? Math.max(0, ...mine.map((s) => s.attemptnumber));
  const existing = mine.find((s) => s.attemptnumber === attempt);
  for (const s of mine) s.latest = s.attemptnumber === attempt ? 1 : 0;
  if (existing) {
    Object.assign(existing, { status: input.status ?? 'submitted', timemodified: now, latest: 1 });
    return;
  }
  state.assignSubmissions.push({
    id: takeId(state, 'assignSubmission'),
    assignment: input.assignmentid,
    userid: input.userid,
    attemptnumber: attempt,
    status: input.status ?? 'submitted',
    latest: 1,
    timecreated: now,
    timemodified: now,
  });
}

/** Grants (or changes) a user's extension, as the grader's "Grant extension" does. */
export function grantExtension(
  ctx: Pick<CallContext, 'state'>,
  input: { assignmentid: number; userid: number; extensionduedate: number },
): void {
  const { state } = ctx;
  const existing = state.assignUserFlags.find((f) => f.assignment === input.assignmentid && f.userid === input.userid);
  if (existing) {
    existing.extensionduedate = input.extensionduedate;
    return;
  }
  state.assignUserFlags.push({
    id: takeId(state, 'assignUserFlags'),
    assignment: input.assignmentid,
    userid: input.userid,
    locked: 0,
    mailed: 0,
    extensionduedate: input.extensionduedate,
    workflowstate: '',
    allocatedmarker: 0,
  });
}

/** Adds an assignment (course module) to a course. */
export function createAssignment(
  ctx: Pick<CallContext, 'state' | 'now'>,
  input: {
    course: number;
    name: string;
    id?: number;
    cmid?: number;
    grade?: number;
    duedate?: number;
    intro?: string;
    attemptreopenmethod?: string;
  },
): MoodleAssignment {
  const { state } = ctx;
  const assignment: MoodleAssignment = {
    id: input.id ?? takeId(state, 'assignment'),
    course: input.course,
    cmid: input.cmid ?? takeId(state, 'cm'),
    name: input.name,
    intro: input.intro ?? '',
    grade: input.grade ?? 100,
    duedate: input.duedate ?? 0,
    timemodified: ctx.now,
    attemptreopenmethod: input.attemptreopenmethod ?? 'untilpass',
  };
  state.assignments.push(assignment);
  ensureContext(state, CONTEXT_MODULE, assignment.cmid);
  return assignment;
}

function formatAssignment(a: MoodleAssignment): Record<string, unknown> {
  return {
    id: a.id,
    cmid: a.cmid,
    course: a.course,
    name: a.name,
    nosubmissions: 0,
    submissiondrafts: 0,
    sendnotifications: 0,
    sendlatenotifications: 0,
    sendstudentnotifications: 1,
    duedate: a.duedate,
    allowsubmissionsfromdate: 0,
    grade: a.grade,
    timemodified: a.timemodified,
    completionsubmit: 0,
    cutoffdate: 0,
    gradingduedate: 0,
    teamsubmission: 0,
    requireallteammemberssubmit: 0,
    teamsubmissiongroupingid: 0,
    blindmarking: 0,
    hidegrader: 0,
    revealidentities: 0,
    attemptreopenmethod: a.attemptreopenmethod,
    maxattempts: -1,
    markingworkflow: 0,
    markingallocation: 0,
    markinganonymous: 0,
    requiresubmissionstatement: 0,
    preventsubmissionnotingroup: 0,
    configs: [],
    intro: a.intro,
    introformat: 1,
    introfiles: [],
    introattachments: [],
    timelimit: 0,
    submissionattachments: 0,
  };
}

const gradingCriteria = (): ParamDesc =>
  single(
    {
      criteria: multiple(
        single({
          criterionid: value('int'),
          fillings: multiple(
            single({
              criterionid: value('int'),
              levelid: value('int', 'optional'),
              remark: value('raw', 'optional'),
              remarkformat: value('int', { default: 1 }),
              score: value('float', 'optional'),
            }),
            'optional',
          ),
        }),
      ),
    },
    'optional',
  );

export const assignFunctions: MoodleFunction[] = [
  {
    name: 'mod_assign_get_assignments',
    version: PLUGIN_VERSION,
    params: {
      courseids: multiple(value('int'), { default: [] }),
      capabilities: multiple(value('raw'), { default: [] }),
      includenotenrolledcourses: value('bool', { default: false }),
    },
    run(ctx, params) {
      const { state } = ctx;
      const enrolled = (courseid: number) =>
        state.enrolments.some(
          (e) => e.courseid === courseid && e.userid === ctx.userid && isActiveEnrolment(e, ctx.now),
        );
      let ids = params.courseids as number[];
      if (ids.length === 0)
        ids = state.enrolments
          .filter((e) => e.userid === ctx.userid && isActiveEnrolment(e, ctx.now))
          .map((e) => e.courseid);
      const courses: unknown[] = [];
      const warnings: unknown[] = [];
      for (const id of ids) {
        const course = state.courses.find((c) => c.id === id);
        if (!course || !(enrolled(id) || (params.includenotenrolledcourses && isSiteAdmin(state, ctx.userid)))) {
          warnings.push({
            item: 'course',
            itemid: id,
            warningcode: '2',
            message: 'User is not enrolled or does not have requested capability',
          });
          continue;
        }
        const assignments = state.assignments
          .filter((a) => a.course === id)
          .sort((a, b) => a.id - b.id)
          .map(formatAssignment);
        courses.push({
          id: course.id,
          fullname: course.fullname,
          shortname: course.shortname,
          timemodified: course.timemodified,
          assignments,
        });
      }
      return { courses, warnings };
    },
  },
  {
    name: 'mod_assign_get_grades',
    version: PLUGIN_VERSION,
    params: { assignmentids: multiple(value('int')), since: value('int', { default: 0 }) },
    run(ctx, params) {
      const assignments: unknown[] = [];
      const warnings: unknown[] = [];
      for (const id of params.assignmentids as number[]) {
        const rows = ctx.state.assignGrades.filter(
          (g) => g.assignment === id && g.timemodified >= (params.since as number),
        );
        const latest = rows
          .filter((g) => !rows.some((o) => o.userid === g.userid && o.attemptnumber > g.attemptnumber))
          .sort((a, b) => a.id - b.id);
        if (latest.length === 0) {
          warnings.push({ item: 'assignment', itemid: id, warningcode: '3', message: 'No grades found' });
          continue;
        }
        const grades = latest.map((g) => ({
          id: g.id,
          userid: g.userid,
          attemptnumber: g.attemptnumber,
          timecreated: g.timecreated,
          timemodified: g.timemodified,
          grader: g.grader,
          grade: g.grade.toFixed(5),
        }));
        assignments.push({ assignmentid: id, grades });
      }
      return { assignments, warnings };
    },
  },
  {
    // mod_assign_external::get_submissions: every submission row (all attempts) of each
    // assignment, with its status; an assignment without any gets warning 3. Site admin sees all.
    name: 'mod_assign_get_submissions',
    version: PLUGIN_VERSION,
    params: {
      assignmentids: multiple(value('int')),
      status: value('alpha', { default: '' }),
      since: value('int', { default: 0 }),
      before: value('int', { default: 0 }),
    },
    run(ctx, params) {
      const assignments: unknown[] = [];
      const warnings: unknown[] = [];
      for (const id of params.assignmentids as number[]) {
        const assignment = ctx.state.assignments.find((a) => a.id === id);
        const rows = ctx.state.assignSubmissions
          .filter((s) => s.assignment === id)
          .filter((s) => !params.status || s.status === params.status)
          .filter(
            (s) =>
              s.timemodified >= (params.since as number) &&
              (!(params.before as number) || s.timemodified <= (params.before as number)),
          )
          .sort((a, b) => a.id - b.id);
        if (!assignment || rows.length === 0) {
          warnings.push({ item: 'module', itemid: id, warningcode: '3', message: 'No submissions found' });
          continue;
        }
        assignments.push({
          assignmentid: id,
          submissions: rows.map((s) => ({
            id: s.id,
            userid: s.userid,
            attemptnumber: s.attemptnumber,
            timecreated: s.timecreated,
            timemodified: s.timemodified,
            timestarted: null,
            status: s.status,
            groupid: 0,
            assignment: s.assignment,
            latest: s.latest,
            plugins: [],
            gradingstatus: ctx.state.assignGrades.some(
              (g) =>
                g.assignment === id && g.userid === s.userid && g.attemptnumber === s.attemptnumber && g.grade >= 0,
            )
              ? 'graded'
              : 'notgraded',
          })),
        });
      }
      return { assignments, warnings };
    },
  },
  {
    // mod_assign_external::get_user_flags: the assign_user_flags rows of each assignment
    // (extensions live here); an assignment without any gets warning 3.
    name: 'mod_assign_get_user_flags',
    version: PLUGIN_VERSION,
    params: { assignmentids: multiple(value('int')) },
    run(ctx, params) {
      const assignments: unknown[] = [];
      const warnings: unknown[] = [];
      for (const id of params.assignmentids as number[]) {
        const rows = ctx.state.assignUserFlags.filter((f) => f.assignment === id).sort((a, b) => a.id - b.id);
        if (rows.length === 0) {
          warnings.push({ item: 'assignment', itemid: id, warningcode: '3', message: 'No user flags found' });
          continue;
        }
        assignments.push({
          assignmentid: id,
          userflags: rows.map((f) => ({
            id: f.id,
            userid: f.userid,
            locked: f.locked,
            mailed: f.mailed,
            extensionduedate: f.extensionduedate,
            workflowstate: f.workflowstate,
            allocatedmarker: f.allocatedmarker,
          })),
        });
      }
      return { assignments, warnings };
    },
  },
  {
    name: 'mod_assign_save_grade',
    version: PLUGIN_VERSION,
    params: {
      assignmentid: value('int'),
      userid: value('int'),
      grade: value('float'),
      attemptnumber: value('int'),
      addattempt: value('bool'),
      workflowstate: value('alpha'),
      applytoall: value('bool'),
      plugindata: single(
        {
          assignfeedbackcomments_editor: single({ text: value('raw'), format: value('int') }, 'optional'),
          files_filemanager: value('int', 'optional'),
        },
        'optional',
      ),
      advancedgradingdata: single({ guide: gradingCriteria(), rubric: gradingCriteria() }, 'optional'),
    },
    run(ctx, params) {
      const assignmentid = params.assignmentid as number;
      if (!ctx.state.assignments.some((a) => a.id === assignmentid)) {
        throw dmlMissingRecord(
          '',
          'SELECT cm.*, m.name, md.name AS modname\n              FROM {course_modules} cm\n                   JOIN {modules} md ON md.id = cm.module\n                   JOIN {assign} m ON m.id = cm.instance\n                   \n             WHERE m.id = :instance AND md.name = :modulename\n                   ',
          [assignmentid, 'assign'],
        );
      }
      const plugindata = params.plugindata as
        { assignfeedbackcomments_editor?: { text: string; format: number } } | undefined;
      saveGrade(ctx, {
        assignmentid,
        userid: params.userid as number,
        grade: params.grade as number,
        attemptnumber: params.attemptnumber as number,
        ...(plugindata?.assignfeedbackcomments_editor ? { feedback: plugindata.assignfeedbackcomments_editor } : {}),
      });
      return null;
    },
  },
];
