import t from 'tap';
import { mapRegistration } from '../../../../shared/domain/dashboard/mapRegistration.ts';
import { studentOf } from '../../../../shared/domain/dashboard/studentOf.ts';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import { parseZohoRecord } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { IDS, registrationRecord } from '../zoho/sampleRecords.ts';

/** BTEC_Registrations → the plugin's registration: exact amounts from text, the complete installment schedule. */

const parse = (edit: Record<string, unknown> = {}) =>
  parseZohoRecord('BTEC_Registrations', { ...registrationRecord(), ...edit });

t.test('a registration with its schedule', async (t) => {
  t.same(mapRegistration(parse(), 42), {
    record: {
      zohoid: IDS.registration,
      userid: 42,
      programname: 'HND in Computing',
      registrationdate: '2025-09-01',
      status: 'Active',
      studymode: 'Online',
      currency: 'USD',
      programprice: '4400.00',
      installments: [
        { installmentno: 1, duedate: '2025-09-15', amount: '1500.00', status: 'Paid', paiddate: '2025-09-10' },
        { installmentno: 2, duedate: '2025-12-15', amount: '1699.50', status: 'Paid', paiddate: '2025-12-20' },
        { installmentno: 3, duedate: '2026-03-15', amount: '1200.50', status: 'Pending', paiddate: '' },
      ],
    },
    warnings: [],
  });
});

const ROW = { id: '1', Due_Date: null, Installment_Status: null, Paid_Date: null };
const PRICE_CASES: [text: unknown, expected: string][] = [
  ['4400$', '4400.00'],
  ['$4,400.50', '4400.50'],
  ['EUR 99.9', '99.90'],
  [4400, '4400.00'],
  [null, ''],
  ['', ''],
  ['-12.5 TL', '-12.50'],
];
for (const [text, expected] of PRICE_CASES) {
  t.test(`Program_Price ${JSON.stringify(text)} → "${expected}"`, async (t) => {
    t.equal(mapRegistration(parse({ Program_Price: text }), 1).record.programprice, expected);
  });
}

t.test('empty fields become "" and an empty schedule []', async (t) => {
  const { record } = mapRegistration(
    parse({
      Program: null,
      Registration_Date: null,
      Registration_Status: '-None-',
      Study_Mode: null,
      Currency: null,
      Payment_Schedule: null,
    }),
    1,
  );
  t.match(record, { programname: '', registrationdate: '', status: '', studymode: '', currency: '', installments: [] });
});

t.test('installment numbers: by position when missing; below 1 or repeated is refused, naming the field', async (t) => {
  const numbered = mapRegistration(
    parse({
      Payment_Schedule: [
        { ...ROW, Installment_No: null, Installment_Amount: 10 },
        { ...ROW, id: '2', Installment_No: null, Installment_Amount: '20$' },
      ],
    }),
    1,
  );
  t.same(
    numbered.record.installments.map((i) => [i.installmentno, i.amount]),
    [
      [1, '10.00'],
      [2, '20.00'],
    ],
  );
  t.throws(
    () => mapRegistration(parse({ Payment_Schedule: [{ ...ROW, Installment_No: 0, Installment_Amount: 1 }] }), 1),
    new PermanentError(
      'dashboard.invalid_installment',
      `BTEC_Registrations ${IDS.registration}: Payment_Schedule[0].Installment_No is below 1`,
    ),
  );
  t.throws(
    () =>
      mapRegistration(
        parse({
          Payment_Schedule: [
            { ...ROW, Installment_No: 2 },
            { ...ROW, id: '2', Installment_No: null },
            { ...ROW, id: '3', Installment_No: null },
          ],
        }),
        1,
      ),
    {
      code: 'dashboard.invalid_installment',
      message: `BTEC_Registrations ${IDS.registration}: Payment_Schedule has installment number 2 more than once`,
    },
  );
});

t.test(
  'an amount the plugin cannot store (more than 10 integer digits) is refused naming the field, not the value',
  async (t) => {
    t.throws(
      () =>
        mapRegistration(
          parse({ Payment_Schedule: [{ ...ROW, Installment_No: 1, Installment_Amount: '12345678901' }] }),
          1,
        ),
      {
        code: 'dashboard.amount_too_large',
        message: `BTEC_Registrations ${IDS.registration}: Payment_Schedule[0].Installment_Amount has more than 10 integer digits; the dashboard stores at most 9999999999.99`,
      },
    );
    t.equal(mapRegistration(parse({ Program_Price: '9999999999.99' }), 1).record.programprice, '9999999999.99');
  },
);

t.test(
  'a text with something that looks like a tag is neutralised (PARAM_TEXT would refuse the whole call)',
  async (t) => {
    t.equal(
      mapRegistration(parse({ Program: { id: IDS.program, name: 'HND <Computing>' } }), 1).record.programname,
      'HND < Computing>',
    );
  },
);

t.test('the student: missing Student_ID is a permanent error naming the record and field', async (t) => {
  t.equal(studentOf('BTEC_Registrations', IDS.registration, 'Student_ID', parse().student), IDS.student);
  t.throws(() => studentOf('BTEC_Registrations', IDS.registration, 'Student_ID', parse({ Student_ID: null }).student), {
    code: 'dashboard.no_student',
    message: `BTEC_Registrations ${IDS.registration}: Student_ID is empty; the dashboard shows a record only to its student`,
  });
});
