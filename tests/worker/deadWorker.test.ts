import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { retryEvents } from '../../shared/db/queries/eventOperations.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startTestWorker } from '../helpers/startTestWorker.ts';
import { waitFor } from '../helpers/waitFor.ts';

const SLOW_WORKER = fileURLToPath(new URL('../fixtures/slowWorker.ts', import.meta.url));
const databaseUrl = await createTestDatabase(t);
const db = await createDbPool(databaseUrl);
t.teardown(() => db.end());

/** Starts the slow worker process; resolves once it is ready. Lines it prints are collected. */
async function startSlowWorker(t: Test, env: Record<string, string>) {
  const child = spawn(process.execPath, [SLOW_WORKER], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) =>
    lines.push(JSON.parse(line) as Record<string, unknown>),
  );
  await waitFor(async () => lines.some((l) => 'ready' in l), 20_000, 'the slow worker to start');
  return { child, lines };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

t.test(
  'a worker killed with SIGKILL mid-job does not strand the job: another worker runs it within a minute',
  async (t) => {
    const { child, lines } = await startSlowWorker(t, {});
    const id = await addTestEvent(db, { recordId: '9001' });
    const event = await eventById(db, id);
    await waitFor(async () => lines.some((l) => l.started === event.event_id), 20_000, 'the job to start');
    child.kill('SIGKILL');
    await exited(child);
    const killedAt = Date.now();
    t.equal((await eventById(db, id)).status, 'processing', 'the dead worker left the event processing');

    await startTestWorker(
      t,
      databaseUrl,
      {
        'zoho.student': async () => ({ status: 'completed', result: { by: 'rescuer' } }),
      },
      { deadAfterSeconds: 5 },
    );
    const done = await waitFor(
      async () => {
        const row = await eventById(db, id);
        return row.status === 'completed' ? row : undefined;
      },
      60_000,
      'the stranded job to run again',
    );
    const seconds = (Date.now() - killedAt) / 1000;
    t.ok(seconds < 60, `ran again ${seconds.toFixed(1)} s after the kill`);
    t.same(done.result, { by: 'rescuer' });
    t.equal(done.attempts, 2, 'the second attempt is counted');
    const heartbeats = await db.oneFirst(
      sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from worker_heartbeats`,
    );
    t.equal(heartbeats, 1, "the dead worker's heartbeat was removed, the rescuer's remains");
  },
);

t.test('SIGTERM lets the job in hand finish, then the worker exits cleanly', async (t) => {
  const { child, lines } = await startSlowWorker(t, { SLOW_MS: '1500' });
  const id = await addTestEvent(db, { recordId: '9002' });
  const event = await eventById(db, id);
  await waitFor(async () => lines.some((l) => l.started === event.event_id), 20_000, 'the job to start');
  child.kill('SIGTERM');
  const code = await exited(child);
  t.equal(code, 0, 'exit code 0');
  const row = await eventById(db, id);
  t.equal(row.status, 'completed', 'the job in hand completed');
  t.match(row.result, { by: 'slow-worker' });
  const heartbeat = await db.exists(
    sql.unsafe`select 1 from worker_heartbeats where worker_id = ${String(lines.find((l) => 'ready' in l)?.ready)}`,
  );
  t.notOk(heartbeat, 'its heartbeat is removed');
});

t.test(
  'a worker killed during the last attempt leaves the event failed (worker.lost), and retry runs it',
  async (t) => {
    await db.query(sql.unsafe`update app_settings set value = '{"max_attempts": 1}' where key = 'retry.policy'`);
    t.teardown(() =>
      db.query(sql.unsafe`update app_settings set value = '{"max_attempts": 12}' where key = 'retry.policy'`),
    );
    const { child, lines } = await startSlowWorker(t, {});
    const id = await addTestEvent(db, { recordId: '9003' });
    const event = await eventById(db, id);
    await waitFor(async () => lines.some((l) => l.started === event.event_id), 20_000, 'the job to start');
    child.kill('SIGKILL');
    await exited(child);

    const rescuer = await startTestWorker(
      t,
      databaseUrl,
      {
        'zoho.student': async () => ({ status: 'completed', result: { by: 'rescuer' } }),
      },
      { deadAfterSeconds: 5 },
    );
    const failed = await waitFor(
      async () => {
        const row = await eventById(db, id);
        return row.status === 'failed' ? row : undefined;
      },
      60_000,
      'the abandoned event to be marked failed',
    );
    t.equal(failed.error_code, 'worker.lost');
    t.match(failed.last_error, /bin\/jobs retry/);
    const leftovers = await db.oneFirst(
      sql.type(
        z.object({ n: z.coerce.number() }),
      )`select count(*) as n from graphile_worker.jobs where key = ${`event:${id}`}`,
    );
    t.equal(leftovers, 0, 'the exhausted job does not linger');

    await retryEvents(db, [id]);
    const done = await waitFor(
      async () => {
        const row = await eventById(db, id);
        return row.status === 'completed' ? row : undefined;
      },
      20_000,
      'the retried event to complete',
    );
    t.same(done.result, { by: 'rescuer' });
    await rescuer.stop();
  },
);

t.test(
  'a worker killed with jobs in its local queue: those run again with their attempt given back, the started ones as usual',
  async (t) => {
    // One attempt each: a locally queued job that lost its attempt with the worker would never run.
    await db.query(sql.unsafe`update app_settings set value = '{"max_attempts": 1}' where key = 'retry.policy'`);
    t.teardown(() =>
      db.query(sql.unsafe`update app_settings set value = '{"max_attempts": 12}' where key = 'retry.policy'`),
    );
    // Queued before the worker starts, so that its first fetch takes them all: two slots start
    // two of them (their handler never returns), the rest wait in its local queue, locked by it.
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await addTestEvent(db, { recordId: `9100${i}` }));
    const { child, lines } = await startSlowWorker(t, {});
    const workerId = String(lines.find((l) => 'ready' in l)?.ready);
    await waitFor(
      async () => lines.filter((l) => 'started' in l).length === 2 || undefined,
      20_000,
      'two jobs to start',
    );
    const locked = await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from graphile_worker.jobs where locked_by = ${workerId} and key = any(${sql.array(
      ids.map((id) => `event:${id}`),
      'text',
    )})`);
    t.equal(locked, 6, 'all six are locked by the worker: two running, four in its local queue');
    child.kill('SIGKILL');
    await exited(child);
    const killedAt = Date.now();
    const startedIds = new Set(lines.filter((l) => 'started' in l).map((l) => String(l.started)));

    await startTestWorker(
      t,
      databaseUrl,
      {
        'zoho.student': async () => ({ status: 'completed', result: { by: 'rescuer' } }),
      },
      { deadAfterSeconds: 5 },
    );
    const rows = await waitFor(
      async () => {
        const all = await Promise.all(ids.map((id) => eventById(db, id)));
        return all.every((row) => row.status === 'completed' || row.status === 'failed') ? all : undefined;
      },
      60_000,
      'every event of the dead worker to settle',
    );
    t.pass(`settled ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (dead after 5 s)`);
    const queued = rows.filter((row) => !startedIds.has(row.event_id));
    const started = rows.filter((row) => startedIds.has(row.event_id));
    t.equal(queued.length, 4);
    t.same(
      queued.map((row) => [row.status, row.attempts, row.result]),
      queued.map(() => ['completed', 1, { by: 'rescuer' }]),
      'each locally queued job ran in the rescuer, on its only attempt',
    );
    t.same(
      started.map((row) => [row.status, row.error_code]),
      [
        ['failed', 'worker.lost'],
        ['failed', 'worker.lost'],
      ],
      'the two that had started spent their only attempt: failed, re-queueable',
    );
  },
);
