import {
  parseZohoRecord,
  type ZohoClass,
  type ZohoEnrollment,
  type ZohoProgram,
  type ZohoStudent,
  type ZohoTeacher,
} from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { classRecord, enrollmentRecord, programRecord, studentRecord, teacherRecord } from '../zoho/sampleRecords.ts';

/**
 * Typed Zoho records for the sync mappers, read through the real record schemas from the
 * raw API-shaped samples with some API fields replaced (`{ Academic_Email: null }` …).
 */

export { IDS } from '../zoho/sampleRecords.ts';

type Raw = Record<string, unknown>;

export const student = (fields: Raw = {}): ZohoStudent =>
  parseZohoRecord('BTEC_Students', { ...studentRecord(), ...fields });
export const teacher = (fields: Raw = {}): ZohoTeacher =>
  parseZohoRecord('BTEC_Teachers', { ...teacherRecord(), ...fields });
export const zohoClass = (fields: Raw = {}): ZohoClass =>
  parseZohoRecord('BTEC_Classes', { ...classRecord(), ...fields });
export const program = (fields: Raw = {}): ZohoProgram =>
  parseZohoRecord('Products', { ...programRecord(), ...fields });
export const enrollment = (fields: Raw = {}): ZohoEnrollment =>
  parseZohoRecord('BTEC_Enrollments', { ...enrollmentRecord(), ...fields });

/** What fn throws (undefined when it returns): the test asserts its class, code and message. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** An e-mail of exactly `length` characters at college.example. */
export function emailOfLength(length: number): string {
  const domain = '@college.example';
  return `${'a'.repeat(length - domain.length)}${domain}`;
}
