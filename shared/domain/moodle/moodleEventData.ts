import { z } from 'zod';

/**
 * The `data` of the Moodle plugin's events, exactly as moodle-plugin/README.md "What is sent"
 * defines it (the plugin builds it in classes/local/payload_builder.php). Decimals arrive as
 * strings, never floats; Moodle's "not set" times as null. Unknown keys are ignored, so a
 * newer plugin may add some.
 */

const decimal = z.string().regex(/^-?\d{1,15}(\.\d{1,10})?$/, 'must be a decimal string');
const id = z.number().int().positive();
const text = z.string().nullable();

export const moodleLearningOutcomeSchema = z.object({
  code: z.string().min(1).max(20),
  level: text,
  description: text,
  score: decimal.nullable(),
  feedback: text,
  achieved: z.boolean(),
});
export type MoodleLearningOutcome = z.infer<typeof moodleLearningOutcomeSchema>;

export const moodleGradeDataSchema = z.object({
  source: z.enum(['assign', 'gradebook']),
  student_id: id,
  student_email: text,
  student_idnumber: text,
  student_username: text,
  student_fullname: text,
  course_id: id,
  course_idnumber: text,
  course_shortname: text,
  course_fullname: text,
  assignment_id: id.nullable(),
  assignment_name: text,
  cm_id: id.nullable(),
  item_id: id.nullable(),
  item_module: text,
  grade_id: id.nullable(),
  grade: decimal.nullable(),
  grade_label: text,
  grade_type: z.enum(['points', 'scale', 'none', 'text']),
  grade_max: decimal.nullable(),
  scale_id: id.nullable(),
  scale_name: text,
  scale_items: z.array(z.string()).nullable(),
  grading_method: text,
  workflow_state: text,
  attempt_number: z.number().int().min(1),
  due_date: z.number().int().nonnegative().nullable(),
  graded_at: z.number().int().nonnegative().nullable(),
  overridden: z.boolean(),
  feedback: text,
  grader_id: id.nullable(),
  grader_name: text,
  grader_role: z.enum(['iv', 'teacher', 'other']).nullable(),
  learning_outcomes: z.array(moodleLearningOutcomeSchema),
});
export type MoodleGradeData = z.infer<typeof moodleGradeDataSchema>;

export const moodleEnrolmentDataSchema = z.object({
  user_enrolment_id: id,
  user_id: id,
  course_id: id,
  course_idnumber: text,
  course_shortname: text,
  enrol_instance_id: id.nullable(),
  enrol_method: text,
  status: z.union([z.literal(0), z.literal(1)]),
  timestart: z.number().int().nonnegative().nullable(),
  timeend: z.number().int().nonnegative().nullable(),
  roles: z.array(z.string()),
  deleted: z.boolean(),
  last_enrolment: z.boolean().nullable(),
});
export type MoodleEnrolmentData = z.infer<typeof moodleEnrolmentDataSchema>;

export const moodleUserDataSchema = z.object({
  id,
  username: text,
  email: text,
  idnumber: text,
  firstname: text,
  lastname: text,
  city: text,
  country: text,
  suspended: z.boolean(),
  auth: text,
  deleted: z.boolean(),
});
export type MoodleUserData = z.infer<typeof moodleUserDataSchema>;

/** The plugin's envelope around `data` (the ingress checked it on arrival). */
export const moodleEnvelopeSchema = z.object({
  event_id: z.string(),
  event_type: z.string(),
  entity_type: z.string(),
  entity_id: z.number().int().nullable(),
  user_id: z.number().int().nullable(),
  course_id: z.number().int().nullable(),
  timestamp: z.number().int(),
  data: z.unknown(),
});
