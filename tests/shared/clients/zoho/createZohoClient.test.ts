import t from 'tap';
import { startZohoTestSetup } from '../../../helpers/zohoTestSetup.ts';
import { coqlString, createZohoClient, escapeCriteriaValue } from '../../../../shared/clients/zoho/createZohoClient.ts';
import { ZohoDuplicateError } from '../../../../shared/clients/zoho/zohoErrors.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';

const { zoho, tokens, log } = await startZohoTestSetup(t);
const client = createZohoClient({ tokens, log, maxConcurrency: 3, rateLimitBaseDelayMs: 20, timeoutMs: 2000 });

t.test('criteria values and COQL strings are escaped', async (t) => {
  t.equal(escapeCriteriaValue('Burns,B (Jr)\\'), 'Burns\\,B \\(Jr\\)\\\\');
  t.equal(coqlString("O'Brien"), "'O\\'Brien'");
});

t.test('gets one record with its subform, and null for an unknown id', async (t) => {
  const [id] = zoho.seed('BTEC_Grades', [
    { Name: 'G1', Moodle_Grade_Composite_Key: '4_2_1', Learning_Outcomes_Assessm: [{ LO_Code: 'P1', LO_Score: 1 }] },
  ]);
  const record = await client.getRecord('BTEC_Grades', id!);
  t.equal(record?.id, id);
  t.match(record?.Learning_Outcomes_Assessm, [{ LO_Code: 'P1' }]);
  t.equal(await client.getRecord('BTEC_Grades', '5725767000999999999'), null);
});

t.test('lists every record of a module past 2,000, with page tokens', async (t) => {
  zoho.seed(
    'BTEC_Teachers',
    Array.from({ length: 2150 }, (_, i) => ({ Name: `Teacher ${i}`, Email: `t${i}@college.example` })),
  );
  const seen = new Set<string>();
  for await (const record of client.listRecords('BTEC_Teachers', { fields: ['Name', 'Email'] })) seen.add(record.id);
  t.equal(seen.size, 2150);
  t.ok(
    zoho.calls.some((c) => c.path.endsWith('/BTEC_Teachers') && c.query.page_token),
    'used page_token after page 10',
  );
  t.ok(zoho.calls.filter((c) => c.path.endsWith('/BTEC_Teachers')).every((c) => Number(c.query.per_page) <= 200));
});

t.test('COQL finds exact matches at once; search matches like contains and lags behind writes', async (t) => {
  zoho.setIndexLagMs(60_000);
  t.teardown(() => zoho.setIndexLagMs(0));
  const { id } = await client.insertOne('BTEC_Students', {
    Name: 'Ann Lee',
    Academic_Email: 'ann.lee@college.example',
  });
  const exact = await client.coql(
    `select id, Academic_Email from BTEC_Students where Academic_Email = ${coqlString('ann.lee@college.example')}`,
  );
  t.same(
    exact.map((r) => r.id),
    [id],
  );
  t.same(
    await client.coql(`select id from BTEC_Students where Academic_Email = ${coqlString('nobody@college.example')}`),
    [],
    '204 → []',
  );
  t.same(
    await client.search('BTEC_Students', [['Academic_Email', 'equals', 'ann.lee@college.example']]),
    [],
    'not indexed yet',
  );
  zoho.setIndexLagMs(0);
  const found = await client.search('BTEC_Students', [['Name', 'equals', 'Ann']]);
  t.ok(
    found.some((r) => r.id === id),
    '"equals" matched a part of the name',
  );
});

t.test('writes send "trigger": [] and read every per-record result', async (t) => {
  const outcomes = await client.insert('BTEC_Students', [{ Name: 'A' }, { Name: 'B' }]);
  t.ok(outcomes.every((o) => o.ok && o.action === 'insert'));
  const write = zoho.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/BTEC_Students')).at(-1);
  t.same((write?.body as { trigger?: unknown }).trigger, [], 'no workflow fired by our own writes');
  const ids = outcomes.map((o) => (o.ok ? o.id : ''));
  const updated = await client.update('BTEC_Students', [
    { id: ids[0]!, Name: 'A2' },
    { id: '5725767000888888888', Name: 'ghost' },
  ]);
  t.same(
    updated.map((o) => o.ok),
    [true, false],
    'a 2xx carried a per-record error',
  );
  t.ok(!updated[1]!.ok && updated[1]!.error instanceof PermanentError);
  t.equal(zoho.record('BTEC_Students', ids[0]!)?.Name, 'A2');
});

t.test('batches of more than 100 records are split', async (t) => {
  const before = zoho.calls.length;
  const outcomes = await client.insert(
    'BTEC_Teachers',
    Array.from({ length: 250 }, (_, i) => ({ Name: `Batch ${i}` })),
  );
  t.equal(outcomes.length, 250);
  t.ok(outcomes.every((o) => o.ok));
  t.equal(zoho.calls.slice(before).filter((c) => c.method === 'POST').length, 3);
});

t.test('DUPLICATE_DATA carries the existing record id; upsert on the unique field updates it', async (t) => {
  zoho.setUniqueFields('BTEC_Grades', ['Moodle_Grade_Composite_Key']);
  const first = await client.insertOne('BTEC_Grades', { Name: 'G', Moodle_Grade_Composite_Key: '5_2_1', Grade: 'P' });
  const error = await client
    .insertOne('BTEC_Grades', { Name: 'G', Moodle_Grade_Composite_Key: '5_2_1', Grade: 'M' })
    .catch((e: unknown) => e);
  t.ok(error instanceof ZohoDuplicateError);
  t.equal((error as ZohoDuplicateError).existingId, first.id);
  t.equal((error as ZohoDuplicateError).field, 'Moodle_Grade_Composite_Key');
  const upserted = await client.upsertOne('BTEC_Grades', { Moodle_Grade_Composite_Key: '5_2_1', Grade: 'D' }, [
    'Moodle_Grade_Composite_Key',
  ]);
  t.same(upserted, { id: first.id, action: 'update' });
  t.equal(zoho.record('BTEC_Grades', first.id)?.Grade, 'D');
});

t.test("a missing mandatory field is a permanent error with Zoho's code", async (t) => {
  zoho.setMandatoryFields('BTEC_Payments', ['Registration_ID']);
  await t.rejects(client.insertOne('BTEC_Payments', { Name: 'P' }), { code: 'zoho.mandatory_not_found' });
});

t.test('replacing a subform deletes the old rows and keeps only the new ones', async (t) => {
  const [id] = zoho.seed('BTEC_Grades', [
    { Name: 'S', Learning_Outcomes_Assessm: [{ LO_Code: 'P1' }, { LO_Code: 'P2' }] },
  ]);
  await client.replaceSubform('BTEC_Grades', id!, 'Learning_Outcomes_Assessm', [{ LO_Code: 'M1', LO_Score: 1 }]);
  const rows = zoho.record('BTEC_Grades', id!)?.Learning_Outcomes_Assessm as { LO_Code: string }[];
  t.same(
    rows.map((r) => r.LO_Code),
    ['M1'],
  );
});

t.test('a 429 storm is ridden out without exceeding the concurrency cap', async (t) => {
  const [id] = zoho.seed('BTEC_Students', [{ Name: 'Storm' }]);
  zoho.failNext('*', 'http429', { times: 15 });
  zoho.maxConcurrent = 0; // count this storm only
  zoho.setLatency(20);
  t.teardown(() => zoho.setLatency(0));
  const results = await Promise.all(Array.from({ length: 12 }, () => client.getRecord('BTEC_Students', id!)));
  t.ok(
    results.every((r) => r?.id === id),
    'every call got through',
  );
  t.ok(zoho.maxConcurrent <= 3, `at most 3 calls in flight (saw ${zoho.maxConcurrent})`);
});

t.test('transient failures are RetryableErrors: 500, exhausted credits, timeouts', async (t) => {
  const [id] = zoho.seed('BTEC_Students', [{ Name: 'Flaky' }]);
  for (const [kind, code] of [
    ['http500', 'zoho.unavailable'],
    ['credits_exhausted', 'zoho.credits_exhausted'],
  ] as const) {
    zoho.failNext('*', kind);
    const error = await client.getRecord('BTEC_Students', id!).catch((e: unknown) => e);
    t.ok(error instanceof RetryableError, kind);
    t.equal((error as RetryableError).code, code, kind);
  }
  const quick = createZohoClient({ tokens, log, timeoutMs: 300 });
  zoho.failNext('*', 'timeout');
  await t.rejects(quick.getRecord('BTEC_Students', id!), { code: 'zoho.timeout' });
  // One call and its 4 backoff retries: exactly the storm's length, so nothing is left over.
  zoho.failNext('*', 'http429', { times: 5 });
  const patient = createZohoClient({ tokens, log, rateLimitBaseDelayMs: 1 });
  await t.rejects(
    patient.getRecord('BTEC_Students', id!),
    { code: 'zoho.rate_limited' },
    'a storm longer than our backoff goes back to the job queue',
  );
});

t.test('an unreachable API is a RetryableError zoho.network', async (t) => {
  const { createServer } = await import('node:http');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  const offline = createZohoClient({ tokens, log, apiUrl: `http://127.0.0.1:${port}` });
  await t.rejects(offline.getRecord('BTEC_Students', '5725767000000000001'), { code: 'zoho.network' });
});

t.test('OAuth scope problems are configuration errors', async (t) => {
  zoho.failNext('*', 'invalid_token', { times: 2 });
  await t.rejects(
    client.getRecord('BTEC_Students', '5725767000000000001'),
    { code: 'zoho.invalid_token' },
    'still refused after one refresh',
  );
});

t.test('per-record codes of Zoho trouble are retryable; codes about the data are permanent', async (t) => {
  const { toOutcome } = await import('../../../../shared/clients/zoho/createZohoClient.ts');
  const { PermanentError, RetryableError } = await import('../../../../shared/domain/errors.ts');
  for (const code of ['INTERNAL_ERROR', 'DEPENDENT_SERVICE_ERROR', 'RECORD_LOCKED']) {
    const outcome = toOutcome('insert', 'BTEC_Grades', { code, status: 'error', message: 'x', details: {} }, 0);
    t.ok(!outcome.ok && outcome.error instanceof RetryableError, `${code} is retried`);
  }
  for (const code of ['MANDATORY_NOT_FOUND', 'INVALID_DATA', 'PATTERN_NOT_MATCHED']) {
    const outcome = toOutcome('insert', 'BTEC_Grades', { code, status: 'error', message: 'x', details: {} }, 0);
    t.ok(
      !outcome.ok && outcome.error instanceof PermanentError && !(outcome.error instanceof RetryableError),
      `${code} is permanent`,
    );
  }
});
