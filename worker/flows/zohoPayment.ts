import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { mapPayment } from '../../shared/domain/dashboard/mapPayment.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import { planDashboardPush, planDashboardRemoval } from '../../shared/domain/sync/planDashboardRecord.ts';
import type { EntityResult, IdOrRef, SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import type { ZohoPayment } from '../../shared/domain/zoho/zohoRecordSchemas.ts';
import { defineFlow, type FlowIO } from '../pipeline/flow.ts';
import { ensurePerson } from './zohoPerson.ts';

export type PaymentState =
  | { zohoId: string; link: SyncLink | null; payment: null }
  | {
      zohoId: string;
      link: SyncLink | null;
      payment: ZohoPayment;
      /** The paying student's Moodle user; null when neither the payment nor its registration names a student. */
      userId: IdOrRef | null;
      dependencies: EntityResult[];
    };

/**
 * The paying student's Moodle user: the payment's `Student_ID`, else its registration's student
 * (the predecessor filled only `Registration_ID`, so older payments have no student): known from
 * the registration's link when it is on the dashboard already, else read from Zoho.
 */
async function readPaymentUser(
  io: FlowIO,
  payment: ZohoPayment,
  dependencies: EntityResult[],
): Promise<IdOrRef | null> {
  if (payment.student) return ensurePerson(io, 'student', payment.student.id, dependencies);
  if (!payment.registration) return null;
  const registrationLink = await getLink(io.db, 'registration', payment.registration.id);
  if (registrationLink?.state === 'active' && registrationLink.moodle_user_id !== null)
    return registrationLink.moodle_user_id;
  const registration = await io.zoho.fetchRecord('BTEC_Registrations', payment.registration.id);
  return registration?.student ? ensurePerson(io, 'student', registration.student.id, dependencies) : null;
}

/**
 * A BTEC_Payments record → the student's payment history (amount exact; a payment not accepted
 * in Zoho is sent voided: shown struck through, not counted as paid). Deleted in Zoho → removed
 * from the dashboard, so it no longer counts or shows. Pure.
 * @throws PermanentError `dashboard.no_student` when the payment gives no student.
 */
export function planPayment(state: PaymentState): SyncPlan {
  const { zohoId, link } = state;
  if (!state.payment) return planDashboardRemoval('payment', zohoId, link, 'BTEC_Payments');
  if (state.userId === null) {
    throw new PermanentError(
      'dashboard.no_student',
      `BTEC_Payments ${zohoId}: Student_ID is empty and Registration_ID gives no student; the dashboard shows a payment only to its student`,
    );
  }
  const mapped = mapPayment(state.payment, 0);
  return planDashboardPush({
    entity: 'payment',
    zohoId,
    link,
    mapped,
    userId: state.userId,
    dependencies: state.dependencies,
  });
}

/** `zoho.payment`: finance data, governed by `sync.directions.finance`. */
export const zohoPayment = defineFlow<PaymentState>({
  kind: 'zoho.payment',
  gate: { module: 'BTEC_Payments', direction: { key: 'finance', way: 'zoho_to_moodle' }, needs: ['zoho', 'moodle'] },
  async read(io, { recordId }) {
    const link = await getLink(io.db, 'payment', recordId);
    const payment = await io.zoho.fetchRecord('BTEC_Payments', recordId);
    if (!payment) return { zohoId: recordId, link, payment: null };
    const dependencies: EntityResult[] = [];
    const userId = await readPaymentUser(io, payment, dependencies);
    return { zohoId: recordId, link, payment, userId, dependencies };
  },
  plan: planPayment,
});
