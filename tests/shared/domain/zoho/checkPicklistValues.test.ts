import t from 'tap';
import { checkPicklistValues } from '../../../../shared/domain/zoho/checkPicklistValues.ts';
import { ZOHO_FIELD_MAPPINGS } from '../../../../shared/domain/zoho/fieldMappings.ts';

/**
 * Picklist values against the org's lists: unknown values are kept and reported; only a field
 * whose meaning a setting decides stops the event, naming the field, the value and the setting.
 */

const payment = { id: '5725767000000000101', method: 'Card', currency: 'USD', paymentType: null };

t.test('a value the org lists is fine, though the shipped list lacks it', async (t) => {
  const org = new Map([['Payment_Method', ['Cash', 'Bank Transfer', 'Card']]]);
  t.same(checkPicklistValues('BTEC_Payments', ZOHO_FIELD_MAPPINGS.BTEC_Payments, payment, org), {
    warnings: [],
    undecided: [],
  });
});

t.test('an unknown value is kept with a warning naming the field and the value', async (t) => {
  const org = new Map([['Payment_Method', ['Cash', 'Bank Transfer']]]);
  const check = checkPicklistValues('BTEC_Payments', ZOHO_FIELD_MAPPINGS.BTEC_Payments, payment, org);
  t.same(check.undecided, []);
  t.same(check.warnings, [
    `BTEC_Payments ${payment.id}: Payment_Method "Card" is not one of the org's values; kept as it is`,
  ]);
});

t.test("without the org's lists the shipped ones are the reference, and the warning says so", async (t) => {
  const check = checkPicklistValues('BTEC_Payments', ZOHO_FIELD_MAPPINGS.BTEC_Payments, payment, undefined);
  t.match(check.warnings, [
    /Payment_Method "Card" is not one of the values this service ships with \(the org's list could not be read\)/,
  ]);
  // Currency is listed by the mapping (USD is in it): no warning for it.
  t.equal(check.warnings.length, 1);
});

t.test('a decided field (a setting gives the values their meaning) reports the setting instead', async (t) => {
  const student = { id: '5725767000000000001', status: 'On Leave', gender: null, major: null };
  const check = checkPicklistValues(
    'BTEC_Students',
    ZOHO_FIELD_MAPPINGS.BTEC_Students,
    student,
    new Map([['Status', ['Active', 'Passive']]]),
  );
  t.same(check.undecided, [{ field: 'Status', value: 'On Leave', setting: 'students.suspend_when_status' }]);
  t.same(check.warnings, []);
  const known = checkPicklistValues(
    'BTEC_Students',
    ZOHO_FIELD_MAPPINGS.BTEC_Students,
    student,
    new Map([['Status', ['Active', 'On Leave']]]),
  );
  t.same(known, { warnings: [], undecided: [] }, "a status the org has is decided by the setting's list, not refused");
  const cls = checkPicklistValues(
    'BTEC_Classes',
    ZOHO_FIELD_MAPPINGS.BTEC_Classes,
    { id: '1', status: 'Running' },
    undefined,
  );
  t.same(cls.undecided, [{ field: 'Class_Status', value: 'Running', setting: 'classes.create_when_status' }]);
});

t.test('null values, fields without a list anywhere, and subform columns', async (t) => {
  const student = { id: '5725767000000000001', status: null, nationality: 'Anywhere' };
  t.same(
    checkPicklistValues('BTEC_Students', ZOHO_FIELD_MAPPINGS.BTEC_Students, student, undefined),
    { warnings: [], undecided: [] },
    'Nationality has no shipped list: unchecked without the org',
  );
  t.match(
    checkPicklistValues(
      'BTEC_Students',
      ZOHO_FIELD_MAPPINGS.BTEC_Students,
      student,
      new Map([['Nationality', ['Turkish']]]),
    ).warnings,
    [/Nationality "Anywhere" is not one of the org's values/],
    "with the org's list it is checked",
  );
  const mapping = {
    rows: {
      apiName: 'Rows',
      type: 'subform',
      subform: { kind: { apiName: 'Kind', type: 'picklist', picklist: ['A', 'B'] } },
    },
  } as const;
  t.match(
    checkPicklistValues(
      'X',
      mapping,
      {
        id: '9',
        rows: [
          { id: '1', kind: 'A' },
          { id: '2', kind: 'C' },
        ],
      },
      undefined,
    ).warnings,
    [/X 9: Rows\[1\]\.Kind "C"/],
  );
});
