import t from 'tap';
import { isEmptyFinance, mapFinance } from '../../../../shared/domain/dashboard/mapFinance.ts';
import { pluginPercentage } from '../../../../shared/domain/dashboard/pluginValues.ts';
import { parseZohoRecord } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { IDS, studentRecord } from '../zoho/sampleRecords.ts';

/** A student's finance fields → the plugin's finance summary, keyed by the student's Zoho id. */

const FINANCE = {
  Scholarship: 'Partial Scholarship %',
  Scholarship_Percentage: 25,
  Currency: 'USD',
  Amount_Transferred: 3300,
  Payment_Method: 'Bank Transfer',
  Payment_Mode: 'Installments',
  Bank_Name: 'Example Bank',
  Bank_Holder_Name: 'Leyla Quahog',
  Registration_Fees: '250$',
  Invoice_Reg_Fees: 'INV-77',
  Total_Amount: 4400,
  Discount_Amount: 1100.5,
};
const parse = (edit: Record<string, unknown> = {}) =>
  parseZohoRecord('BTEC_Students', { ...studentRecord(), ...FINANCE, ...edit });

t.test('the finance summary', async (t) => {
  t.same(mapFinance(parse(), 5), {
    record: {
      zohoid: IDS.student,
      userid: 5,
      scholarship: 'Partial Scholarship %',
      scholarshipreason: '',
      scholarshippct: '25',
      currency: 'USD',
      amounttransferred: '3300.00',
      paymentmethod: 'Bank Transfer',
      paymentmode: 'Installments',
      bankname: 'Example Bank',
      bankholder: 'Leyla Quahog',
      registrationfees: '250.00',
      invoiceregfees: 'INV-77',
      totalamount: '4400.00',
      discountamount: '1100.50',
    },
    warnings: [],
  });
});

const PERCENTAGES: [input: number | null, expected: string | undefined][] = [
  [null, ''],
  [0, '0'],
  [12.5, '12.5'],
  [100, '100'],
  [33.33, '33.33'],
  [33.333, undefined],
  [-1, undefined],
  [100.5, undefined],
];
for (const [input, expected] of PERCENTAGES) {
  t.test(`Scholarship_Percentage ${String(input)} → ${JSON.stringify(expected)}`, async (t) =>
    t.equal(pluginPercentage(input), expected),
  );
}

t.test('a percentage the plugin cannot take is left out with a warning; the rest still goes', async (t) => {
  const { record, warnings } = mapFinance(parse({ Scholarship_Percentage: 150 }), 5);
  t.equal(record.scholarshippct, '');
  t.equal(record.totalamount, '4400.00');
  t.same(warnings, [
    `BTEC_Students ${IDS.student}: Scholarship_Percentage is not a percentage 0–100 with at most 2 decimals; left out`,
  ]);
});

t.test('empty: a student without finance data has nothing to show', async (t) => {
  const empty = Object.fromEntries(Object.keys(FINANCE).map((key) => [key, null]));
  t.equal(isEmptyFinance(mapFinance(parse(empty), 5).record), true);
  t.equal(
    isEmptyFinance(mapFinance(parse({ ...empty, Discount_Amount: 0 }), 5).record),
    false,
    'a zero amount is a value',
  );
  t.equal(
    isEmptyFinance(mapFinance(parseZohoRecord('BTEC_Students', studentRecord()), 5).record),
    true,
    'the sample student has no finance fields',
  );
});
