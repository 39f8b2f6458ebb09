import type { MoodleGradeData } from '../../shared/domain/moodle/moodleEventData.ts';

/** When the sample assignment was due and graded (2026-09-21 and 2026-09-22, UTC). */
export const SAMPLE_DUE = 1_790_000_000;
export const SAMPLE_GRADED = 1_790_100_000;

/**
 * A Merit on the BTEC scale for Layla Hassan (Moodle user 45) in course 6, assignment 7, as the
 * plugin sends it (moodle-plugin/README.md "What is sent"), without criteria unless given.
 */
export function sampleMoodleGrade(over: Partial<MoodleGradeData> = {}): MoodleGradeData {
  return {
    source: 'assign',
    student_id: 45,
    student_email: 'layla@college.example',
    student_idnumber: '',
    student_username: 'layla@college.example',
    student_fullname: 'Layla Hassan',
    course_id: 6,
    course_idnumber: '',
    course_shortname: 'U4',
    course_fullname: 'Unit 4 Marketing',
    assignment_id: 7,
    assignment_name: 'Assignment 1',
    cm_id: 70,
    item_id: null,
    item_module: null,
    grade_id: 500,
    grade: '3.00000',
    grade_label: 'Merit',
    grade_type: 'scale',
    grade_max: '4',
    scale_id: 2,
    scale_name: 'BTEC',
    scale_items: ['Refer', 'Pass', 'Merit', 'Distinction'],
    grading_method: 'btec',
    workflow_state: 'released',
    attempt_number: 1,
    due_date: SAMPLE_DUE,
    graded_at: SAMPLE_GRADED,
    overridden: false,
    feedback: 'Good analysis of the market.',
    grader_id: 3,
    grader_name: 'Omar Teacher',
    grader_role: 'teacher',
    learning_outcomes: [],
    ...over,
  };
}
