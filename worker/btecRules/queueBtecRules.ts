import type { Logger } from 'pino';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { loadSyncSettings } from '../../shared/db/queries/appSettings.ts';
import { recordWebhookEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { taskIdentifierFor } from '../../shared/domain/events.ts';
import { unixToZohoDate } from '../../shared/domain/grades/mapGradeToZohoRecord.ts';
import { planBtecRules, type RuleAction, type RuleAssignment } from '../../shared/domain/grades/planBtecRules.ts';
import { resolveRoleId } from '../../shared/domain/sync/resolveRoleId.ts';
import { flowsToZoho } from '../../shared/domain/sync/syncDirections.ts';

const classLinkSchema = z.object({ moodle_id: z.coerce.number() });
const pushSchema = z.object({
  composite_key: z.string(),
  letter: z.enum(['D', 'M', 'P', 'R', 'RR', 'F']),
  attempt_number: z.coerce.number(),
  graded_at: z.coerce.number().nullable(),
  zoho_grade_id: z.string(),
});

/** Moodle calls take at most this many ids at a time. */
const CHUNK = 50;
const chunks = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

export interface BtecRulesReport {
  courses: number;
  assignments: number;
  planned: { F: number; RR: number };
  queued: number;
  skippedBecause?: string;
}

/**
 * The nightly BTEC rules (worker crontab): reads the linked classes' assignments, enrolled
 * students, submissions and latest grades from Moodle, plans F and RR (a pure function), and
 * queues each action as an event (`moodle` / `grade` / `btec_rule`). The events are applied by
 * the grade handler like any other, so each is visible in `bin/jobs`, retried on failure and
 * re-queueable; an event id per rule, key and day means a second run the same night queues
 * nothing twice.
 */
export async function queueBtecRules(deps: {
  db: DatabasePool;
  log: Logger;
  moodle: MoodleClient | undefined;
  now?: number;
}): Promise<BtecRulesReport> {
  const now = deps.now ?? Math.floor(Date.now() / 1000);
  const report: BtecRulesReport = { courses: 0, assignments: 0, planned: { F: 0, RR: 0 }, queued: 0 };
  const settings = await loadSyncSettings(deps.db);
  const direction = settings['sync.directions'].grades;
  const veto = !settings.grades.btec_rules_enabled
    ? 'grades.btec_rules_enabled is false'
    : settings['modules.enabled'].BTEC_Grades === false
      ? 'modules.enabled.BTEC_Grades is false'
      : !flowsToZoho(settings, 'grades')
        ? `sync.directions.grades is ${direction}`
        : !deps.moodle
          ? 'Moodle is not configured'
          : null;
  if (veto) return { ...report, skippedBecause: veto };
  const moodle = deps.moodle!;

  const courseIds = (
    await deps.db.any(
      sql.type(
        classLinkSchema,
      )`select moodle_id from sync_links where entity = 'class' and state = 'active' order by moodle_id`,
    )
  ).map((r) => r.moodle_id);
  report.courses = courseIds.length;
  const assignments: RuleAssignment[] = [];
  for (const ids of chunks(courseIds)) {
    const { courses } = await moodle.getAssignments(ids);
    for (const course of courses) {
      for (const a of course.assignments)
        assignments.push({
          id: a.id,
          courseId: course.id,
          name: a.name,
          dueDate: a.duedate,
          attemptReopenMethod: a.attemptreopenmethod,
        });
    }
  }
  report.assignments = assignments.length;
  if (assignments.length === 0) return report;

  // The role as the sync enrols with it (a shortname, an id, or an id written as a string "5").
  const studentRole = settings['moodle.roles'].student;
  const studentRoleId = resolveRoleId('student', studentRole);
  const isStudent = (role: { roleid: number; shortname?: string }) =>
    role.roleid === studentRoleId || (typeof studentRole === 'string' && role.shortname === studentRole);
  const studentsByCourse = new Map<number, number[]>();
  for (const courseId of new Set(assignments.map((a) => a.courseId))) {
    // Active enrolments only: a suspended one (Zoho enrollment deleted, student withdrawn) gets no F.
    const users = await moodle.getEnrolledUsers(courseId, 'id,roles', { onlyActive: true });
    studentsByCourse.set(
      courseId,
      users.filter((u) => (u.roles ?? []).some(isStudent)).map((u) => u.id),
    );
  }
  const submitted = new Set<string>();
  const resubmitted = new Set<string>();
  const latestGrades = new Map<string, { attemptNumber: number; grade: number }>();
  const extensions = new Map<string, number>();
  for (const ids of chunks(assignments.map((a) => a.id))) {
    for (const a of (await moodle.getSubmissions(ids)).assignments) {
      for (const s of a.submissions) {
        if (s.status !== 'submitted') continue;
        submitted.add(`${a.assignmentid}:${s.userid}`);
        if (s.attemptnumber >= 1) resubmitted.add(`${a.assignmentid}:${s.userid}`);
      }
    }
    for (const a of (await moodle.getUserFlags(ids)).assignments) {
      for (const f of a.userflags)
        if (f.extensionduedate > 0) extensions.set(`${a.assignmentid}:${f.userid}`, f.extensionduedate);
    }
    for (const a of (await moodle.getAssignGrades(ids)).assignments) {
      for (const g of a.grades)
        latestGrades.set(`${a.assignmentid}:${g.userid}`, { attemptNumber: g.attemptnumber, grade: Number(g.grade) });
    }
  }
  const pushes = new Map(
    (
      await deps.db.any(sql.type(pushSchema)`
    select composite_key, letter, attempt_number, graded_at, zoho_grade_id from moodle_grade_pushes
     where course_moodle_id = any(${sql.array(courseIds, 'int8')})
  `)
    ).map((p) => [p.composite_key, p]),
  );

  const actions = planBtecRules({
    now,
    assignments,
    studentsByCourse,
    submitted,
    resubmitted,
    extensions,
    latestGrades,
    pushes,
    rrAfterDays: settings.grades.rr_after_days,
  });
  for (const action of actions) report.planned[action.rule]++;
  const day = unixToZohoDate(now);
  for (const action of actions) {
    const id = await recordWebhookEvent(deps.db, {
      source: 'moodle',
      eventId: `btec-rule:${action.rule}:${action.compositeKey}:${day}`,
      eventType: 'btec_rule',
      entity: 'grade',
      module: 'BTEC_Grades',
      recordId: action.compositeKey,
      dedupe: 'event_id',
      taskIdentifier: taskIdentifierFor('moodle.grade'),
      payload: { btec_rule: action satisfies RuleAction },
      jobKey: null,
    });
    if (id !== null) report.queued++;
  }
  deps.log.info(
    report,
    'BTEC rules planned (F: no submission after the due date; RR: no second attempt after a Refer)',
  );
  return report;
}
