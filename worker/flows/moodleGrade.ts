import { findZohoGrade } from '../../shared/clients/zoho/upsertZohoGrade.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { getGradePush, type GradePush } from '../../shared/db/queries/gradePushes.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import { convertToBtecLetter, type BtecLetter } from '../../shared/domain/grades/convertToBtecLetter.ts';
import { gradeCompositeKey, mapGradeToZohoRecord } from '../../shared/domain/grades/mapGradeToZohoRecord.ts';
import { moodleGradeDataSchema, type MoodleGradeData } from '../../shared/domain/moodle/moodleEventData.ts';
import { recordKey } from '../../shared/domain/recordKey.ts';
import { fingerprint } from '../../shared/domain/sync/fingerprint.ts';
import { ref, type EntityResult, type SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import { defineFlow } from '../pipeline/flow.ts';
import {
  planClassLink,
  planStudentLink,
  readZohoClassOf,
  readZohoStudentOf,
  type ClassMatch,
  type StudentMatch,
} from './zohoRecordsOfMoodle.ts';

export interface GradeToZohoState {
  grade: MoodleGradeData;
  /** The grade last written to Zoho for the same key (moodle_grade_pushes). */
  previous: GradePush | null;
  /** Read only for a BTEC letter not older than `previous`. */
  student: StudentMatch | null;
  class: ClassMatch | null;
  /** The Zoho record holding the key, when the grade is to be written (null: none yet). */
  existingZohoId: string | null;
  /** The org's API names the messages use. */
  fieldNames: { studentMoodleId: string; studentEmail: string; classMoodleId: string; gradeClass: string };
}

const isAssignmentGrade = (grade: MoodleGradeData) => grade.source === 'assign' && grade.assignment_id !== null;

/** Whether the event's grade is older than the one written: a lower attempt, or the same attempt graded earlier. */
export function isOlderGrade(
  grade: Pick<MoodleGradeData, 'attempt_number' | 'graded_at'>,
  previous: Pick<GradePush, 'attempt_number' | 'graded_at' | 'origin'>,
): boolean {
  // F and RR set by the nightly rules are no teacher's grade: any grade given after them wins,
  // including a correction of attempt 1 after an RR (which recorded attempt 2).
  if (previous.origin === 'btec_rules') {
    return grade.graded_at !== null && previous.graded_at !== null && grade.graded_at < previous.graded_at;
  }
  if (grade.attempt_number !== previous.attempt_number) return grade.attempt_number < previous.attempt_number;
  return grade.graded_at !== null && previous.graded_at !== null && grade.graded_at < previous.graded_at;
}

/** The grade as a Zoho record, with its fingerprint (what the push row remembers). */
function mapped(state: GradeToZohoState, letter: BtecLetter, studentZohoId: string, classZohoId: string | null) {
  const record = mapGradeToZohoRecord({ grade: state.grade, letter, studentZohoId, classZohoId });
  return { ...record, print: fingerprint({ fields: record.fields, learningOutcomes: record.learningOutcomes }) };
}

/**
 * A Moodle assignment grade → its Zoho `BTEC_Grades` record (docs/design.md "Moodle → Zoho"):
 * converted to a BTEC letter, the student and class resolved through the links (or found in
 * Zoho and linked; never by name), identified by the composite key, created or updated (a create
 * answered DUPLICATE_DATA updates the record Zoho names), its learning outcomes replaced. An
 * event older than the grade already written (lower attempt, or the same attempt graded earlier)
 * is skipped, so a late delivery never overwrites a newer grade. The push row and the grade's
 * dashboard copy (our write fires no Zoho workflow) are written together. Pure.
 */
export function planGradeToZoho(state: GradeToZohoState, settings: SyncSettings): SyncPlan {
  const { grade, previous } = state;
  const skip = (reason: string, extra: Record<string, unknown> = {}): SyncPlan => ({
    result: { entity: 'grade', action: 'skipped', ...extra, reason },
    steps: [],
  });
  if (!isAssignmentGrade(grade)) {
    return skip(`only assignment grades are BTEC grades in Zoho (this is a ${grade.item_module ?? 'gradebook'} item)`);
  }
  const compositeKey = gradeCompositeKey(grade);
  const conversion = convertToBtecLetter(grade, settings.grades.points_thresholds);
  if (conversion.letter === null) return skip(conversion.reason, { compositeKey });
  if (previous && isOlderGrade(grade, previous)) {
    return skip(
      `older than the grade already in Zoho (attempt ${previous.attempt_number}, graded ${previous.graded_at ?? '?'})`,
      { compositeKey, zohoId: previous.zoho_grade_id },
    );
  }

  const student = planStudentLink(state.student, grade.student_id);
  if (!student.studentZohoId) {
    const names = state.fieldNames;
    throw new PermanentError(
      'zoho.student_not_found',
      `grade ${compositeKey}: Moodle user ${grade.student_id} is no BTEC_Students record (no ${names.studentMoodleId} ${grade.student_id}, no ${names.studentEmail} match)`,
    );
  }
  const cls = planClassLink(state.class, grade.course_id);
  const { studentZohoId } = student;
  const { classZohoId } = cls;
  const record = mapped(state, conversion.letter, studentZohoId, classZohoId);
  const warnings = [...record.warnings];
  if (!classZohoId) {
    warnings.push(
      `Moodle course ${grade.course_id} is no Zoho class (not linked, no ${state.fieldNames.classMoodleId}): ${state.fieldNames.gradeClass} left empty`,
    );
  }
  const base: EntityResult = {
    entity: 'grade',
    action: 'unchanged',
    compositeKey,
    letter: conversion.letter,
    basis: conversion.basis,
    moodleGradeId: grade.grade_id,
    studentZohoId,
    classZohoId,
    ...(warnings.length ? { warnings } : {}),
  };
  const linkSteps = [...student.steps, ...cls.steps];
  if (previous && previous.fingerprint === record.print) {
    return { result: { ...base, zohoId: previous.zoho_grade_id }, steps: linkSteps };
  }
  return {
    result: { ...base, action: ref('grade:action'), zohoId: ref('grade'), dashboardQueued: ref('dashboardQueued') },
    steps: [
      ...linkSteps,
      {
        op: 'zoho.upsert_grade',
        ref: 'grade',
        compositeKey,
        fields: record.fields,
        learningOutcomes: record.learningOutcomes as Record<string, unknown>[] | null,
        existingId: state.existingZohoId,
      },
      {
        op: 'grade_push.save',
        push: {
          composite_key: compositeKey,
          zoho_grade_id: ref('grade'),
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
          fingerprint: record.print,
        },
        dashboardCopyOf: ref('grade'),
      },
    ],
  };
}

/** `moodle.grade` (not the nightly rules' `btec_rule` events): governed by `sync.directions.grades`. */
export const moodleGrade = defineFlow<GradeToZohoState, MoodleGradeData>({
  kind: 'moodle.grade',
  gate: { module: 'BTEC_Grades', direction: { key: 'grades', way: 'moodle_to_zoho' }, needs: ['zoho'] },
  data: { schema: moodleGradeDataSchema, in: 'envelope' },
  // One key at a time: a new attempt is a new assign_grades row (another record lock), but it is
  // the same Zoho record; without this two attempts could both miss it and race.
  lock: ({ data }) => (isAssignmentGrade(data) ? recordKey('moodle', 'BTEC_Grades', gradeCompositeKey(data)) : null),
  async read(io, { data: grade }) {
    const f = io.zoho.fields;
    const fieldNames = {
      studentMoodleId: f.name('BTEC_Students', 'moodleId'),
      studentEmail: f.name('BTEC_Students', 'academicEmail'),
      classMoodleId: f.name('BTEC_Classes', 'moodleClassId'),
      gradeClass: f.name('BTEC_Grades', 'class'),
    };
    const state: GradeToZohoState = {
      grade,
      previous: null,
      student: null,
      class: null,
      existingZohoId: null,
      fieldNames,
    };
    if (!isAssignmentGrade(grade)) return state;
    const compositeKey = gradeCompositeKey(grade);
    const conversion = convertToBtecLetter(grade, io.settings.grades.points_thresholds);
    if (conversion.letter === null) return state;
    state.previous = await getGradePush(io.db, compositeKey);
    if (state.previous && isOlderGrade(grade, state.previous)) return state;
    state.student = await readZohoStudentOf(io, grade.student_id, grade.student_email);
    if (!state.student || 'conflict' in state.student) return state;
    state.class = await readZohoClassOf(io, grade.course_id, grade.course_idnumber);
    if (state.class && 'conflict' in state.class) return state;
    const classZohoId = state.class?.zohoId ?? null;
    // The key's record is looked up only when the grade is to be written.
    if (state.previous?.fingerprint !== mapped(state, conversion.letter, state.student.zohoId, classZohoId).print) {
      state.existingZohoId = (await findZohoGrade(io.zoho, compositeKey))?.id ?? null;
    }
    return state;
  },
  plan: planGradeToZoho,
});
