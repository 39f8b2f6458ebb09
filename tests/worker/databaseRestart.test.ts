import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { startEmbeddedPostgres } from '../../shared/db/embeddedPostgres.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { freePort } from '../helpers/freePort.ts';
import { startSyncStack } from '../helpers/startSyncStack.ts';
import { waitFor } from '../helpers/waitFor.ts';

/**
 * A PostgreSQL restart (maintenance, a managed database failing over) while the worker has
 * queued events in hand: the real ingress and worker processes on a PostgreSQL this test owns,
 * stopped with `pg_ctl stop -m fast` (every session terminated, as a restart does) and started
 * again. Both processes must live through it and the queue must drain with each student
 * created in Moodle exactly once.
 */

const log = createLogger({ service: 'test-postgres', level: 'warn' });
// As root the embedded PostgreSQL runs as the system user postgres: it must be able to enter the folder.
const dataDir = mkdtempSync(join(tmpdir(), 'mzs-restart-'));
chmodSync(dataDir, 0o755);
const postgres = await startEmbeddedPostgres(log, await freePort(), { dataDir });
t.teardown(async () => {
  await postgres.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

const STUDENTS = 40;
const countSchema = z.object({ status: z.string(), n: z.coerce.number() });

t.test('the worker survives a database restart mid-drain and applies every event once', async (t) => {
  const stack = await startSyncStack(t, { databaseUrl: postgres.url, workerConcurrency: 4, logLevel: 'info' });
  const { zoho, moodle } = stack;
  t.teardown(() => {
    if (process.env.E2E_DEBUG) for (const line of stack.logs.worker) console.error(JSON.stringify(line).slice(0, 600));
  });
  // Slow enough that jobs are in flight, and most of the queue still waiting, when the database stops.
  moodle.setLatency(40);
  const ids = zoho.seed(
    'BTEC_Students',
    Array.from({ length: STUDENTS }, (_, i) => ({
      Name: `ST-R${i}`,
      First_Name: 'Restart',
      Last_Name: `Student ${i}`,
      Academic_Email: `restart.${i}@college.example`,
      Status: 'Active',
    })),
  );
  const eventIds: string[] = [];
  for (const recordId of ids) {
    const eventId = randomUUID();
    const answer = await stack.sendZoho('student', {
      event_id: eventId,
      event_type: 'created',
      module: 'BTEC_Students',
      record_id: recordId,
    });
    t.equal(answer.status, 202, 'accepted before the restart');
    eventIds.push(eventId);
  }
  await waitFor(
    async () => moodle.state.users.filter((u) => u.idnumber && ids.includes(u.idnumber)).length >= 2 || undefined,
    30_000,
    'the drain to begin',
  );

  await postgres.stop();
  const ready = await fetch(`${stack.url}/health/ready`);
  t.equal(ready.status, 503, '/health/ready answers 503 while the database is down');
  const refused = await stack.sendZoho('student', {
    event_id: randomUUID(),
    event_type: 'updated',
    module: 'BTEC_Students',
    record_id: ids[0]!,
  });
  t.equal(refused.status, 503, 'a webhook is refused with 503 (never 202) while the database is down');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  t.equal(stack.worker.exitCode, null, 'the worker is still running during the outage');
  await postgres.start();
  const returnedAt = Date.now();

  await waitFor(
    async () => (await fetch(`${stack.url}/health/ready`)).status === 200 || undefined,
    30_000,
    'the ingress to be ready again',
  );
  const accepted = await stack.sendZoho('student', {
    event_id: randomUUID(),
    event_type: 'updated',
    module: 'BTEC_Students',
    record_id: ids[1]!,
  });
  t.equal(accepted.status, 202, 'webhooks are accepted again after the restart');
  // Zoho does not send the refused delivery again: the ingress queues a catch-up, the worker runs it.
  const gap = await waitFor(
    async () =>
      stack.logs.api.find((l) =>
        /^Zoho deliveries may have been lost since .*refused Zoho deliveries/.test(String(l.msg ?? '')),
      ),
    10_000,
    'the ingress to queue a catch-up',
  );
  t.ok(gap, 'the ingress noticed the deliveries it refused');
  const caughtUp = await waitFor(
    async () => stack.logs.worker.find((l) => String(l.msg ?? '').startsWith('Zoho catch-up:')),
    60_000,
    'the catch-up to run',
  );
  t.match(
    caughtUp,
    { queued: { student: STUDENTS } },
    'the students modified since the last delivery before the outage are synced again',
  );

  const settled = await Promise.all(eventIds.map((eventId) => stack.settled(eventId, 120_000)));
  const seconds = (Date.now() - returnedAt) / 1000;
  t.same(
    settled.filter((row) => row.status !== 'completed').map((row) => [row.event_id, row.status, row.last_error]),
    [],
    'every acknowledged event completed',
  );
  t.equal(
    stack.worker.exitCode,
    null,
    `the worker is still running (queue drained ${seconds.toFixed(1)} s after the database returned)`,
  );

  const accounts = moodle.state.users.filter((u) => u.idnumber && ids.includes(u.idnumber));
  t.equal(accounts.length, STUDENTS, 'one Moodle account per student');
  t.equal(new Set(accounts.map((u) => u.idnumber)).size, STUDENTS, 'no student was created twice');
  const creates = moodle.calls.filter((c) => c.wsfunction === 'core_user_create_users').length;
  t.ok(creates <= STUDENTS + 4, `core_user_create_users called ${creates} times (at most one retry per job in flight)`);

  const open = await waitFor(
    async () => {
      const rows = await stack.db.any(sql.type(countSchema)`
      select status, count(*) as n from integration_events_log where status not in ('completed', 'failed', 'skipped', 'cancelled') group by status`);
      return rows.length === 0 ? rows : undefined;
    },
    60_000,
    'every event (the one sent after the restart too) to settle',
  );
  t.same(open, [], 'no event left waiting, processing or retrying');
  const paused = stack.logs.worker.filter((line) => String(line.msg ?? '').startsWith('lost the database'));
  t.equal(paused.length, 1, 'the worker said once that it lost the database');
  const errors = stack.logs.worker.filter(
    (line) => Number(line.level) >= 50 && !String(line.msg ?? '').startsWith('lost the database'),
  );
  t.same(
    errors.map((line) => line.msg),
    [],
    'and logged no error per job',
  );
  t.ok(
    stack.logs.worker.some((line) => String(line.msg ?? '').startsWith('database is back')),
    'and that it resumed',
  );
});

t.test('an idle worker says once that the database is gone, and takes the next event after it returns', async (t) => {
  const stack = await startSyncStack(t, {
    databaseUrl: postgres.url,
    workerConcurrency: 2,
    logLevel: 'info',
    workerEnv: { WORKER_DEAD_AFTER_SECONDS: '6' },
  });
  const [recordId] = stack.zoho.seed('BTEC_Students', [
    {
      Name: 'ST-IDLE',
      First_Name: 'Idle',
      Last_Name: 'Student',
      Academic_Email: 'idle@college.example',
      Status: 'Active',
    },
  ]);
  await waitFor(
    async () => stack.logs.worker.some((line) => line.msg === 'worker started') || undefined,
    30_000,
    'the worker to start',
  );
  // This ingress starts on the database of the test above: it queues a catch-up of what Zoho
  // changed since that test's last delivery. Let it finish, so that the worker is idle.
  await waitFor(
    async () => stack.logs.worker.some((line) => String(line.msg ?? '').startsWith('Zoho catch-up:')) || undefined,
    30_000,
    'the catch-up to run',
  );
  await waitFor(
    async () => {
      const open = await stack.db.any(
        sql.type(
          countSchema,
        )`select status, count(*) as n from integration_events_log where status not in ('completed', 'failed', 'skipped', 'cancelled') group by status`,
      );
      return open.length === 0 || undefined;
    },
    30_000,
    'the catch-up events to settle',
  );

  await postgres.stop();
  // Two heartbeat ticks (every 2 s with WORKER_DEAD_AFTER_SECONDS=6) fail meanwhile.
  await waitFor(
    async () =>
      stack.logs.worker.some((line) => String(line.msg ?? '').startsWith('database unreachable')) || undefined,
    20_000,
    'the worker to notice',
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  t.equal(stack.worker.exitCode, null, 'the worker is still running during the outage');
  await postgres.start();
  await waitFor(
    async () => (await fetch(`${stack.url}/health/ready`)).status === 200 || undefined,
    30_000,
    'the ingress to be ready again',
  );

  const eventId = randomUUID();
  const answer = await stack.sendZoho('student', {
    event_id: eventId,
    event_type: 'created',
    module: 'BTEC_Students',
    record_id: recordId!,
  });
  t.equal(answer.status, 202);
  const row = await stack.settled(eventId, 60_000);
  t.equal(row.status, 'completed', String(row.last_error));
  t.equal(
    stack.moodle.state.users.filter((u) => u.idnumber === recordId).length,
    1,
    'the student exists once in Moodle',
  );
  await waitFor(
    async () => stack.logs.worker.some((line) => line.msg === 'database reachable again') || undefined,
    20_000,
    'the worker to say the database is back',
  );
  const unreachable = stack.logs.worker.filter((line) => String(line.msg ?? '').startsWith('database unreachable'));
  t.equal(unreachable.length, 1, 'said once, not every tick');
  const errors = stack.logs.worker.filter((line) => Number(line.level) >= 50);
  t.same(
    errors.map((line) => line.msg),
    ['database unreachable: no jobs are taken until it answers again'],
    'no other error lines',
  );
});
