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
