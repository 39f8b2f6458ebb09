import { z } from 'zod';
import { findZohoGrade } from '../../shared/clients/zoho/upsertZohoGrade.ts';
import { getGradePush, type GradePush } from '../../shared/db/queries/gradePushes.ts';
import { findLinkByMoodleId } from '../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import { unixToZohoDate } from '../../shared/domain/grades/mapGradeToZohoRecord.ts';
import { ref, type SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import { defineFlow } from '../pipeline/flow.ts';
import { planStudentLink, readZohoStudentOf, type StudentMatch } from './zohoRecordsOfMoodle.ts';

const id = z.number().int().positive();
/** `{userid}_{courseid}_{assignmentid}` (see gradeCompositeKey). */
const compositeKey = z.string().regex(/^\d{1,18}_\d{1,18}_\d{1,18}$/, 'must be {userid}_{courseid}_{assignmentid}');
/** Unix seconds when the nightly rules read Moodle and decided (absent in events of older versions). */
const decidedAt = z.number().int().positive().optional();
export const btecRuleSchema = z.object({
  btec_rule: z.discriminatedUnion('rule', [
    z.object({
      rule: z.literal('F'),
      compositeKey,
      userId: id,
      courseId: id,
      assignmentId: id,
      assignmentName: z.string(),
      dueDate: z.number().int().positive(),
      decidedAt,
    }),
    z.object({
      rule: z.literal('RR'),
      compositeKey,
      userId: id,
      courseId: id,
      assignmentId: id,
      assignmentName: z.string(),
      zohoGradeId: z.string(),
      decidedAt,
    }),
  ]),
});
export type BtecRuleEvent = z.infer<typeof btecRuleSchema>;

export interface BtecRuleState {
  action: BtecRuleEvent['btec_rule'];
  push: GradePush | null;
  /**
   * The rule's date in the push row: when the nightly rules read Moodle and decided, so that any
   * grade a teacher gives after that read wins over the rule, even one whose event runs later.
   */
  now: number;
  /** F: the record Zoho holds for the key, and its letter (a grade entered in Zoho, or by the predecessor). */
  held: { id: string; letter: unknown } | null;
  student: StudentMatch | null;
  classZohoId: string | null;
}

/**
 * Applies one planned BTEC rule (queued by the nightly rules, worker/flows/nightlyBtecRules.ts),
 * checking first that it still holds: a grade written meanwhile wins over the rule.
 * - F: a BTEC_Grades record with Grade F, attempt 1, dated the due date, saying why.
 * - RR: the first-attempt R record becomes Grade RR, attempt 2 (everything else kept).
 * Both are `Released` (a value of the Grade_Status picklist: the result is final). Pure.
 */
export function planBtecRule(state: BtecRuleState): SyncPlan {
  const { action, push, now } = state;
  const base = { entity: 'grade', rule: action.rule, compositeKey: action.compositeKey };
  const skip = (reason: string): SyncPlan => ({ result: { ...base, action: 'skipped', reason }, steps: [] });

  if (action.rule === 'F') {
    if (push) return skip(`graded meanwhile (Zoho has ${push.letter}): no F`);
    // A grade Zoho holds that we never wrote is not in the pushes table: never overwrite it with
    // F. Our own F (a retry after a crash) is redone.
    const { held } = state;
    if (held && typeof held.letter === 'string' && held.letter !== '' && held.letter !== 'F') {
      return skip(`Zoho already has a grade for this key (${held.letter}, record ${held.id}): no F`);
    }
    const student = planStudentLink(state.student, action.userId);
    if (!student.studentZohoId) {
      throw new PermanentError(
        'zoho.student_not_found',
        `F for ${action.compositeKey}: Moodle user ${action.userId} is no BTEC_Students record`,
      );
    }
    const { classZohoId } = state;
    const dueDay = unixToZohoDate(action.dueDate);
    const fields = {
      compositeKey: action.compositeKey,
      grade: 'F',
      gradeStatus: 'Released',
      attemptNumber: 1,
      attemptDate: dueDay,
      gradeName: `${action.assignmentName} - F - ${dueDay}`.slice(0, 255),
      feedback: `No submission by the due date (${dueDay}): F applied by the integration's nightly BTEC rules.`,
      student: { id: student.studentZohoId },
      ...(classZohoId ? { class: { id: classZohoId } } : {}),
    };
    return {
      result: { ...base, action: ref('grade:action'), letter: 'F', zohoId: ref('grade') },
      steps: [
        ...student.steps,
        {
          op: 'zoho.upsert_grade',
          ref: 'grade',
          compositeKey: action.compositeKey,
          fields,
          learningOutcomes: [],
          existingId: held?.id ?? null,
        },
        // Together, as for a teacher's grade: a retry that finds the push must not miss the dashboard copy.
        {
          op: 'grade_push.save',
          push: {
            composite_key: action.compositeKey,
            zoho_grade_id: ref('grade'),
            moodle_grade_id: null,
            student_moodle_id: action.userId,
            course_moodle_id: action.courseId,
            assignment_id: action.assignmentId,
            student_zoho_id: student.studentZohoId,
            class_zoho_id: classZohoId,
            letter: 'F',
            attempt_number: 1,
            graded_at: now,
            due_date: action.dueDate,
            fingerprint: `btec_rules:F:${dueDay}`,
            origin: 'btec_rules',
          },
          dashboardCopyOf: ref('grade'),
        },
      ],
    };
  }

  if (!push || push.letter !== 'R' || push.attempt_number !== 1) {
    return skip(
      `changed meanwhile (Zoho has ${push ? `${push.letter}, attempt ${push.attempt_number}` : 'no grade'}): no RR`,
    );
  }
  return {
    result: { ...base, action: 'updated', letter: 'RR', zohoId: push.zoho_grade_id },
    steps: [
      {
        op: 'zoho.update',
        module: 'BTEC_Grades',
        recordId: push.zoho_grade_id,
        values: { grade: 'RR', attemptNumber: 2, gradeStatus: 'Released' },
      },
      {
        op: 'grade_push.save',
        push: {
          ...push,
          letter: 'RR',
          attempt_number: 2,
          graded_at: now,
          fingerprint: `btec_rules:RR:${push.fingerprint}`,
          origin: 'btec_rules',
        },
        dashboardCopyOf: push.zoho_grade_id,
      },
    ],
  };
}

/** The `btec_rule` events of `moodle.grade`: actions the nightly rules queued, governed like grades. */
export const moodleBtecRule = defineFlow<BtecRuleState, BtecRuleEvent>({
  kind: 'moodle.grade',
  gate: { module: 'BTEC_Grades', direction: { key: 'grades', way: 'moodle_to_zoho' }, needs: ['zoho'] },
  data: { schema: btecRuleSchema, in: 'payload' },
  async read(io, { data }) {
    const action = data.btec_rule;
    const push = await getGradePush(io.db, action.compositeKey);
    const state: BtecRuleState = {
      action,
      push,
      now: action.decidedAt ?? Math.floor(Date.now() / 1000),
      held: null,
      student: null,
      classZohoId: null,
    };
    if (action.rule !== 'F' || push) return state;
    const held = await findZohoGrade(io.zoho, action.compositeKey, ['grade']);
    state.held = held ? { id: held.id, letter: io.zoho.fields.read(held, 'BTEC_Grades', 'grade') } : null;
    const heldLetter = state.held?.letter;
    if (typeof heldLetter === 'string' && heldLetter !== '' && heldLetter !== 'F') return state;
    state.student = await readZohoStudentOf(io, action.userId, null);
    state.classZohoId = (await findLinkByMoodleId(io.db, 'class', action.courseId))?.zoho_id ?? null;
    return state;
  },
  plan: planBtecRule,
});
