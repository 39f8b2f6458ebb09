import type { CommonQueryMethods } from 'slonik';
import { getGradePush, saveGradePush } from '../../../shared/db/queries/gradePushes.ts';
import { recordWebhookEvent } from '../../../shared/db/queries/integrationEventsLog.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { taskIdentifierFor } from '../../../shared/domain/events.ts';
import { convertToBtecLetter } from '../../../shared/domain/grades/convertToBtecLetter.ts';
import { gradeCompositeKey, mapGradeToZohoRecord } from '../../../shared/domain/grades/mapGradeToZohoRecord.ts';
import type { MoodleGradeData } from '../../../shared/domain/moodle/moodleEventData.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import type { SyncOutcome } from '../syncHandler.ts';
import type { MoodleSyncRun } from './moodleSyncRun.ts';
import { resolveZohoClass, resolveZohoStudent } from './resolveZohoRecords.ts';
import { findZohoGrade, upsertZohoGrade } from '../../../shared/clients/zoho/upsertZohoGrade.ts';

/**
 * A Moodle assignment grade → its Zoho `BTEC_Grades` record (DESIGN.md "Moodle → Zoho"):
 * converted to a BTEC letter, the student and class resolved through the links (or found in
 * Zoho and linked; never by name), identified by the composite key through COQL, created or
 * updated (a create answered DUPLICATE_DATA updates the record Zoho names), its learning
 * outcomes replaced. An event older than the grade already written (lower attempt, or the
 * same attempt graded earlier) is skipped, so a late delivery never overwrites a newer grade.
 * Afterwards the grade's dashboard copy is queued (our write fires no Zoho workflow).
 */
export async function syncGradeToZoho(run: MoodleSyncRun<MoodleGradeData>): Promise<SyncOutcome> {
  const grade = run.data;
  if (grade.source !== 'assign' || grade.assignment_id === null) {
    return skipped(
      `only assignment grades are BTEC grades in Zoho (this is a ${grade.item_module ?? 'gradebook'} item)`,
    );
  }
  const compositeKey = gradeCompositeKey(grade);
  const conversion = convertToBtecLetter(grade, run.settings.grades.points_thresholds);
  if (conversion.letter === null) return skipped(conversion.reason, { compositeKey });

  // One key at a time: a new attempt is a new assign_grades row (another record lock), but it
  // is the same Zoho record; without this two attempts could both miss it and race.
  const release = await run.ctx.lockRecord(`moodle:BTEC_Grades:${compositeKey}`);
  try {
    return await writeGrade(run, compositeKey, conversion);
  } finally {
    await release();
  }
}

async function writeGrade(
  run: MoodleSyncRun<MoodleGradeData>,
  compositeKey: string,
  conversion: Extract<ReturnType<typeof convertToBtecLetter>, { letter: string }>,
): Promise<SyncOutcome> {
  const grade = run.data;
  const previous = await getGradePush(run.ctx.db, compositeKey);
  if (previous && isOlder(grade, previous)) {
    return skipped(
      `older than the grade already in Zoho (attempt ${previous.attempt_number}, graded ${previous.graded_at ?? '?'})`,
      { compositeKey, zohoId: previous.zoho_grade_id },
    );
  }

  const studentZohoId = await resolveZohoStudent(run, grade.student_id, grade.student_email);
  if (!studentZohoId) {
    throw new PermanentError(
      'zoho.student_not_found',
      `grade ${compositeKey}: Moodle user ${grade.student_id} is no BTEC_Students record (no ${run.zoho.fields.name('BTEC_Students', 'moodleId')} ${grade.student_id}, no ${run.zoho.fields.name('BTEC_Students', 'academicEmail')} match)`,
    );
  }
  const classZohoId = await resolveZohoClass(run, grade.course_id, grade.course_idnumber);
  const mapped = mapGradeToZohoRecord({ grade, letter: conversion.letter, studentZohoId, classZohoId });
  const warnings = [...mapped.warnings];
  if (!classZohoId)
    warnings.push(
      `Moodle course ${grade.course_id} is no Zoho class (not linked, no ${run.zoho.fields.name('BTEC_Classes', 'moodleClassId')}): ${run.zoho.fields.name('BTEC_Grades', 'class')} left empty`,
    );
  const print = fingerprint({ fields: mapped.fields, learningOutcomes: mapped.learningOutcomes });
  const base = {
    entity: 'grade',
    compositeKey,
    letter: conversion.letter,
    basis: conversion.basis,
    moodleGradeId: grade.grade_id,
    studentZohoId,
    classZohoId,
    ...(warnings.length ? { warnings } : {}),
  };
  if (previous && previous.fingerprint === print) {
    return { status: 'completed', result: { ...base, action: 'unchanged', zohoId: previous.zoho_grade_id } };
  }

  if (run.dryRun) {
    const existing = await findZohoGrade(run.zoho, compositeKey);
    return {
      status: 'completed',
      result: { ...base, action: existing ? 'updated' : 'created', zohoId: existing?.id ?? null },
    };
  }
  const written = await upsertZohoGrade(run.zoho, compositeKey, mapped.fields, mapped.learningOutcomes);
  warnings.push(...written.warnings);
  const { zohoId, action } = written;
  // The push row and the dashboard copy's event commit together: a crash between them would
  // leave a retry finding the grade unchanged and the dashboard copy never queued.
  const dashboardQueued = await run.ctx.db.transaction(async (transaction) => {
    await saveGradePush(transaction, {
      composite_key: compositeKey,
      zoho_grade_id: zohoId,
      moodle_grade_id: grade.grade_id,
      student_moodle_id: grade.student_id,
      course_moodle_id: grade.course_id,
      assignment_id: grade.assignment_id!,
      student_zoho_id: studentZohoId,
      class_zoho_id: classZohoId,
      letter: conversion.letter,
      attempt_number: grade.attempt_number,
      graded_at: grade.graded_at,
      due_date: grade.due_date,
      fingerprint: print,
      lastEventId: run.event.id,
    });
    return queueDashboardCopy(transaction, run.event.id, zohoId);
  });
  return {
    status: 'completed',
    result: { ...base, ...(warnings.length ? { warnings } : {}), action, zohoId, dashboardQueued },
  };
}

function skipped(reason: string, extra: Record<string, unknown> = {}): SyncOutcome {
  return { status: 'skipped', result: { entity: 'grade', action: 'skipped', ...extra, reason } };
}

/** Whether the event's grade is older than the one written: a lower attempt, or the same attempt graded earlier. */
function isOlder(
  grade: MoodleGradeData,
  previous: { attempt_number: number; graded_at: number | null; origin: string },
): boolean {
  // F and RR set by the nightly rules are no teacher's grade: any grade given after them wins,
  // including a correction of attempt 1 after an RR (which recorded attempt 2).
  if (previous.origin === 'btec_rules')
    return grade.graded_at !== null && previous.graded_at !== null && grade.graded_at < previous.graded_at;
  if (grade.attempt_number !== previous.attempt_number) return grade.attempt_number < previous.attempt_number;
  return grade.graded_at !== null && previous.graded_at !== null && grade.graded_at < previous.graded_at;
}

/**
 * Our write sends `"trigger": []`, so Zoho's BTEC_Grades workflow does not fire and would not
 * refresh the dashboard's copy: queue that Zoho grade event ourselves (one per Moodle event).
 */
export async function queueDashboardCopy(
  db: CommonQueryMethods,
  causeEventId: number,
  zohoId: string,
): Promise<boolean> {
  const id = await recordWebhookEvent(db, {
    source: 'zoho',
    eventId: `moodle-grade:${causeEventId}:${zohoId}`,
    eventType: 'updated',
    entity: 'grade',
    module: 'BTEC_Grades',
    recordId: zohoId,
    dedupe: 'event_id',
    taskIdentifier: taskIdentifierFor('zoho.grade'),
    payload: { cause: 'grade written from Moodle', caused_by_event: causeEventId },
    jobKey: null,
  });
  return id !== null;
}
