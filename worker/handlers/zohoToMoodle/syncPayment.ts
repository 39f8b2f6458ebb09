import { getLink } from '../../../shared/db/queries/syncLinks.ts';
import { mapPayment } from '../../../shared/domain/dashboard/mapPayment.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import type { ZohoPayment } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { applyDashboardRecord, removeDashboardRecord } from './applyDashboardRecord.ts';
import { ensurePerson } from './syncPerson.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A BTEC_Payments record → the student's payment history (amount exact; a payment not
 * accepted in Zoho is sent voided: shown struck through, not counted as paid). Deleted in
 * Zoho → removed from the dashboard, so it no longer counts or shows.
 */
export async function syncPayment(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const link = await getLink(run.ctx.db, 'payment', zohoId);
  const payment = await run.zoho.fetchRecord('BTEC_Payments', zohoId);
  if (!payment) return removeDashboardRecord(run, 'payment', zohoId, link, 'BTEC_Payments');

  const dependencies: EntityResult[] = [];
  const userId = await paymentUser(run, payment, dependencies);
  return applyDashboardRecord(run, {
    entity: 'payment',
    zohoId,
    link,
    mapped: mapPayment(payment, userId ?? 0),
    userId,
    dependencies,
  });
}

/**
 * The paying student's Moodle user: the payment's `Student_ID`, else its registration's
 * student (the predecessor filled only `Registration_ID`, so older payments have no student):
 * known from the registration's link when it is on the dashboard already, else read from Zoho.
 * @throws PermanentError `dashboard.no_student` when neither gives a student.
 */
async function paymentUser(
  run: ZohoSyncRun,
  payment: ZohoPayment,
  dependencies: EntityResult[],
): Promise<number | null> {
  if (payment.student) return ensurePerson(run, 'student', payment.student.id, dependencies);
  if (payment.registration) {
    const registrationLink = await getLink(run.ctx.db, 'registration', payment.registration.id);
    if (registrationLink?.state === 'active' && registrationLink.moodle_user_id !== null)
      return registrationLink.moodle_user_id;
    const registration = await run.zoho.fetchRecord('BTEC_Registrations', payment.registration.id);
    if (registration?.student) return ensurePerson(run, 'student', registration.student.id, dependencies);
  }
  throw new PermanentError(
    'dashboard.no_student',
    `BTEC_Payments ${payment.id}: Student_ID is empty and Registration_ID gives no student; the dashboard shows a payment only to its student`,
  );
}
