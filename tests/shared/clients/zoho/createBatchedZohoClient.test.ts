import t from 'tap';
import { startZohoTestSetup } from '../../../helpers/zohoTestSetup.ts';
import { createBatchedZohoClient, listedKey } from '../../../../shared/clients/zoho/createBatchedZohoClient.ts';
import type { ZohoRecord } from '../../../../shared/clients/zoho/createZohoClient.ts';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import { ZohoRecordError } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { studentRecord, teacherRecord } from '../../domain/zoho/sampleRecords.ts';

const { zoho, client } = await startZohoTestSetup(t);

/** GETs of one record's own path (`/crm/v8/<module>/<id>`) since call index `since`. */
const recordReads = (module: string, id: string, since = 0) =>
  zoho.calls.slice(since).filter((c) => c.method === 'GET' && c.path === `/crm/v8/${module}/${id}`).length;
/** The PUTs to a module since call index `since`, with the records each carried. */
const updatesOf = (module: string, since = 0) =>
  zoho.calls
    .slice(since)
    .filter((c) => c.method === 'PUT' && c.path === `/crm/v8/${module}`)
    .map((c) => (c.body as { data: ZohoRecord[] }).data);
/** The raw record as Zoho stores it (what the bulk listing holds). */
const raw = (module: string, id: string) => zoho.record(module, id) as ZohoRecord;
/** The error a promise rejects with (fails the test when it resolves). */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );

t.test('a listed record is returned validated, as a fetch returns it, without a GET of the record', async (t) => {
  const [id] = zoho.seed('BTEC_Students', [studentRecord()]);
  const fetched = await client.fetchRecordChecked('BTEC_Students', id!);
  const listed = new Map([[listedKey('BTEC_Students', id!), raw('BTEC_Students', id!)]]);
  const batched = createBatchedZohoClient(client, listed);
  const before = zoho.calls.length;
  const checked = await batched.fetchRecordChecked('BTEC_Students', id!);
  t.same(checked, fetched, 'the same typed record and warnings as a fetch');
  const student = await batched.fetchRecord('BTEC_Students', id!);
  t.equal(student?.id, id);
  t.equal(student?.academicEmail, 'leyla.quahog@students.college.example');
  t.equal(recordReads('BTEC_Students', id!, before), 0, 'no GET of the record');
});

t.test('the listing is what is read: the listed version wins over a later one in Zoho', async (t) => {
  const [id] = zoho.seed('BTEC_Students', [studentRecord()]);
  const listedVersion = { ...raw('BTEC_Students', id!), Academic_Email: 'listed.version@students.college.example' };
  const batched = createBatchedZohoClient(client, new Map([[listedKey('BTEC_Students', id!), listedVersion]]));
  const before = zoho.calls.length;
  t.equal((await batched.fetchRecord('BTEC_Students', id!))?.academicEmail, 'listed.version@students.college.example');
  // A listed record need not be in Zoho any more either: nothing asks Zoho.
  const gone = { ...studentRecord(), id: '5843210000000077777' } as ZohoRecord;
  const withGone = createBatchedZohoClient(client, new Map([[listedKey('BTEC_Students', gone.id), gone]]));
  t.equal((await withGone.fetchRecord('BTEC_Students', gone.id))?.id, gone.id);
  t.equal(recordReads('BTEC_Students', id!, before) + recordReads('BTEC_Students', gone.id, before), 0);
});

t.test('an invalid listed record throws the same ZohoRecordError a fetch would', async (t) => {
  const [id] = zoho.seed('BTEC_Students', [{ ...studentRecord(), Academic_Email: 'not-an-email' }]);
  const fetchError = await failure(client.fetchRecord('BTEC_Students', id!));
  t.ok(fetchError instanceof ZohoRecordError, 'a fetch: ZohoRecordError');
  const batched = createBatchedZohoClient(
    client,
    new Map([[listedKey('BTEC_Students', id!), raw('BTEC_Students', id!)]]),
  );
  const before = zoho.calls.length;
  for (const read of [
    () => batched.fetchRecord('BTEC_Students', id!),
    () => batched.fetchRecordChecked('BTEC_Students', id!),
  ]) {
    const error = await failure(read());
    t.ok(error instanceof ZohoRecordError);
    t.equal((error as Error).message, (fetchError as Error).message, 'the same message, naming the field');
    t.match((error as Error).message, /Academic_Email/);
    t.notMatch((error as Error).message, /not-an-email/, 'not its value');
  }
  t.equal(recordReads('BTEC_Students', id!, before), 0, 'still no GET');
});

t.test('a listed record with a value a setting decides and the org does not list fails as a fetch does', async (t) => {
  const [id] = zoho.seed('BTEC_Students', [{ ...studentRecord(), Status: 'On Sabbatical' }]);
  const fetchError = await failure(client.fetchRecord('BTEC_Students', id!));
  t.match(fetchError, { code: 'zoho.unknown_picklist_value' });
  const batched = createBatchedZohoClient(
    client,
    new Map([[listedKey('BTEC_Students', id!), raw('BTEC_Students', id!)]]),
  );
  const error = await failure(batched.fetchRecord('BTEC_Students', id!));
  t.ok(error instanceof PermanentError);
  t.equal((error as PermanentError).code, 'zoho.unknown_picklist_value');
  t.equal((error as Error).message, (fetchError as Error).message);
});

t.test('an id that is not listed is fetched; an unknown one is null', async (t) => {
  const [listedId, unlistedId] = zoho.seed('BTEC_Students', [
    studentRecord(),
    { ...studentRecord(), id: '5843210000001234568', Name: 'ST-2026-0043' },
  ]);
  const batched = createBatchedZohoClient(
    client,
    new Map([
      [listedKey('BTEC_Students', listedId!), raw('BTEC_Students', listedId!)],
      // Listed under another module: not an answer for BTEC_Students.
      [listedKey('BTEC_Teachers', unlistedId!), { ...teacherRecord(), id: unlistedId! } as ZohoRecord],
    ]),
  );
  const before = zoho.calls.length;
  const fetched = await batched.fetchRecordChecked('BTEC_Students', unlistedId!);
  t.equal(fetched.record?.id, unlistedId);
  t.equal(fetched.record?.studentNumber, 'ST-2026-0043', 'the record Zoho has');
  t.not(listedId, unlistedId);
  t.equal(recordReads('BTEC_Students', unlistedId!, before), 1, 'one GET of the unlisted record');
  t.equal(await batched.fetchRecord('BTEC_Students', '5843210000000009999'), null, 'unknown: null');
  t.equal(recordReads('BTEC_Students', '5843210000000009999', before), 1);
  t.equal((await batched.fetchRecord('BTEC_Students', listedId!))?.id, listedId);
  t.equal(recordReads('BTEC_Students', listedId!, before), 0, 'the listed one still not fetched');
});

t.test('10 concurrent updateOne on one module: one PUT with the 10 records, each caller its own result', async (t) => {
  const ids = zoho.seed(
    'BTEC_Students',
    Array.from({ length: 10 }, (_, i) => ({ Name: `ST-${i}`, Student_Moodle_ID: '' })),
  );
  const batched = createBatchedZohoClient(client, new Map());
  const before = zoho.calls.length;
  const results = await Promise.all(
    ids.map((id, i) => batched.updateOne('BTEC_Students', { id, Student_Moodle_ID: String(100 + i) })),
  );
  t.same(
    results,
    ids.map((id) => ({ id, action: 'update' })),
    'each caller {id, action} of its own record',
  );
  const puts = updatesOf('BTEC_Students', before);
  t.equal(puts.length, 1, 'one PUT');
  t.same(
    puts[0]!.map((r) => r.id),
    ids,
    'with the 10 records, in the callers’ order',
  );
  for (const [i, id] of ids.entries())
    t.equal(zoho.record('BTEC_Students', id)?.Student_Moodle_ID, String(100 + i), `record ${i} written`);
});

t.test('a record Zoho refuses rejects only its own caller, with the error a call of its own gives', async (t) => {
  const ids = zoho.seed(
    'BTEC_Students',
    Array.from({ length: 4 }, (_, i) => ({ Name: `ST-${i}` })),
  );
  const ghost = '5725767000888888888';
  const alone = await failure(client.updateOne('BTEC_Students', { id: ghost, Name: 'ghost' }));
  t.ok(alone instanceof PermanentError, 'alone: a permanent error');

  const batched = createBatchedZohoClient(client, new Map());
  const before = zoho.calls.length;
  const outcomes = await Promise.allSettled([
    batched.updateOne('BTEC_Students', { id: ids[0]!, Name: 'Renamed 0' }),
    batched.updateOne('BTEC_Students', { id: ids[1]!, Name: 'Renamed 1' }),
    batched.updateOne('BTEC_Students', { id: ghost, Name: 'ghost' }),
    batched.updateOne('BTEC_Students', { id: ids[2]!, Name: 'Renamed 2' }),
    batched.updateOne('BTEC_Students', { id: ids[3]!, Name: 'Renamed 3' }),
  ]);
  t.same(
    outcomes.map((o) => o.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  const refused = outcomes[2]!;
  t.ok(refused.status === 'rejected' && refused.reason instanceof PermanentError);
  t.equal(
    refused.status === 'rejected' && (refused.reason as PermanentError).code,
    (alone as PermanentError).code,
    `the same code (${(alone as PermanentError).code})`,
  );
  t.same(outcomes[3], { status: 'fulfilled', value: { id: ids[2], action: 'update' } });
  t.equal(updatesOf('BTEC_Students', before).length, 1, 'still one PUT for the five');
  for (const [i, id] of ids.entries()) t.equal(zoho.record('BTEC_Students', id)?.Name, `Renamed ${i}`);
});

t.test('updates of two modules go in one PUT per module; more than 100 records are split', async (t) => {
  const students = zoho.seed(
    'BTEC_Students',
    Array.from({ length: 150 }, (_, i) => ({ Name: `ST-${i}` })),
  );
  const teachers = zoho.seed(
    'BTEC_Teachers',
    Array.from({ length: 3 }, (_, i) => ({ Name: `Teacher ${i}` })),
  );
  const batched = createBatchedZohoClient(client, new Map());
  const before = zoho.calls.length;
  const results = await Promise.all([
    ...students.map((id) => batched.updateOne('BTEC_Students', { id, Synced_to_Moodle: true })),
    ...teachers.map((id) => batched.updateOne('BTEC_Teachers', { id, Teacher_Moodle_ID: '77' })),
  ]);
  t.same(
    results.map((r) => r.id),
    [...students, ...teachers],
  );
  t.same(
    updatesOf('BTEC_Students', before).map((records) => records.length),
    [100, 50],
    'the students in two PUTs: 100, then the other 50',
  );
  t.same(
    updatesOf('BTEC_Teachers', before).map((records) => records.map((r) => r.id)),
    [teachers],
    'the teachers in one PUT of their own',
  );
  t.equal(zoho.record('BTEC_Teachers', teachers[2]!)?.Teacher_Moodle_ID, '77');
  t.equal(zoho.record('BTEC_Students', students[149]!)?.Synced_to_Moodle, true);
});

t.test('everything else goes straight through to the client', async (t) => {
  const batched = createBatchedZohoClient(client, new Map());
  const { id } = await batched.insertOne('BTEC_Teachers', { Name: 'Direct' });
  t.equal(zoho.record('BTEC_Teachers', id)?.Name, 'Direct');
  t.equal((await batched.getRecord('BTEC_Teachers', id))?.id, id);
  t.equal(batched.fieldMappings, client.fieldMappings);
});
