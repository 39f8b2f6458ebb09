import { flows } from '../flows/index.ts';
import { runFlow } from '../pipeline/runFlow.ts';
import {
  moodleEnrolmentDataSchema,
  moodleGradeDataSchema,
  moodleUserDataSchema,
} from '../../shared/domain/moodle/moodleEventData.ts';
import { applyBtecRule, btecRuleSchema } from './moodleToZoho/applyBtecRule.ts';
import { createMoodleToZohoHandler } from './moodleToZoho/moodleSyncRun.ts';
import { linkUserToZoho } from './moodleToZoho/linkUserToZoho.ts';
import { syncEnrolmentToZoho } from './moodleToZoho/syncEnrolmentToZoho.ts';
import { syncGradeToZoho } from './moodleToZoho/syncGradeToZoho.ts';
import type { HandlerRegistry } from './syncHandler.ts';

const gradeHandler = createMoodleToZohoHandler({
  module: 'BTEC_Grades',
  direction: 'grades',
  dataSchema: moodleGradeDataSchema,
  sync: syncGradeToZoho,
});
const applyBtecRuleHandler = createMoodleToZohoHandler({
  module: 'BTEC_Grades',
  direction: 'grades',
  dataSchema: btecRuleSchema,
  sync: applyBtecRule,
  payload: 'whole',
});

/**
 * The sync handlers of this version, one per event kind (every kind of shared/domain/events.ts
 * has one). A kind missing here would fail its events permanently with "no handler for <kind>"
 * (visible, and re-queueable with `bin/jobs retry` once a version that handles it is deployed).
 */
export const handlers: HandlerRegistry = {
  // The student's account, then their finance summary on the dashboard (syncStudent).
  'zoho.student': (ctx, event) => runFlow(flows, ctx, event),
  'zoho.teacher': (ctx, event) => runFlow(flows, ctx, event),
  'zoho.program': (ctx, event) => runFlow(flows, ctx, event),
  'zoho.class': (ctx, event) => runFlow(flows, ctx, event),
  'zoho.enrollment': (ctx, event) => runFlow(flows, ctx, event),
  // Dashboard data, pushed into the Moodle plugin's tables (moodle-plugin/README.md).
  'zoho.registration': (ctx, event) => runFlow(flows, ctx, event),
  'zoho.payment': (ctx, event) => runFlow(flows, ctx, event),
  'zoho.grade': (ctx, event) => runFlow(flows, ctx, event),
  'zoho.unit': (ctx, event) => runFlow(flows, ctx, event),
  // Grades from the plugin, and the F / RR actions the nightly BTEC rules queue (event type btec_rule).
  'moodle.grade': (ctx, event) => (event.event_type === 'btec_rule' ? applyBtecRuleHandler : gradeHandler)(ctx, event),
  'moodle.enrollment': createMoodleToZohoHandler({
    module: 'BTEC_Enrollments',
    direction: 'enrollments',
    dataSchema: moodleEnrolmentDataSchema,
    sync: syncEnrolmentToZoho,
  }),
  // Linking a Moodle user to their Zoho record runs in every direction; creating Zoho
  // students from Moodle is decided inside by sync.directions.student_profile.
  'moodle.user': createMoodleToZohoHandler({
    module: 'BTEC_Students',
    direction: null,
    dataSchema: moodleUserDataSchema,
    sync: linkUserToZoho,
  }),
  // Courses are made from Zoho classes; a course changed in Moodle is recorded, not sent back.
  'moodle.course': async () => ({
    status: 'skipped',
    result: { reason: 'courses come from Zoho classes: Moodle course changes are recorded here, not sent to Zoho' },
  }),
};
