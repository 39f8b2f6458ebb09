import type { ZohoPayment } from '../zoho/zohoRecordSchemas.ts';
import type { MappedDashboardRecord } from './dashboardRecords.ts';
import { pluginMoney, pluginText } from './pluginValues.ts';

const MODULE = 'BTEC_Payments';

/**
 * `SRM_Active` (label "Accepted") values that mean the payment was not accepted. Zoho has no
 * payment status field (contract §1.8: `Payment_Status` is absent), so this text field is the
 * only sign of a voided or declined payment. Compared case-insensitively; anything else
 * (empty, "Yes", "Accepted", …) counts as paid.
 */
export const NOT_ACCEPTED = ['no', 'false', '0', 'declined', 'rejected', 'cancelled', 'canceled', 'void', 'voided'];

export function isVoided(accepted: string | null): boolean {
  return accepted !== null && NOT_ACCEPTED.includes(accepted.trim().toLowerCase());
}

/**
 * A BTEC_Payments record → the plugin's payment. The amount is exact (`Payment_Amount` parsed
 * without floats, e.g. "4400$" → "4400.00"); a payment not accepted in Zoho is sent `voided`
 * (shown struck through, not counted as paid). A negative `Installment_No` is not a number of
 * an installment: sent as 0 (none), with a warning.
 * @throws PermanentError naming the record and field for an amount with more than 10 integer digits.
 */
export function mapPayment(payment: ZohoPayment, userId: number): MappedDashboardRecord<'payment'> {
  const warnings: string[] = [];
  let installmentno = payment.installmentNumber ?? 0;
  if (installmentno < 0) {
    warnings.push(`${MODULE} ${payment.id}: Installment_No is negative; sent as none`);
    installmentno = 0;
  }
  return {
    record: {
      zohoid: payment.id,
      userid: userId,
      registrationzohoid: payment.registration?.id ?? '',
      paymentnumber: pluginText(payment.paymentNumber),
      paymentdate: payment.paymentDate ?? '',
      amount: pluginMoney(payment.amount, `${MODULE} ${payment.id}: Payment_Amount`),
      currency: payment.currency ?? '',
      method: payment.method ?? '',
      paymenttype: payment.paymentType ?? '',
      installmentno,
      voucher: pluginText(payment.voucherNumber),
      note: pluginText(payment.note),
      voided: isVoided(payment.accepted),
    },
    warnings,
  };
}
