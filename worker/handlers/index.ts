import type { HandlerRegistry } from './syncHandler.ts';
import { createZohoToMoodleHandler } from './zohoToMoodle/createZohoToMoodleHandler.ts';
import { syncClass } from './zohoToMoodle/syncClass.ts';
import { syncEnrollment } from './zohoToMoodle/syncEnrollment.ts';
import { syncPerson } from './zohoToMoodle/syncPerson.ts';
import { syncProgram } from './zohoToMoodle/syncProgram.ts';

/**
 * The sync handlers of this version, one per event kind. A kind missing here fails its
 * events permanently with "no handler for <kind>" (visible, and re-queueable with
 * `bin/jobs retry` once a version that handles it is deployed): registrations, payments,
 * grades, units and every Moodle → Zoho event arrive with the dashboard and grade flows.
 */
export const handlers: HandlerRegistry = {
  'zoho.student': createZohoToMoodleHandler('student', (run, id) => syncPerson(run, 'student', id)),
  'zoho.teacher': createZohoToMoodleHandler('teacher', (run, id) => syncPerson(run, 'teacher', id)),
  'zoho.program': createZohoToMoodleHandler('program', syncProgram),
  'zoho.class': createZohoToMoodleHandler('class', syncClass),
  'zoho.enrollment': createZohoToMoodleHandler('enrollment', syncEnrollment),
};
