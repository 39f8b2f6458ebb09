import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import type { FlowRegistry } from '../pipeline/flow.ts';
import { moodleBtecRule } from './moodleBtecRule.ts';
import { moodleCourse } from './moodleCourse.ts';
import { moodleEnrollment } from './moodleEnrollment.ts';
import { moodleGrade } from './moodleGrade.ts';
import { moodleUser } from './moodleUser.ts';
import { zohoClass } from './zohoClass.ts';
import { zohoEnrollment } from './zohoEnrollment.ts';
import { zohoGrade } from './zohoGrade.ts';
import { zohoPayment } from './zohoPayment.ts';
import { zohoStudent, zohoTeacher } from './zohoPerson.ts';
import { zohoProgram } from './zohoProgram.ts';
import { zohoRegistration } from './zohoRegistration.ts';
import { zohoUnit } from './zohoUnit.ts';

/**
 * Every sync flow, one line per event kind (docs/pipeline.md "A new flow"). The type requires
 * every kind of shared/domain/events.ts to have its flow.
 */
export const flows: FlowRegistry = {
  // The student's account, then their finance summary on the dashboard.
  'zoho.student': zohoStudent,
  'zoho.teacher': zohoTeacher,
  'zoho.program': zohoProgram,
  'zoho.class': zohoClass,
  'zoho.enrollment': zohoEnrollment,
  // Dashboard data, pushed into the Moodle plugin's tables (moodle-plugin/README.md).
  'zoho.registration': zohoRegistration,
  'zoho.payment': zohoPayment,
  'zoho.grade': zohoGrade,
  'zoho.unit': zohoUnit,
  // Grades from the plugin, and the F / RR actions the nightly BTEC rules queue (event type btec_rule).
  'moodle.grade': (event: EventRow) => (event.event_type === 'btec_rule' ? moodleBtecRule : moodleGrade),
  'moodle.enrollment': moodleEnrollment,
  'moodle.user': moodleUser,
  'moodle.course': moodleCourse,
};
