import { z } from 'zod';
import { getGradePush, saveGradePush } from '../../../shared/db/queries/gradePushes.ts';
import { findLinkByMoodleId } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { unixToZohoDate } from '../../../shared/domain/grades/mapGradeToZohoRecord.ts';
import type { SyncOutcome } from '../syncHandler.ts';
import type { MoodleSyncRun } from './moodleSyncRun.ts';
import { resolveZohoStudent } from './resolveZohoRecords.ts';
import { queueDashboardCopy } from './syncGradeToZoho.ts';
import { findZohoGrade, upsertZohoGrade } from '../../../shared/clients/zoho/upsertZohoGrade.ts';

const id = z.number().int().positive();
/** `{userid}_{courseid}_{assignmentid}` (see gradeCompositeKey). */
const compositeKey = z.string().regex(/^\d{1,18}_\d{1,18}_\d{1,18}$/, 'must be {userid}_{courseid}_{assignmentid}');
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
    }),
    z.object({
      rule: z.literal('RR'),
      compositeKey,
      userId: id,
      courseId: id,
      assignmentId: id,
      assignmentName: z.string(),
      zohoGradeId: z.string(),
    }),
  ]),
});
export type BtecRuleEvent = z.infer<typeof btecRuleSchema>;

/**
 * Applies one planned BTEC rule (queued by the nightly `queueBtecRules`), checking first that
 * it still holds: a grade written meanwhile wins over the rule.
 * - F: a BTEC_Grades record with Grade F, attempt 1, dated the due date, saying why.
 * - RR: the first-attempt R record becomes Grade RR, attempt 2 (everything else kept).
 * Both are `Released` (a value of the Grade_Status picklist: the result is final).
 */
export async function applyBtecRule(run: MoodleSyncRun<BtecRuleEvent>): Promise<SyncOutcome> {
  const action = run.data.btec_rule;
  const base = { entity: 'grade', rule: action.rule, compositeKey: action.compositeKey };
  const push = await getGradePush(run.ctx.db, action.compositeKey);
  const today = Math.floor(Date.now() / 1000);

  if (action.rule === 'F') {
    if (push) return skipped(base, `graded meanwhile (Zoho has ${push.letter}): no F`);
    // A grade Zoho holds that we never wrote (entered in Zoho, or by the predecessor) is not in
    // the pushes table: never overwrite it with F. Our own F (a retry after a crash) is redone.
    const held = await findZohoGrade(run.zoho, action.compositeKey, ['grade']);
    const heldLetter = held ? run.zoho.fields.read(held, 'BTEC_Grades', 'grade') : null;
    if (held && typeof heldLetter === 'string' && heldLetter !== '' && heldLetter !== 'F') {
      return skipped(base, `Zoho already has a grade for this key (${heldLetter}, record ${held.id}): no F`);
    }
    const studentZohoId = await resolveZohoStudent(run, action.userId, null);
    if (!studentZohoId)
      throw new PermanentError(
        'zoho.student_not_found',
        `F for ${action.compositeKey}: Moodle user ${action.userId} is no BTEC_Students record`,
      );
    const classZohoId = (await findLinkByMoodleId(run.ctx.db, 'class', action.courseId))?.zoho_id ?? null;
    const dueDay = unixToZohoDate(action.dueDate);
    const fields = {
      compositeKey: action.compositeKey,
      grade: 'F',
      gradeStatus: 'Released',
      attemptNumber: 1,
      attemptDate: dueDay,
      gradeName: `${action.assignmentName} - F - ${dueDay}`.slice(0, 255),
      feedback: `No submission by the due date (${dueDay}): F applied by the integration's nightly BTEC rules.`,
      student: { id: studentZohoId },
      ...(classZohoId ? { class: { id: classZohoId } } : {}),
    };
    if (run.dryRun) return { status: 'completed', result: { ...base, action: 'created', letter: 'F' } };
    const written = await upsertZohoGrade(run.zoho, action.compositeKey, fields, [], { existingId: held?.id ?? null });
    // Together, as in syncGradeToZoho: a retry that finds the push must not miss the dashboard copy.
    await run.ctx.db.transaction(async (transaction) => {
      await saveGradePush(transaction, {
        composite_key: action.compositeKey,
        zoho_grade_id: written.zohoId,
        moodle_grade_id: null,
        student_moodle_id: action.userId,
        course_moodle_id: action.courseId,
        assignment_id: action.assignmentId,
        student_zoho_id: studentZohoId,
        class_zoho_id: classZohoId,
        letter: 'F',
        attempt_number: 1,
        graded_at: today,
        due_date: action.dueDate,
        fingerprint: `btec_rules:F:${dueDay}`,
        origin: 'btec_rules',
        lastEventId: run.event.id,
      });
      await queueDashboardCopy(transaction, run.event.id, written.zohoId);
    });
    return {
      status: 'completed',
      result: {
        ...base,
        action: written.action,
        letter: 'F',
        zohoId: written.zohoId,
        ...(written.warnings.length ? { warnings: written.warnings } : {}),
      },
    };
  }

  if (!push || push.letter !== 'R' || push.attempt_number !== 1) {
    return skipped(
      base,
      `changed meanwhile (Zoho has ${push ? `${push.letter}, attempt ${push.attempt_number}` : 'no grade'}): no RR`,
    );
  }
  if (run.dryRun)
    return { status: 'completed', result: { ...base, action: 'updated', letter: 'RR', zohoId: push.zoho_grade_id } };
  const { id: zohoId } = await run.zoho.updateOne('BTEC_Grades', {
    id: push.zoho_grade_id,
    ...run.zoho.fields.record('BTEC_Grades', { grade: 'RR', attemptNumber: 2, gradeStatus: 'Released' }),
  });
  await run.ctx.db.transaction(async (transaction) => {
    await saveGradePush(transaction, {
      ...push,
      letter: 'RR',
      attempt_number: 2,
      graded_at: today,
      fingerprint: `btec_rules:RR:${push.fingerprint}`,
      origin: 'btec_rules',
      lastEventId: run.event.id,
    });
    await queueDashboardCopy(transaction, run.event.id, zohoId);
  });
  return { status: 'completed', result: { ...base, action: 'updated', letter: 'RR', zohoId } };
}

function skipped(base: Record<string, unknown>, reason: string): SyncOutcome {
  return { status: 'skipped', result: { ...base, action: 'skipped', reason } };
}
