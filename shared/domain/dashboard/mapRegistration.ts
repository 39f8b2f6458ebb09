import { PermanentError } from '../errors.ts';
import type { ZohoRegistration } from '../zoho/zohoRecordSchemas.ts';
import type { DashboardInstallment, MappedDashboardRecord } from './dashboardRecords.ts';
import { pluginMoney, pluginText } from './pluginValues.ts';

const MODULE = 'BTEC_Registrations';

/**
 * A BTEC_Registrations record → the plugin's registration with its complete installment
 * schedule (`Payment_Schedule`, in Zoho's order). `Program_Price` is Zoho text ("4400$"),
 * already parsed to an exact amount; the dashboard's total is the sum of the installments.
 * An installment without `Installment_No` is numbered by its position in the schedule.
 * @throws PermanentError naming the record and field: an installment number below 1 or
 * repeated, an amount with more than 10 integer digits.
 */
export function mapRegistration(registration: ZohoRegistration, userId: number): MappedDashboardRecord<'registration'> {
  const where = (field: string) => `${MODULE} ${registration.id}: ${field}`;
  const installments: DashboardInstallment[] = registration.paymentSchedule.map((row, index) => {
    const installmentno = row.installmentNumber ?? index + 1;
    if (installmentno < 1)
      throw new PermanentError(
        'dashboard.invalid_installment',
        `${where(`Payment_Schedule[${index}].Installment_No`)} is below 1`,
      );
    return {
      installmentno,
      duedate: row.dueDate ?? '',
      amount: pluginMoney(row.amount, where(`Payment_Schedule[${index}].Installment_Amount`)),
      status: pluginText(row.status),
      paiddate: row.paidDate ?? '',
    };
  });
  const numbers = installments.map((i) => i.installmentno);
  const repeated = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new PermanentError(
      'dashboard.invalid_installment',
      `${where('Payment_Schedule')} has installment number ${repeated} more than once`,
    );
  }
  return {
    record: {
      zohoid: registration.id,
      userid: userId,
      programname: pluginText(registration.program?.name),
      registrationdate: registration.registrationDate ?? '',
      status: registration.registrationStatus ?? '',
      studymode: registration.studyMode ?? '',
      currency: registration.currency ?? '',
      programprice: pluginMoney(registration.programPrice, where('Program_Price')),
      installments,
    },
    warnings: [],
  };
}
