import type { MoodleGradeData } from '../moodle/moodleEventData.ts';
import type { ZohoFieldMappings } from '../zoho/fieldMappings.ts';
import type { ZohoWriteValues } from '../zoho/zohoFieldNames.ts';
import type { BtecLetter } from './convertToBtecLetter.ts';

/** Zoho keeps at most this many characters in `BTEC_Grades.Feedback`. */
export const ZOHO_FEEDBACK_MAX = 2000;
const NAME_MAX = 255;

/** Moodle's marking-workflow states → the values of Zoho's `Grade_Status` picklist. */
export const GRADE_STATUS: Readonly<Record<string, string>> = {
  notmarked: 'Not Marked',
  inmarking: 'In Marking',
  readyforreview: 'Marking completed',
  inreview: 'In review',
  readyforrelease: 'Ready for release',
  released: 'Released',
};

export interface GradeRecordInput {
  grade: MoodleGradeData;
  letter: BtecLetter;
  studentZohoId: string;
  /** Null when the course is no known Zoho class: the `Class` lookup is then left out. */
  classZohoId: string | null;
}

/** One learning-outcome row in the subform's canonical row properties. */
export type ZohoLearningOutcomeValues = {
  [K in keyof ZohoFieldMappings['BTEC_Grades']['learningOutcomes']['subform']]?: unknown;
};

export interface ZohoGradeRecord {
  /**
   * The record in canonical properties of the `BTEC_Grades` mapping, without the subform: the
   * Zoho client's field names turn them into the org's API names when written.
   */
  fields: ZohoWriteValues<'BTEC_Grades'>;
  /** `learningOutcomes` (Zoho `Learning_Outcomes_Assessm`) rows, one per criterion. */
  learningOutcomes: ZohoLearningOutcomeValues[];
  /** What the mapping had to do that someone should know (feedback cut…). */
  warnings: string[];
}

/** `{userid}_{courseid}_{assignmentid}`: the key existing Zoho grade records already use. */
export function gradeCompositeKey(grade: Pick<MoodleGradeData, 'student_id' | 'course_id' | 'assignment_id'>): string {
  return `${grade.student_id}_${grade.course_id}_${grade.assignment_id ?? 0}`;
}

/** Unix seconds → the UTC calendar date Zoho's date fields take. */
export function unixToZohoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/**
 * Zoho's 2,000 characters: longer feedback is cut at a word boundary with a note saying so
 * and where the rest is, never silently; the caller also records a warning on the event.
 */
export function fitFeedback(feedback: string | null): { text: string | null; cut: boolean } {
  if (feedback === null || feedback.trim() === '') return { text: null, cut: false };
  const chars = [...feedback];
  if (chars.length <= ZOHO_FEEDBACK_MAX) return { text: feedback, cut: false };
  const note = ` […] (cut: ${chars.length} characters in Moodle, Zoho keeps ${ZOHO_FEEDBACK_MAX}; the full feedback is in Moodle)`;
  let kept = chars.slice(0, ZOHO_FEEDBACK_MAX - [...note].length).join('');
  const space = kept.lastIndexOf(' ');
  if (space > kept.length - 80) kept = kept.slice(0, space);
  return { text: kept + note, cut: true };
}

/**
 * A Moodle assignment grade → the fields of its Zoho `BTEC_Grades` record (docs/design.md "Moodle →
 * Zoho", docs/zoho-fields.md §1.9): the composite key, the letter, `Grade_Status` as a value of its
 * picklist (no marking workflow = visible to the student = Released), the 1-based attempt, the
 * grader in `IV_Name` when they are the internal verifier else in `Grader_Name`, and one
 * learning-outcome row per BTEC criterion. Pure: lookups come resolved.
 */
export function mapGradeToZohoRecord({ grade, letter, studentZohoId, classZohoId }: GradeRecordInput): ZohoGradeRecord {
  const warnings: string[] = [];
  const gradedOn = grade.graded_at ? unixToZohoDate(grade.graded_at) : null;
  const feedback = fitFeedback(grade.feedback);
  if (feedback.cut)
    warnings.push(
      `Feedback has ${[...grade.feedback!].length} characters; Zoho keeps ${ZOHO_FEEDBACK_MAX}: cut with a note saying so`,
    );
  const status = grade.workflow_state === null ? 'Released' : GRADE_STATUS[grade.workflow_state];
  if (status === undefined)
    warnings.push(`marking-workflow state "${grade.workflow_state}" has no Grade_Status value: left out`);

  const name = [grade.student_fullname, grade.course_fullname, letter, gradedOn].filter(Boolean).join(' - ');
  const fields: ZohoWriteValues<'BTEC_Grades'> = {
    compositeKey: gradeCompositeKey(grade),
    moodleGradeId: grade.grade_id === null ? null : String(grade.grade_id),
    gradeName: [...name].slice(0, NAME_MAX).join(''),
    grade: letter,
    ...(status !== undefined ? { gradeStatus: status } : {}),
    attemptNumber: grade.attempt_number,
    attemptDate: gradedOn,
    feedback: feedback.text,
    student: { id: studentZohoId },
    ...(classZohoId ? { class: { id: classZohoId } } : {}),
    studentName: grade.student_fullname,
    className: grade.course_fullname,
  };
  if (grade.grader_name) fields[grade.grader_role === 'iv' ? 'ivName' : 'graderName'] = grade.grader_name;

  const learningOutcomes = grade.learning_outcomes.map((lo) => ({
    code: lo.code,
    outcomeIdentification: lo.code,
    title: lo.description,
    definition: lo.description,
    score: lo.score,
    feedback: lo.feedback,
  }));
  return { fields, learningOutcomes, warnings };
}
