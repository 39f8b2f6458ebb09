import { randomUUID } from 'node:crypto';
import t from 'tap';
import { scrape } from '../helpers/scrapeMetrics.ts';
import { startSyncStack } from '../helpers/startSyncStack.ts';
import { waitFor } from '../helpers/waitFor.ts';

/**
 * Prometheus scrapes of the real ingress and worker processes (api/main.ts, worker/main.ts)
 * after a webhook went all the way to Moodle, with a Zoho 429 on the way.
 */
const METRICS_TOKEN = 'e2e-metrics-token-0123456789abcdef01234';

t.test('a scrape of the ingress and of the worker parses, and the counters moved as the sync did', async (t) => {
  const stack = await startSyncStack(t, {
    apiEnv: { METRICS_TOKEN },
    workerEnv: { METRICS_PORT: '0', METRICS_TOKEN },
    logLevel: 'info',
  });
  const listening = await waitFor(
    async () => stack.logs.worker.find((l) => String(l.msg).startsWith('metrics listening')),
    30_000,
    "the worker's metrics port",
  );
  const workerUrl = `http://127.0.0.1:${String(listening.port)}/metrics`;
  t.equal(listening.host, '127.0.0.1', 'loopback by default');
  t.equal((await fetch(workerUrl)).status, 401, 'the worker asks for METRICS_TOKEN too');

  const [studentId] = stack.zoho.seed('BTEC_Students', [
    {
      Name: 'ST-m1',
      First_Name: 'Ada',
      Last_Name: 'Byron',
      Academic_Email: 'ada.m1@college.example',
      Status: 'Active',
    },
  ]);
  stack.zoho.failNext(`BTEC_Students/${studentId!}`, 'http429');
  const eventId = randomUUID();
  const answer = await stack.sendZoho('student', {
    event_id: eventId,
    event_type: 'created',
    module: 'BTEC_Students',
    record_id: studentId,
  });
  t.equal(answer.status, 202);
  t.equal(
    (
      await stack.sendZoho('student', {
        event_id: eventId,
        event_type: 'created',
        module: 'BTEC_Students',
        record_id: studentId,
      })
    ).status,
    200,
  );
  const event = await stack.settled(eventId);
  t.equal(event.status, 'completed', String(event.last_error));

  const ingress = await scrape(`${stack.url}/metrics`, METRICS_TOKEN);
  t.equal(ingress.value('mzsync_webhooks_received_total', { source: 'zoho', entity: 'student', code: '202' }), 1);
  t.equal(ingress.value('mzsync_webhooks_received_total', { source: 'zoho', entity: 'student', code: '200' }), 1);
  t.equal(ingress.value('mzsync_webhook_accept_duration_seconds', { source: 'zoho' }), 2);
  t.equal(ingress.value('mzsync_workers_live'), 1, 'the ingress sees the live worker');
  t.equal(ingress.value('mzsync_database_up'), 1);
  t.notOk(ingress.families.has('mzsync_zoho_requests_total'), "Zoho calls are the worker's");

  // The job's end is emitted just after the event row was written.
  const worker = await waitFor(
    async () => {
      const s = await scrape(workerUrl, METRICS_TOKEN);
      return s.value('mzsync_job_run_duration_seconds', { task: 'zoho_student' }) === 1 ? s : undefined;
    },
    10_000,
    'the job run to be recorded',
  );
  t.equal(worker.value('mzsync_events_finished_total', { kind: 'zoho.student', outcome: 'completed' }), 1);
  t.equal(worker.value('mzsync_job_queue_wait_seconds', { task: 'zoho_student' }), 1);
  const record = 'GET /crm/v8/BTEC_Students/{id}';
  t.equal(worker.value('mzsync_zoho_requests_total', { function: record, outcome: 'rate_limited' }), 1, 'the 429');
  t.ok(worker.value('mzsync_zoho_requests_total', { function: record, outcome: 'ok' })! >= 1, 'then the record');
  t.equal(
    worker.value('mzsync_zoho_request_duration_seconds', { function: record }),
    worker.value('mzsync_zoho_requests_total', { function: record }),
  );
  t.equal(worker.value('mzsync_zoho_token_refreshes_total', { outcome: 'ok' }), 1, 'one token for the whole sync');
  t.ok(
    worker.value('mzsync_moodle_requests_total', { function: 'core_user_create_users', outcome: 'ok' })! >= 1,
    'the Moodle user created',
  );
  t.ok(worker.value('mzsync_moodle_request_duration_seconds')! >= 2);
  t.equal(worker.value('mzsync_workers_live'), 1);
  t.equal(worker.value('mzsync_queue_events', { status: 'pending' }), 0);
  const labels = [...worker.families.values()].flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels)));
  t.notOk(
    labels.some((value) => value.includes(studentId!) || value.includes(eventId)),
    'no record or event ids in labels',
  );
  const text = await (await fetch(workerUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  t.notOk(
    text.includes(stack.zoho.clientSecret) || text.includes(stack.moodle.token) || text.includes(stack.encryptionKey),
    'no secrets exposed',
  );
});
