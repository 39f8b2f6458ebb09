import t from 'tap';
import { isVoided, mapPayment } from '../../../../shared/domain/dashboard/mapPayment.ts';
import { parseZohoRecord } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { IDS, paymentRecord } from '../zoho/sampleRecords.ts';

/** BTEC_Payments → the plugin's payment: exact amounts (never floats), voided when not accepted. */

const parse = (edit: Record<string, unknown> = {}) => parseZohoRecord('BTEC_Payments', { ...paymentRecord(), ...edit });

t.test('a payment', async (t) => {
  t.same(mapPayment(parse(), 7), {
    record: {
      zohoid: IDS.payment,
      userid: 7,
      registrationzohoid: IDS.registration,
      paymentnumber: 'PAY-03310',
      paymentdate: '2025-12-20',
      amount: '1699.50',
      currency: 'USD',
      method: 'Bank Transfer',
      paymenttype: 'Study Fees',
      installmentno: 2,
      voucher: 'V-7781',
      note: 'Paid late, approved by finance',
      voided: false,
    },
    warnings: [],
  });
});

const AMOUNTS: [input: unknown, expected: string][] = [
  ['4400$', '4400.00'],
  [4400, '4400.00'],
  [0.1, '0.10'],
  [1699.5, '1699.50'],
  ['1,234,567.89 USD', '1234567.89'],
  [null, ''],
];
for (const [input, expected] of AMOUNTS) {
  t.test(`Payment_Amount ${JSON.stringify(input)} → "${expected}"`, async (t) => {
    t.equal(mapPayment(parse({ Payment_Amount: input }), 1).record.amount, expected);
  });
}

const ACCEPTED: [value: string | null, voided: boolean][] = [
  [null, false],
  ['Yes', false],
  ['Accepted', false],
  ['', false],
  ['No', true],
  [' declined ', true],
  ['CANCELLED', true],
  ['Void', true],
  ['0', true],
  ['false', true],
];
for (const [value, voided] of ACCEPTED) {
  t.test(`SRM_Active ${JSON.stringify(value)} → voided ${voided}`, async (t) => {
    t.equal(isVoided(value), voided);
    t.equal(mapPayment(parse({ SRM_Active: value }), 1).record.voided, voided);
  });
}

t.test('empty lookups and numbers: "" and 0; a negative installment number is none, with a warning', async (t) => {
  t.match(
    mapPayment(parse({ Registration_ID: null, Installment_No: null, Note: null, Payment_Method: '-None-' }), 1).record,
    { registrationzohoid: '', installmentno: 0, note: '', method: '' },
  );
  const negative = mapPayment(parse({ Installment_No: -2 }), 1);
  t.equal(negative.record.installmentno, 0);
  t.same(negative.warnings, [`BTEC_Payments ${IDS.payment}: Installment_No is negative; sent as none`]);
});

t.test('a note with tag-like text or NUL characters is made acceptable to PARAM_TEXT', async (t) => {
  t.equal(mapPayment(parse({ Note: 'see <attached>\0 a < b' }), 1).record.note, 'see < attached> a < b');
});
