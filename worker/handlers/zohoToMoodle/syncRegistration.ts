import { getLink } from '../../../shared/db/queries/syncLinks.ts';
import { mapRegistration } from '../../../shared/domain/dashboard/mapRegistration.ts';
import { studentOf } from '../../../shared/domain/dashboard/studentOf.ts';
import { applyDashboardRecord, removeDashboardRecord } from './applyDashboardRecord.ts';
import { ensurePerson } from './syncPerson.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A BTEC_Registrations record → the student's dashboard: the registration and its complete
 * installment schedule. The student is synced first when they have no Moodle account yet.
 * Deleted in Zoho → removed from the dashboard (with its installments).
 */
export async function syncRegistration(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const link = await getLink(run.ctx.db, 'registration', zohoId);
  const registration = await run.zoho.fetchRecord('BTEC_Registrations', zohoId);
  if (!registration) return removeDashboardRecord(run, 'registration', zohoId, link, 'BTEC_Registrations');

  const studentId = studentOf('BTEC_Registrations', zohoId, 'Student_ID', registration.student);
  const dependencies: EntityResult[] = [];
  const userId = await ensurePerson(run, 'student', studentId, dependencies);
  const mapped = mapRegistration(registration, userId ?? 0);
  return applyDashboardRecord(run, { entity: 'registration', zohoId, link, mapped, userId, dependencies });
}
