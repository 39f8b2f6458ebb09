import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { loadSyncSettings } from '../../shared/db/queries/appSettings.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { gradePushesOfCourses } from '../../shared/db/queries/gradePushes.ts';
import { activeClassCourseIds } from '../../shared/db/queries/syncLinks.ts';
import { unixToZohoDate } from '../../shared/domain/grades/mapGradeToZohoRecord.ts';
import { planBtecRules, type RuleAssignment, type RuleFacts } from '../../shared/domain/grades/planBtecRules.ts';
import { gateVeto, type FlowGate } from '../../shared/domain/sync/flowGate.ts';
import { roleMatcher } from '../../shared/domain/sync/resolveRoleId.ts';
import type { SyncStep } from '../../shared/domain/sync/syncPlan.ts';
import { applySteps } from '../pipeline/applySteps.ts';

/** Moodle calls take at most this many ids at a time. */
const CHUNK = 50;
const chunks = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** The rules write grades to Zoho: they are gated as grades are (`moodle.grade` events). */
const GATE: FlowGate = {
  module: 'BTEC_Grades',
  direction: { key: 'grades', way: 'moodle_to_zoho' },
  needs: ['moodle'],
};

export interface BtecRulesReport {
  courses: number;
  assignments: number;
  planned: { F: number; RR: number };
  queued: number;
  skippedBecause?: string;
}

/** Why the rules must not run under these settings, or null. Pure. */
export function btecRulesVeto(settings: SyncSettings, moodleConfigured: boolean): string | null {
  if (!settings.grades.btec_rules_enabled) return 'grades.btec_rules_enabled is false';
  if (settings['modules.enabled'].BTEC_Grades === false) return 'modules.enabled.BTEC_Grades is false';
  if (gateVeto(settings, GATE, { source: 'moodle', event_type: 'btec_rule' })) {
    return `sync.directions.grades is ${settings['sync.directions'].grades}`;
  }
  return moodleConfigured ? null : 'Moodle is not configured';
}

/**
 * The rules as a plan: one `btec_rule` event per action (`moodle` / `grade`), applied by the
 * grade flow like any other event, so each is visible in `bin/jobs`, retried on failure and
 * re-queueable. An event id per rule, key and day means a second run the same night queues
 * nothing twice. Pure.
 */
export function planNightlyBtecRules(facts: RuleFacts): { planned: BtecRulesReport['planned']; steps: SyncStep[] } {
  const actions = planBtecRules(facts);
  const day = unixToZohoDate(facts.now);
  const planned = { F: 0, RR: 0 };
  for (const action of actions) planned[action.rule]++;
  const steps: SyncStep[] = actions.map((action) => ({
    op: 'event.queue',
    event: {
      kind: 'moodle.grade',
      module: 'BTEC_Grades',
      eventId: `btec-rule:${action.rule}:${action.compositeKey}:${day}`,
      eventType: 'btec_rule',
      recordId: action.compositeKey,
      payload: { btec_rule: { ...action, decidedAt: facts.now } },
    },
  }));
  return { planned, steps };
}

/**
 * The nightly BTEC rules (worker crontab): reads the linked classes' assignments, enrolled
 * students, submissions and latest grades from Moodle, plans F and RR (pure), and queues the
 * actions as events.
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
  const veto = btecRulesVeto(settings, deps.moodle !== undefined);
  if (veto) return { ...report, skippedBecause: veto };
  const facts = await readRuleFacts(deps.db, deps.moodle!, settings, now, report);
  if (!facts) return report;

  const { planned, steps } = planNightlyBtecRules(facts);
  report.planned = planned;
  const applied = await applySteps(steps, { db: deps.db, zoho: undefined as never, moodle: deps.moodle!, event: null });
  report.queued = [...applied.made].filter(([key, queued]) => key.startsWith('queued:') && queued === true).length;
  deps.log.info(
    report,
    'BTEC rules planned (F: no submission after the due date; RR: no second attempt after a Refer)',
  );
  return report;
}

/** What the rules decide on, from Moodle (in chunks) and the pushes table; null when there is no assignment. */
async function readRuleFacts(
  db: DatabasePool,
  moodle: MoodleClient,
  settings: SyncSettings,
  now: number,
  report: BtecRulesReport,
): Promise<RuleFacts | null> {
  const courseIds = await activeClassCourseIds(db);
  report.courses = courseIds.length;
  const assignments: RuleAssignment[] = [];
  for (const ids of chunks(courseIds)) {
    const { courses } = await moodle.getAssignments(ids);
    for (const course of courses) {
      for (const a of course.assignments) {
        assignments.push({
          id: a.id,
          courseId: course.id,
          name: a.name,
          dueDate: a.duedate,
          attemptReopenMethod: a.attemptreopenmethod,
        });
      }
    }
  }
  report.assignments = assignments.length;
  if (assignments.length === 0) return null;

  // The role as the sync enrols with it (a shortname, an id, or an id written as a string "5").
  const isStudent = roleMatcher('student', settings['moodle.roles'].student);
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
      for (const g of a.grades) {
        latestGrades.set(`${a.assignmentid}:${g.userid}`, { attemptNumber: g.attemptnumber, grade: Number(g.grade) });
      }
    }
  }
  const pushes = new Map((await gradePushesOfCourses(db, courseIds)).map((p) => [p.composite_key, p]));
  return {
    now,
    assignments,
    studentsByCourse,
    submitted,
    resubmitted,
    extensions,
    latestGrades,
    pushes,
    rrAfterDays: settings.grades.rr_after_days,
  };
}
