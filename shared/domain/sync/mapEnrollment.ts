import type { ZohoEnrollment } from '../zoho/zohoRecordSchemas.ts';

/**
 * The enrolment a Zoho enrollment asks for: which student in which class (both lookups are
 * mandatory in Zoho). Its dates are not applied: an enrolment end date in Moodle would lock
 * the student out of their grades.
 */
export interface DesiredEnrolment {
  studentZohoId: string;
  classZohoId: string;
}

export function mapEnrollment(enrollment: Pick<ZohoEnrollment, 'student' | 'class'>): DesiredEnrolment {
  return { studentZohoId: enrollment.student.id, classZohoId: enrollment.class.id };
}
