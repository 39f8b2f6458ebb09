import t from 'tap';
import { Gauge, Registry } from 'prom-client';
import { sql } from 'slonik';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { readQueueMetrics } from '../../shared/db/queries/queueMetrics.ts';
import { PermanentError, RetryableError } from '../../shared/domain/errors.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { createMetrics } from '../../shared/metrics/createMetrics.ts';
import { startMetricsServer } from '../../worker/startMetricsServer.ts';
import { scrape } from '../helpers/scrapeMetrics.ts';
import { startTestWorker } from '../helpers/startTestWorker.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { waitFor } from '../helpers/waitFor.ts';

const databaseUrl = await createTestDatabase(t);
const db = await createDbPool(databaseUrl);
t.teardown(() => db.end());
const log = createLogger({ service: 'test', level: 'silent' });
const TOKEN = 'worker-metrics-token-0123456789abcdef0123';

const statusOf = (id: number, statuses: string[]) =>
  waitFor(
    async () => {
      const event = await eventById(db, id);
      return statuses.includes(event.status) ? event : undefined;
    },
    20_000,
    `event ${id} to become ${statuses.join('/')}`,
  );

t.test("the worker's metrics port serves its registry, asks for the token when set, and nothing else", async (t) => {
  const metrics = createMetrics({ role: 'worker' });
  const server = await startMetricsServer({
    registry: metrics.registry,
    log,
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
  });
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${server.port}`;
  t.equal((await fetch(`${url}/metrics`)).status, 401);
  t.equal((await fetch(`${url}/other`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
  t.equal((await fetch(`${url}/metrics`, { method: 'POST' })).status, 404);
  const scraped = await scrape(`${url}/metrics?x=1`, TOKEN);
  t.ok(scraped.families.has('mzsync_events_finished_total'));

  const open = await startMetricsServer({ registry: metrics.registry, log, host: '127.0.0.1', port: 0 });
  t.teardown(() => open.close());
  t.ok(
    (await scrape(`http://127.0.0.1:${open.port}/metrics`)).families.size > 0,
    'no token configured: open (loopback only, see env.ts)',
  );
});

t.test('a registry that fails to collect makes the scrape answer 500, not crash the worker', async (t) => {
  const registry = new Registry();
  new Gauge({ name: 'broken', help: 'h', registers: [registry], collect: () => Promise.reject(new Error('boom')) });
  const server = await startMetricsServer({ registry, log, host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close());
  t.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status, 500);
});

t.test('events, retries, jobs and dead workers are counted as the worker records them', async (t) => {
  // Left behind by a worker that died: a stale heartbeat, and an event it held on its last attempt.
  await db.query(
    sql.unsafe`insert into worker_heartbeats (worker_id, hostname, pid, last_seen_at) values ('ghost', 'h', 1, now() - interval '10 minutes')`,
  );
  const lost = await addTestEvent(db, { entity: 'payment', module: 'BTEC_Payments', taskIdentifier: 'zoho_payment' });
  await db.query(sql.unsafe`select graphile_worker.remove_job(${`event:${lost}`})`);
  await db.query(
    sql.unsafe`update integration_events_log set status = 'processing', updated_at = now() - interval '1 hour' where id = ${lost}`,
  );

  const metrics = createMetrics({ role: 'worker', readQueue: () => readQueueMetrics(db, 30) });
  let classAttempts = 0;
  await startTestWorker(
    t,
    databaseUrl,
    {
      'zoho.student': async () => ({ status: 'completed', result: {} }),
      'zoho.program': async () => ({ status: 'skipped', result: { reason: 'module disabled' } }),
      'zoho.teacher': async () => {
        throw new PermanentError('zoho.invalid_data', 'Academic_Email is not an e-mail address');
      },
      'zoho.class': async () => {
        if (++classAttempts === 1) throw new RetryableError('moodle.unavailable', 'Moodle answered 503');
        return { status: 'completed', result: {} };
      },
      'zoho.unit': async () => {
        throw new RetryableError('moodle.unavailable', 'Moodle answered 503');
      },
    },
    { metrics },
  );
  await statusOf(lost, ['failed']);
  const completed = await addTestEvent(db);
  const skipped = await addTestEvent(db, { entity: 'program', module: 'Products', taskIdentifier: 'zoho_program' });
  const failed = await addTestEvent(db, { entity: 'teacher', module: 'BTEC_Teachers', taskIdentifier: 'zoho_teacher' });
  const retried = await addTestEvent(db, { entity: 'class', module: 'BTEC_Classes', taskIdentifier: 'zoho_class' });
  await db.query(sql.unsafe`update app_settings set value = '{"max_attempts": 1}' where key = 'retry.policy'`);
  const exhausted = await addTestEvent(db, { entity: 'unit', module: 'BTEC', taskIdentifier: 'zoho_unit' });
  await Promise.all([
    statusOf(completed, ['completed']),
    statusOf(skipped, ['skipped']),
    statusOf(failed, ['failed']),
    statusOf(retried, ['completed']),
    statusOf(exhausted, ['failed']),
  ]);

  const server = await startMetricsServer({ registry: metrics.registry, log, host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close());
  const scraped = await waitFor(
    async () => {
      const s = await scrape(`http://127.0.0.1:${server.port}/metrics`);
      // graphile emits a job's end just after the task returned, a moment after the row was written.
      return s.value('mzsync_job_run_duration_seconds') === 6 ? s : undefined;
    },
    10_000,
    'the six job runs to be recorded',
  );
  const finished = (labels: Record<string, string>) => scraped.value('mzsync_events_finished_total', labels);
  t.equal(finished({ kind: 'zoho.student', outcome: 'completed', error_code: '' }), 1);
  t.equal(finished({ kind: 'zoho.program', outcome: 'skipped' }), 1);
  t.equal(finished({ kind: 'zoho.teacher', outcome: 'failed', error_code: 'zoho.invalid_data' }), 1);
  t.equal(finished({ kind: 'zoho.class', outcome: 'completed' }), 1, 'completed on its second attempt');
  t.equal(finished({ kind: 'zoho.unit', outcome: 'failed', error_code: 'moodle.unavailable' }), 1, 'retries exhausted');
  t.equal(finished({ kind: 'zoho.payment', outcome: 'failed', error_code: 'worker.lost' }), 1, 'lost with its worker');
  t.equal(finished({}), 6);
  t.equal(
    scraped.value('mzsync_event_retries_total', { kind: 'zoho.class', error_code: 'moodle.unavailable' }),
    1,
    'its first attempt waited for a retry',
  );
  t.equal(scraped.value('mzsync_event_retries_total'), 1);
  t.equal(
    scraped.value('mzsync_dead_workers_recovered_total', { reason: 'heartbeat_stale' }),
    1,
    "the ghost's jobs were freed",
  );

  t.equal(scraped.value('mzsync_job_run_duration_seconds', { task: 'zoho_student', outcome: 'success' }), 1);
  t.equal(
    scraped.value('mzsync_job_run_duration_seconds', { task: 'zoho_teacher', outcome: 'success' }),
    1,
    'a permanent failure is recorded, and the job succeeds',
  );
  t.equal(scraped.value('mzsync_job_queue_wait_seconds', { task: 'zoho_student' }), 1);
  t.equal(
    scraped.value('mzsync_job_run_duration_seconds', { task: 'zoho_class', outcome: 'error' }),
    1,
    'the attempt that threw',
  );
  t.equal(
    scraped.value('mzsync_job_run_duration_seconds', { task: 'zoho_unit', outcome: 'success' }),
    1,
    'the last attempt records failed and returns',
  );
  t.equal(scraped.value('mzsync_job_queue_wait_seconds'), 6, 'every job taken, the retry too');
  const student = scraped.families
    .get('mzsync_job_queue_wait_seconds')!
    .samples.find((s) => s.name.endsWith('_sum') && s.labels.task === 'zoho_student');
  t.ok(student && student.value >= 0 && student.value < 60, 'the wait is measured by the database clock');

  t.equal(scraped.value('mzsync_database_up'), 1);
  t.equal(scraped.value('mzsync_workers_live'), 1);
  t.equal(scraped.value('mzsync_queue_events', { status: 'pending' }), 0);
  t.equal(scraped.value('mzsync_queue_events', { status: 'failed' }), 3);
});
