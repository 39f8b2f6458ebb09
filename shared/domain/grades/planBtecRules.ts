import { gradeCompositeKey } from './mapGradeToZohoRecord.ts';

/** What was last written to Zoho for one grade (a grade_pushes row, shared/db/queries/gradePushes.ts). */
export interface LastGradePush {
  letter: 'D' | 'M' | 'P' | 'R' | 'RR' | 'F';
  attempt_number: number;
  graded_at: number | null;
  zoho_grade_id: string;
}

/** What the nightly BTEC rules need to know of one assignment. */
export interface RuleAssignment {
  id: number;
  courseId: number;
  name: string;
  /** Unix seconds; 0 = no due date (the F rule never applies). */
  dueDate: number;
  /** Moodle's attempt re-open method: `none` means no second attempt exists, so no RR. */
  attemptReopenMethod: string;
}

export interface RuleFacts {
  now: number;
  assignments: RuleAssignment[];
  /** The students (student role) enrolled in each course. */
  studentsByCourse: ReadonlyMap<number, readonly number[]>;
  /** `${assignmentId}:${userId}` of users with a submission in status `submitted` (any attempt). */
  submitted: ReadonlySet<string>;
  /** `${assignmentId}:${userId}` of users who submitted a second (or later) attempt, marked or not. */
  resubmitted?: ReadonlySet<string>;
  /** `${assignmentId}:${userId}` → an extension granted to the user (Unix seconds): their own due date. */
  extensions?: ReadonlyMap<string, number>;
  /** `${assignmentId}:${userId}` → the latest grade row Moodle has (0-based attempt, grade; −1 = none). */
  latestGrades: ReadonlyMap<string, { attemptNumber: number; grade: number }>;
  /** What was last written to Zoho, by composite key. */
  pushes: ReadonlyMap<string, LastGradePush>;
  /** Days after a first-attempt Refer was graded before a missing second attempt makes it RR. */
  rrAfterDays: number;
}

export type RuleAction =
  | {
      rule: 'F';
      compositeKey: string;
      userId: number;
      courseId: number;
      assignmentId: number;
      assignmentName: string;
      dueDate: number;
    }
  | {
      rule: 'RR';
      compositeKey: string;
      userId: number;
      courseId: number;
      assignmentId: number;
      assignmentName: string;
      zohoGradeId: string;
    };

/**
 * The BTEC practice the college relies on (docs/design.md "Moodle → Zoho"), as a pure plan:
 * - **F**: the due date (or the student's extension) has passed and the student submitted
 *   nothing and has no grade (in Moodle or already in Zoho);
 * - **RR**: the student's grade in Zoho is R on the first attempt, it was graded more than
 *   `rrAfterDays` days ago, the assignment allows another attempt, and Moodle has neither a
 *   graded nor a submitted second attempt.
 * Each action is applied once: afterwards Zoho holds F or RR and the plan no longer proposes it.
 */
export function planBtecRules(facts: RuleFacts): RuleAction[] {
  const actions: RuleAction[] = [];
  for (const assignment of facts.assignments) {
    for (const userId of facts.studentsByCourse.get(assignment.courseId) ?? []) {
      const key = `${assignment.id}:${userId}`;
      const compositeKey = gradeCompositeKey({
        student_id: userId,
        course_id: assignment.courseId,
        assignment_id: assignment.id,
      });
      const push = facts.pushes.get(compositeKey);
      const latest = facts.latestGrades.get(key);
      const base = {
        compositeKey,
        userId,
        courseId: assignment.courseId,
        assignmentId: assignment.id,
        assignmentName: assignment.name,
      };

      // A user's extension replaces the assignment's due date for them.
      const extension = facts.extensions?.get(key) ?? 0;
      const dueDate = assignment.dueDate > 0 && extension > assignment.dueDate ? extension : assignment.dueDate;
      const pastDue = dueDate > 0 && dueDate < facts.now;
      const graded = latest !== undefined && latest.grade >= 0;
      if (pastDue && !push && !graded && !facts.submitted.has(key)) {
        actions.push({ rule: 'F', ...base, dueDate });
        continue;
      }
      const secondAttemptGraded = latest !== undefined && latest.attemptNumber >= 1 && latest.grade >= 0;
      const referredLongAgo =
        push?.letter === 'R' &&
        push.attempt_number === 1 &&
        push.graded_at !== null &&
        push.graded_at < facts.now - facts.rrAfterDays * 86_400;
      // A resubmission waiting for marking is no missing second attempt.
      const resubmitted = facts.resubmitted?.has(key) ?? false;
      if (
        push &&
        referredLongAgo &&
        assignment.attemptReopenMethod !== 'none' &&
        !secondAttemptGraded &&
        !resubmitted
      ) {
        actions.push({ rule: 'RR', ...base, zohoGradeId: push.zoho_grade_id });
      }
    }
  }
  return actions;
}
