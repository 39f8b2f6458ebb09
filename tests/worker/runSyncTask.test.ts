import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { PermanentError, RetryableError } from '../../shared/domain/errors.ts';
import type { EventRunner } from '../../worker/pipeline/runContext.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startTestWorker } from '../helpers/startTestWorker.ts';
import { waitFor } from '../helpers/waitFor.ts';

const databaseUrl = await createTestDatabase(t);
const db = await createDbPool(databaseUrl);
t.teardown(() => db.end());

const jobOf = (id: number) =>
  db.maybeOne(sql.type(
    z.object({
      attempts: z.number(),
      max_attempts: z.number(),
      run_at: z.coerce.date(),
      last_error: z.string().nullable(),
    }),
  )`
    select attempts, max_attempts, run_at, last_error from graphile_worker.jobs where key = ${`event:${id}`}
  `);

// Job completions are batched (startWorker): a job goes a moment after its event row is final.
const jobGone = (id: number) =>
  waitFor(
    async () => ((await jobOf(id)) === null ? 'gone' : undefined),
    10_000,
    `the job of event ${id} to be completed`,
  );

const settled = (id: number) =>
  waitFor(
    async () => {
      const event = await eventById(db, id);
      return ['completed', 'failed', 'skipped', 'cancelled'].includes(event.status) ? event : undefined;
    },
    20_000,
    `event ${id} to settle`,
  );

t.test('an event kind this version has no flow for fails at once with "no flow for …"', async (t) => {
  await startTestWorker(t, databaseUrl, {});
  // An event an older or newer version wrote: its kind is not in worker/flows.
  const id = await addTestEvent(db, { entity: 'alumnus', module: 'Alumni', taskIdentifier: 'zoho_student' });
  const event = await settled(id);
  t.equal(event.status, 'failed');
  t.equal(event.error_code, 'handler.missing');
  t.match(event.last_error, /no flow for zoho\.alumnus/);
  t.equal(event.attempts, 1, 'not retried');
  t.equal(await jobGone(id), 'gone', 'no job left behind');
});

t.test('a handler outcome is recorded: completed with its result, skipped with its reason', async (t) => {
  const handlers: Record<string, EventRunner> = {
    'zoho.student': async (_ctx, event) => ({
      status: 'completed',
      result: { action: 'created', zohoId: event.record_id, moodleId: 42 },
    }),
    'zoho.program': async () => ({ status: 'skipped', result: { reason: 'module disabled' } }),
  };
  await startTestWorker(t, databaseUrl, handlers);
  const done = await settled(await addTestEvent(db, { recordId: '555' }));
  t.equal(done.status, 'completed');
  t.same(done.result, { action: 'created', zohoId: '555', moodleId: 42 });
  t.ok(done.started_at && done.finished_at && done.finished_at >= done.started_at, 'times recorded');
  const skipped = await settled(
    await addTestEvent(db, { entity: 'program', module: 'Products', taskIdentifier: 'zoho_program' }),
  );
  t.equal(skipped.status, 'skipped');
  t.same(skipped.result, { reason: 'module disabled' });
});

t.test('a permanent error fails the event once, with its code, and is not retried', async (t) => {
  let calls = 0;
  await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => {
      calls++;
      throw new PermanentError('zoho.validation', 'Academic_Email is missing on record 555');
    },
  });
  const id = await addTestEvent(db);
  const event = await settled(id);
  t.equal(event.status, 'failed');
  t.equal(event.error_code, 'zoho.validation');
  t.match(event.last_error, /Academic_Email is missing/);
  t.equal(calls, 1);
  t.equal(await jobGone(id), 'gone');
});

t.test('a transient error is retried with graphile backoff and the event says retrying', async (t) => {
  const worker = await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => {
      throw new RetryableError('moodle.unavailable', 'Moodle answered 503');
    },
  });
  const id = await addTestEvent(db);
  const event = await waitFor(async () => {
    const row = await eventById(db, id);
    return row.status === 'retrying' ? row : undefined;
  });
  await worker.stop();
  t.equal(event.error_code, 'moodle.unavailable');
  t.equal(event.attempts, 1);
  const job = await jobOf(id);
  t.ok(job, 'the job stays queued');
  t.equal(job?.attempts, 1);
  t.equal(job?.max_attempts, 12, 'max_attempts from retry.policy');
  t.ok(job && job.run_at.getTime() > Date.now(), 'next attempt scheduled in the future');
  t.match(job?.last_error, /Moodle answered 503/);
});

t.test('the last attempt of a transient error ends failed, naming the attempts', async (t) => {
  await db.query(sql.unsafe`update app_settings set value = '{"max_attempts": 1}' where key = 'retry.policy'`);
  t.teardown(() =>
    db.query(sql.unsafe`update app_settings set value = '{"max_attempts": 12}' where key = 'retry.policy'`),
  );
  await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => {
      throw new Error('socket hang up');
    },
  });
  const id = await addTestEvent(db);
  const event = await settled(id);
  t.equal(event.status, 'failed');
  t.equal(event.error_code, 'unexpected', 'an unclassified throw counts as transient');
  t.match(event.last_error, /gave up after 1 attempts/);
  t.equal(await jobGone(id), 'gone', 'the event row is the dead letter; the job is gone');
});

t.test('two events of the same record never run at the same time; other records run in parallel', async (t) => {
  const running = new Map<string, number>();
  let maxSameRecord = 0;
  let maxOverall = 0;
  let overall = 0;
  await startTestWorker(
    t,
    databaseUrl,
    {
      'zoho.student': async (_ctx, event) => {
        const key = event.record_id ?? '';
        const now = (running.get(key) ?? 0) + 1;
        running.set(key, now);
        overall++;
        maxSameRecord = Math.max(maxSameRecord, now);
        maxOverall = Math.max(maxOverall, overall);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running.set(key, now - 1);
        overall--;
        return { status: 'completed', result: {} };
      },
    },
    { concurrency: 4 },
  );
  const ids: number[] = [];
  // Dry-run events never cover one another (eventRuns.ts), so each of the twelve runs.
  for (let i = 0; i < 12; i++)
    ids.push(await addTestEvent(db, { recordId: 'same-record', payload: { dry_run: true } }));
  for (let i = 0; i < 12; i++) ids.push(await addTestEvent(db, { recordId: `other-${i}` }));
  for (const id of ids) t.equal((await settled(id)).status, 'completed');
  t.equal(maxSameRecord, 1, 'one event of a record at a time');
  t.ok(maxOverall > 1, `different records ran in parallel (max ${maxOverall})`);
});

t.test('deliveries without an id coalesce: one job per record, one fetch settles them all', async (t) => {
  const base = { recordId: '777', dedupe: 'coalesce' as const, jobKey: 'zoho:BTEC_Students:777' };
  const first = await addTestEvent(db, base);
  const second = await addTestEvent(db, base);
  const third = await addTestEvent(db, base);
  const jobs = await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from graphile_worker.jobs where key = 'zoho:BTEC_Students:777'`);
  t.equal(jobs, 1, 'later deliveries replaced the waiting job');
  let runs = 0;
  await startTestWorker(t, databaseUrl, {
    'zoho.student': async (_ctx, event) => {
      // Only this record: an earlier test's retry may come due meanwhile.
      if (event.record_id === '777') runs++;
      return { status: 'completed', result: { action: 'updated' } };
    },
  });
  const last = await settled(third);
  t.equal(last.status, 'completed');
  for (const id of [first, second]) {
    const covered = await settled(id);
    t.equal(covered.status, 'completed');
    t.same(covered.result, { covered_by: last.event_id, action: 'updated' }, 'covered, with what the run did');
  }
  t.equal(runs, 1, 'the record was fetched once');
});

t.test('an event already settled (e.g. cancelled) is not run again', async (t) => {
  const id = await addTestEvent(db);
  await db.query(sql.unsafe`update integration_events_log set status = 'cancelled' where id = ${id}`);
  let calls = 0;
  const worker = await startTestWorker(t, databaseUrl, {
    'zoho.student': async (_ctx, event) => {
      // Only this event: an earlier test's retry may come due meanwhile.
      if (event.id === id) calls++;
      return { status: 'completed', result: {} };
    },
  });
  await waitFor(async () => (await jobOf(id)) === null, 10_000, 'the job to be consumed');
  await worker.stop();
  t.equal(calls, 0);
  t.equal((await eventById(db, id)).status, 'cancelled');
});

t.test('a job added by hand with a bad payload is dropped with an error log, not retried', async (t) => {
  const worker = await startTestWorker(t, databaseUrl, {});
  await db.query(
    sql.unsafe`select graphile_worker.add_job('zoho_student', '{"nope": 1}'::json, job_key := 'hand-made')`,
  );
  await waitFor(
    async () => !(await db.exists(sql.unsafe`select 1 from graphile_worker.jobs where key = 'hand-made'`)),
    10_000,
    'the hand-made job to go',
  );
  t.ok(worker.logs.some((l) => l.level === 50 && String(l.msg).includes('job payload is not {eventLogId}')));
});
