import type { FlowRegistry } from '../pipeline/flow.ts';
import { zohoClass } from './zohoClass.ts';
import { zohoEnrollment } from './zohoEnrollment.ts';
import { zohoGrade } from './zohoGrade.ts';
import { zohoPayment } from './zohoPayment.ts';
import { zohoTeacher } from './zohoPerson.ts';
import { zohoProgram } from './zohoProgram.ts';
import { zohoRegistration } from './zohoRegistration.ts';
import { zohoStudent } from './zohoStudent.ts';
import { zohoUnit } from './zohoUnit.ts';

/**
 * Every sync flow, one line per event kind (docs/pipeline.md "A new flow"). A kind without a
 * flow fails its events permanently with "no flow for <kind>": visible, and re-queueable with
 * `bin/jobs retry` once a version that has it is deployed.
 */
export const flows: Partial<FlowRegistry> = {
  'zoho.student': zohoStudent,
  'zoho.teacher': zohoTeacher,
  'zoho.program': zohoProgram,
  'zoho.class': zohoClass,
  'zoho.enrollment': zohoEnrollment,
  'zoho.registration': zohoRegistration,
  'zoho.payment': zohoPayment,
  'zoho.grade': zohoGrade,
  'zoho.unit': zohoUnit,
};
