import type { ZohoStudent } from '../zoho/zohoRecordSchemas.ts';
import type { DashboardFinance, MappedDashboardRecord } from './dashboardRecords.ts';
import { pluginMoney, pluginPercentage, pluginText } from './pluginValues.ts';

const MODULE = 'BTEC_Students';

/**
 * A student's finance summary (the BTEC_Students finance fields) → the plugin's finance
 * record, keyed by the student's Zoho id. `Scholarship_Reason` is not in the college's field
 * export, so it stays empty. A `Scholarship_Percentage` that is not 0–100 with at most 2
 * decimals is left out with a warning (it is display data; the rest of the summary still goes).
 * @throws PermanentError naming the field for an amount with more than 10 integer digits.
 */
export function mapFinance(student: ZohoStudent, userId: number): MappedDashboardRecord<'finance'> {
  const warnings: string[] = [];
  const where = (field: string) => `${MODULE} ${student.id}: ${field}`;
  let scholarshippct = pluginPercentage(student.scholarshipPercentage);
  if (scholarshippct === undefined) {
    warnings.push(`${where('Scholarship_Percentage')} is not a percentage 0–100 with at most 2 decimals; left out`);
    scholarshippct = '';
  }
  return {
    record: {
      zohoid: student.id,
      userid: userId,
      scholarship: pluginText(student.scholarship),
      scholarshipreason: '',
      scholarshippct,
      currency: pluginText(student.currency),
      amounttransferred: pluginMoney(student.amountTransferred, where('Amount_Transferred')),
      paymentmethod: pluginText(student.paymentMethod),
      paymentmode: pluginText(student.paymentMode),
      bankname: pluginText(student.bankName),
      bankholder: pluginText(student.bankHolderName),
      registrationfees: pluginMoney(student.registrationFees, where('Registration_Fees')),
      invoiceregfees: pluginText(student.invoiceRegFees),
      totalamount: pluginMoney(student.totalAmount, where('Total_Amount')),
      discountamount: pluginMoney(student.discountAmount, where('Discount_Amount')),
    },
    warnings,
  };
}

/** True when the summary holds nothing to show (every finance field empty). */
export function isEmptyFinance(finance: DashboardFinance): boolean {
  const { zohoid: _zohoid, userid: _userid, ...fields } = finance;
  return Object.values(fields).every((value) => value === '');
}
