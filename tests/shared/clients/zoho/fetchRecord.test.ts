import t from 'tap';
import { startZohoTestSetup } from '../../../helpers/zohoTestSetup.ts';
import { createZohoClient } from '../../../../shared/clients/zoho/createZohoClient.ts';
import { withFieldOverrides, ZOHO_FIELD_MAPPINGS } from '../../../../shared/domain/zoho/fieldMappings.ts';
import { ZohoRecordError } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { studentRecord } from '../../domain/zoho/sampleRecords.ts';

const { zoho, tokens, log } = await startZohoTestSetup(t);

t.test('fetchRecord returns the typed student, and null once it is deleted in Zoho', async (t) => {
  const client = createZohoClient({ tokens, log });
  const [id] = zoho.seed('BTEC_Students', [studentRecord()]);
  const student = await client.fetchRecord('BTEC_Students', id!);
  t.equal(student?.id, id);
  t.equal(student?.academicEmail, 'leyla.quahog@students.college.example');
  t.equal(await client.fetchRecord('BTEC_Students', '5843210000000009999'), null);
});

t.test('a record that fails its schema is a permanent error naming the field, not its value', async (t) => {
  const client = createZohoClient({ tokens, log });
  const [id] = zoho.seed('BTEC_Students', [{ ...studentRecord(), Academic_Email: 'not-an-email' }]);
  const error = await client.fetchRecord('BTEC_Students', id!).catch((e: unknown) => e);
  t.ok(error instanceof ZohoRecordError);
  t.match((error as Error).message, /Academic_Email/);
  t.notMatch((error as Error).message, /not-an-email/);
});

t.test("another college's field names are read through overrides", async (t) => {
  const mappings = withFieldOverrides(ZOHO_FIELD_MAPPINGS, { BTEC_Students: { academicEmail: 'College_Email' } });
  const client = createZohoClient({ tokens, log, fieldMappings: mappings });
  const { Academic_Email: _dropped, ...rest } = studentRecord();
  const [id] = zoho.seed('BTEC_Students', [{ ...rest, College_Email: 'other@college.example' }]);
  t.equal((await client.fetchRecord('BTEC_Students', id!))?.academicEmail, 'other@college.example');
});

t.test(
  "picklist values are checked against the org's lists, read from Zoho's fields metadata and cached",
  async (t) => {
    const client = createZohoClient({ tokens, log });
    const [payment] = zoho.seed('BTEC_Payments', [{ Name: 'PAY-1', Payment_Amount: 100, Payment_Method: 'Card' }]);
    const metadataReads = () =>
      zoho.calls.filter((c) => c.path === '/crm/v8/settings/fields' && c.query.module === 'BTEC_Payments').length;
    const before = metadataReads();

    // The college added "Card" after the export the service ships with: unknown, kept, a warning.
    const first = await client.fetchRecordChecked('BTEC_Payments', payment!);
    t.equal(first.record?.method, 'Card', 'the value is kept');
    t.same(first.warnings, [
      `BTEC_Payments ${payment}: Payment_Method "Card" is not one of the org's values; kept as it is`,
    ]);
    t.equal(metadataReads() - before, 1, 'the lists were read once; an early re-read waits for the refresh interval');

    // Once the org lists it, a client whose cache is fresh knows it at its first read.
    zoho.orgFields.addPicklistValue('BTEC_Payments', 'Payment_Method', 'Card');
    const fresh = createZohoClient({ tokens, log });
    t.same((await fresh.fetchRecordChecked('BTEC_Payments', payment!)).warnings, []);
    await fresh.fetchRecordChecked('BTEC_Payments', payment!);
    t.equal(metadataReads() - before, 2, 'one read per client and module while cached');
  },
);

t.test('an unknown value of a field a setting decides fails the event, naming field, value and setting', async (t) => {
  const client = createZohoClient({ tokens, log });
  const [id] = zoho.seed('BTEC_Students', [{ ...studentRecord(), Status: 'On Leave' }]);
  const error = await client.fetchRecord('BTEC_Students', id!).catch((e: unknown) => e);
  t.match(error, {
    code: 'zoho.unknown_picklist_value',
    message:
      /Status "On Leave" is a value the org's field does not list, and students\.suspend_when_status decides what its values mean/,
  });
  zoho.orgFields.addPicklistValue('BTEC_Students', 'Status', 'On Leave');
  const student = await createZohoClient({ tokens, log }).fetchRecord('BTEC_Students', id!);
  t.equal(student?.status, 'On Leave', 'once the org has the value, the setting decides what it means');
});

t.test(
  'unreadable metadata (no ZohoCRM.settings.fields.READ): the shipped lists stand in, logged once, no event fails',
  async (t) => {
    zoho.orgFields.setReadable(false);
    t.teardown(() => zoho.orgFields.setReadable(true));
    const client = createZohoClient({ tokens, log });
    const [id] = zoho.seed('BTEC_Payments', [{ Name: 'PAY-2', Payment_Amount: 5, Payment_Method: 'Voucher' }]);
    const read = await client.fetchRecordChecked('BTEC_Payments', id!);
    t.match(read.warnings, [
      /Payment_Method "Voucher" is not one of the values this service ships with \(the org's list could not be read\)/,
    ]);
    const [ok] = zoho.seed('BTEC_Payments', [{ Name: 'PAY-3', Payment_Amount: 5, Payment_Method: 'Cash' }]);
    t.same((await client.fetchRecordChecked('BTEC_Payments', ok!)).warnings, [], 'a shipped value is fine');
  },
);
