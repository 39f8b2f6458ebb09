import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const pushRowSchema = z.object({
  composite_key: z.string(),
  zoho_grade_id: z.string(),
  moodle_grade_id: z.coerce.number().nullable(),
  student_moodle_id: z.coerce.number(),
  course_moodle_id: z.coerce.number(),
  assignment_id: z.coerce.number(),
  student_zoho_id: z.string(),
  class_zoho_id: z.string().nullable(),
  letter: z.enum(['D', 'M', 'P', 'R', 'RR', 'F']),
  attempt_number: z.coerce.number(),
  graded_at: z.coerce.number().nullable(),
  due_date: z.coerce.number().nullable(),
  fingerprint: z.string(),
  origin: z.enum(['moodle', 'btec_rules']),
});
export type GradePush = z.infer<typeof pushRowSchema>;
export type NewGradePush = Omit<GradePush, 'origin'> & { origin?: GradePush['origin']; lastEventId?: number | null };

const COLUMNS = sql.fragment`composite_key, zoho_grade_id, moodle_grade_id, student_moodle_id, course_moodle_id, assignment_id,
  student_zoho_id, class_zoho_id, letter, attempt_number, graded_at, due_date, fingerprint, origin`;

export async function getGradePush(db: CommonQueryMethods, compositeKey: string): Promise<GradePush | null> {
  return db.maybeOne(
    sql.type(pushRowSchema)`select ${COLUMNS} from moodle_grade_pushes where composite_key = ${compositeKey}`,
  );
}

export async function saveGradePush(db: CommonQueryMethods, push: NewGradePush): Promise<void> {
  await db.query(sql.unsafe`
    insert into moodle_grade_pushes (${COLUMNS}, last_event_id)
    values (${push.composite_key}, ${push.zoho_grade_id}, ${push.moodle_grade_id}, ${push.student_moodle_id}, ${push.course_moodle_id},
            ${push.assignment_id}, ${push.student_zoho_id}, ${push.class_zoho_id}, ${push.letter}, ${push.attempt_number},
            ${push.graded_at}, ${push.due_date}, ${push.fingerprint}, ${push.origin ?? 'moodle'}, ${push.lastEventId ?? null})
    on conflict (composite_key) do update set
      zoho_grade_id = excluded.zoho_grade_id, moodle_grade_id = excluded.moodle_grade_id,
      student_zoho_id = excluded.student_zoho_id, class_zoho_id = excluded.class_zoho_id, letter = excluded.letter,
      attempt_number = excluded.attempt_number, graded_at = excluded.graded_at, due_date = excluded.due_date,
      fingerprint = excluded.fingerprint, origin = excluded.origin,
      last_event_id = coalesce(excluded.last_event_id, moodle_grade_pushes.last_event_id), pushed_at = now()
  `);
}

/** Grades of the given assignments (course, assignment) pairs, for the nightly BTEC rules. */
export async function gradePushesOfAssignment(
  db: CommonQueryMethods,
  courseId: number,
  assignmentId: number,
): Promise<GradePush[]> {
  return [
    ...(await db.any(sql.type(pushRowSchema)`
    select ${COLUMNS} from moodle_grade_pushes where course_moodle_id = ${courseId} and assignment_id = ${assignmentId}
  `)),
  ];
}

/** The grades written for the given courses, for the nightly BTEC rules. */
export async function gradePushesOfCourses(db: CommonQueryMethods, courseIds: readonly number[]): Promise<GradePush[]> {
  return [
    ...(await db.any(sql.type(pushRowSchema)`
    select ${COLUMNS} from moodle_grade_pushes where course_moodle_id = any(${sql.array([...courseIds], 'int8')})
  `)),
  ];
}
