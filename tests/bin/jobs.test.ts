import { existsSync } from 'node:fs';
import t, { type Test } from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDbPool, type DatabasePool } from '../../shared/db/createDbPool.ts';
import { recordWebhookEvent, type EventStatus } from '../../shared/db/queries/integrationEventsLog.ts';
import { envWithout, PROJECT_ROOT, runProcess, type ProcessResult } from '../helpers/spawnProcess.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

/**
 * The operator CLI as operators run it: the real `bin/jobs` shell script (which finds
 * Node 24 itself) in a child process, against a database seeded with SQL. Assertions
 * are on exit codes, output and the database afterwards.
 */

const JOBS = `${PROJECT_ROOT}bin/jobs`;
// Each run of the CLI starts Node 24 and loads the service's modules (about half a
// second of CPU): independent subtests run side by side, each on its own database.
t.jobs = 3;
const EMBEDDED_CREDENTIALS = `${PROJECT_ROOT}.data/embedded-postgres.json`;

interface Database {
  url: string;
  db: DatabasePool;
}

/** A migrated database of its own for one subtest, with a pool to seed and inspect it. */
async function freshDatabase(t: Test): Promise<Database> {
  const url = await createTestDatabase(t);
  const db = await createDbPool(url, { maximumPoolSize: 3 });
  // Teardowns run last-in first-out: the pool closes before the database is dropped.
  t.teardown(() => db.end());
  return { url, db };
}

function jobs(url: string, ...args: string[]): Promise<ProcessResult> {
  return runProcess(JOBS, args, { env: { ...envWithout('LOG_LEVEL'), DATABASE_URL: url } });
}

function parseJson<T>(result: ProcessResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${String(result.code)}): ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

function stderrLines(result: ProcessResult): string[] {
  return result.stderr.split('\n').filter((line) => line !== '');
}

interface Seed {
  eventId: string;
  status?: EventStatus;
  source?: 'zoho' | 'moodle';
  recordId?: string;
  /** How long ago it arrived; finished (when settled) at the same time unless `finishedHoursAgo`. */
  receivedHoursAgo?: number;
  finishedHoursAgo?: number;
  lastError?: string;
  errorCode?: string;
  attempts?: number;
}

const SETTLED: readonly EventStatus[] = ['completed', 'failed', 'skipped', 'cancelled'];

/**
 * Records an event with its job as the ingress does, then moves it to `status`. A
 * settled event's job is deleted, as graphile-worker does when the task returns.
 * @returns the row id.
 */
async function seed(db: DatabasePool, s: Seed): Promise<number> {
  const id = await recordWebhookEvent(db, {
    source: s.source ?? 'zoho',
    eventId: s.eventId,
    eventType: 'updated',
    entity: 'student',
    module: 'BTEC_Students',
    recordId: s.recordId ?? '5000000000000001',
    dedupe: 'event_id',
    taskIdentifier: 'zoho_student',
    payload: { id: s.recordId ?? '5000000000000001', First_Name: 'Ada' },
    jobKey: null,
  });
  if (id === null) throw new Error(`seed ${s.eventId} was a duplicate`);
  const status = s.status ?? 'pending';
  const receivedMinutesAgo = Math.round((s.receivedHoursAgo ?? 0) * 60);
  const finishedMinutesAgo = Math.round((s.finishedHoursAgo ?? s.receivedHoursAgo ?? 0) * 60);
  const settled = SETTLED.includes(status);
  await db.query(sql.unsafe`
    update integration_events_log
       set status = ${status},
           received_at = now() - make_interval(mins => ${receivedMinutesAgo}),
           finished_at = ${settled ? sql.fragment`now() - make_interval(mins => ${finishedMinutesAgo})` : null},
           last_error = ${s.lastError ?? null},
           error_code = ${s.errorCode ?? null},
           attempts = ${s.attempts ?? (settled ? 1 : 0)}
     where id = ${id}
  `);
  if (settled) await db.query(sql.unsafe`delete from graphile_worker._private_jobs where key = ${`event:${id}`}`);
  return id;
}

const eventStateSchema = z.object({
  status: z.string(),
  finished_at: z.coerce.date().nullable(),
  result: z.unknown().nullable(),
});

async function eventState(db: DatabasePool, id: number) {
  return db.one(
    sql.type(eventStateSchema)`select status, finished_at, result from integration_events_log where id = ${id}`,
  );
}

const jobSchema = z.object({
  key: z.string().nullable(),
  task_identifier: z.string(),
  attempts: z.number(),
  max_attempts: z.number(),
  last_error: z.string().nullable(),
});

async function jobOf(db: DatabasePool, id: number) {
  return db.maybeOne(sql.type(jobSchema)`
    select key, task_identifier, attempts, max_attempts, last_error from graphile_worker.jobs where key = ${`event:${id}`}
  `);
}

async function eventIdsLeft(db: DatabasePool): Promise<string[]> {
  const rows = await db.any(
    sql.type(z.object({ event_id: z.string() }))`select event_id from integration_events_log order by event_id`,
  );
  return rows.map((r) => r.event_id);
}

interface JsonEvent {
  id: number;
  event_id: string;
  status: string;
  record_id: string | null;
  last_error: string | null;
  error_code: string | null;
}

t.test('status --json counts events per status, the queue and the live workers', async (t) => {
  const { url, db } = await freshDatabase(t);
  await seed(db, { eventId: 'st-pending-1' });
  await seed(db, { eventId: 'st-pending-2', receivedHoursAgo: 2 });
  await seed(db, { eventId: 'st-failed', status: 'failed', lastError: 'boom', errorCode: 'moodle.unavailable' });
  await seed(db, { eventId: 'st-completed-old', status: 'completed', receivedHoursAgo: 48 });
  await db.query(sql.unsafe`
    insert into worker_heartbeats (worker_id, hostname, pid) values ('worker-test-1', 'host-a', 4242)
  `);

  const result = await jobs(url, 'status', '--json');
  t.equal(result.code, 0, result.stderr);
  const status = parseJson<{
    events: Record<string, number>;
    last24h: Record<string, number>;
    oldestWaitingAt: string | null;
    jobs: { waiting: number; running: number; failed: number };
    workers: { workerId: string; hostname: string; pid: number; lastSeenAt: string }[];
  }>(result);
  t.same(status.events, { pending: 2, processing: 0, retrying: 0, completed: 1, failed: 1, skipped: 0, cancelled: 0 });
  t.same(
    status.last24h,
    { pending: 2, processing: 0, retrying: 0, completed: 0, failed: 1, skipped: 0, cancelled: 0 },
    'the completed event of two days ago is not in the last 24 h',
  );
  t.same(status.jobs, { waiting: 2, running: 0, failed: 0 }, 'one waiting job per pending event');
  t.equal(status.workers.length, 1);
  t.match(status.workers[0], { workerId: 'worker-test-1', hostname: 'host-a', pid: 4242 });
  t.ok(
    status.oldestWaitingAt && Date.now() - Date.parse(status.oldestWaitingAt) > 110 * 60_000,
    'oldest waiting is the pending event of 2 h ago',
  );
  t.equal(result.stderr, '', 'nothing on stderr');
});

t.test('status prints a table naming every status, the queue and the workers', async (t) => {
  const { url, db } = await freshDatabase(t);
  await seed(db, { eventId: 'st-text-pending' });
  await seed(db, { eventId: 'st-text-failed', status: 'failed' });
  const result = await jobs(url, 'status');
  t.equal(result.code, 0, result.stderr);
  for (const status of ['pending', 'processing', 'retrying', 'completed', 'failed', 'skipped', 'cancelled']) {
    t.match(result.stdout, new RegExp(`\\b${status}\\b`), `mentions ${status}`);
  }
  t.match(result.stdout, /Jobs: 1 waiting, 0 running, 0 failed in the queue/);
  t.match(result.stdout, /Workers:\n {2}none running/);
  // eslint-disable-next-line no-control-regex -- the ESC that starts an ANSI colour code is what is looked for
  t.notMatch(result.stdout, /\u001b\[/, 'no colour codes');
});

t.test('list, show: filters and one event', async (t) => {
  const { url, db } = await freshDatabase(t);
  const ids = {
    pending: await seed(db, { eventId: 'ls-pending', recordId: 'R-1', receivedHoursAgo: 0.1 }),
    failed: await seed(db, {
      eventId: 'ls-failed',
      status: 'failed',
      recordId: 'R-2',
      receivedHoursAgo: 3,
      lastError: 'MoodleError: exception in core_user_create_users',
      errorCode: 'moodle.rejected',
      attempts: 12,
    }),
    completedOld: await seed(db, {
      eventId: 'ls-completed-old',
      status: 'completed',
      recordId: 'R-1',
      receivedHoursAgo: 40 * 24,
    }),
    failedRecent: await seed(db, {
      eventId: 'ls-failed-recent',
      status: 'failed',
      recordId: 'R-3',
      receivedHoursAgo: 0.5,
    }),
    moodle: await seed(db, {
      eventId: 'ls-moodle',
      source: 'moodle',
      recordId: 'R-4',
      receivedHoursAgo: 5,
      status: 'skipped',
    }),
  };

  t.test('list --json gives every event, newest first', async (t) => {
    const result = await jobs(url, 'list', '--json');
    t.equal(result.code, 0, result.stderr);
    const rows = parseJson<JsonEvent[]>(result);
    t.same(
      rows.map((r) => r.event_id),
      ['ls-pending', 'ls-failed-recent', 'ls-failed', 'ls-moodle', 'ls-completed-old'],
    );
    t.match(
      rows.find((r) => r.event_id === 'ls-failed'),
      {
        id: ids.failed,
        status: 'failed',
        record_id: 'R-2',
        error_code: 'moodle.rejected',
        last_error: /core_user_create_users/,
      },
    );
  });

  t.test('list --status failed --json gives only failed events', async (t) => {
    const result = await jobs(url, 'list', '--status', 'failed', '--json');
    t.equal(result.code, 0, result.stderr);
    t.same(
      parseJson<JsonEvent[]>(result).map((r) => r.event_id),
      ['ls-failed-recent', 'ls-failed'],
    );
  });

  t.test('list --status failed,pending takes a comma list', async (t) => {
    const result = await jobs(url, 'list', '--status', 'failed,pending', '--json');
    t.equal(result.code, 0, result.stderr);
    t.same(
      parseJson<JsonEvent[]>(result).map((r) => r.event_id),
      ['ls-pending', 'ls-failed-recent', 'ls-failed'],
    );
  });

  t.test('list --status failed,pending prints a table of those events', async (t) => {
    const result = await jobs(url, 'list', '--status', 'failed,pending');
    t.equal(result.code, 0, result.stderr);
    t.match(result.stdout, `#${ids.pending}`);
    t.match(result.stdout, `#${ids.failed}`);
    t.match(result.stdout, `#${ids.failedRecent}`);
    t.notMatch(result.stdout, 'ls-completed-old');
    t.notMatch(result.stdout, 'ls-moodle');
    t.match(result.stdout, /3 event\(s\)\n?$/);
  });

  t.test('list --since 1h leaves out events received earlier', async (t) => {
    const result = await jobs(url, 'list', '--since', '1h', '--json');
    t.equal(result.code, 0, result.stderr);
    t.same(
      parseJson<JsonEvent[]>(result).map((r) => r.event_id),
      ['ls-pending', 'ls-failed-recent'],
    );
  });

  t.test('list --record gives only that record’s events', async (t) => {
    const result = await jobs(url, 'list', '--record', 'R-1', '--json');
    t.equal(result.code, 0, result.stderr);
    t.same(
      parseJson<JsonEvent[]>(result).map((r) => r.event_id),
      ['ls-pending', 'ls-completed-old'],
    );
  });

  t.test('list --source moodle and --limit narrow the list', async (t) => {
    const bySource = await jobs(url, 'list', '--source', 'moodle', '--json');
    t.same(
      parseJson<JsonEvent[]>(bySource).map((r) => r.event_id),
      ['ls-moodle'],
    );
    const limited = await jobs(url, 'list', '--limit', '2', '--json');
    t.same(
      parseJson<JsonEvent[]>(limited).map((r) => r.event_id),
      ['ls-pending', 'ls-failed-recent'],
    );
  });

  t.test('list with no match says so', async (t) => {
    const result = await jobs(url, 'list', '--record', 'no-such-record');
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stdout, 'no events match\n');
  });

  t.test('show <event id> prints the event with its error and its job', async (t) => {
    const result = await jobs(url, 'show', 'ls-pending');
    t.equal(result.code, 0, result.stderr);
    t.match(result.stdout, `Event #${ids.pending}  ls-pending`);
    t.match(result.stdout, /status\s+pending after 0 attempt\(s\)/);
    t.match(result.stdout, /record\s+R-1/);
    t.match(result.stdout, `"key":"event:${ids.pending}"`, 'the job line shows its key');

    const failed = await jobs(url, 'show', 'ls-failed');
    t.equal(failed.code, 0, failed.stderr);
    t.match(failed.stdout, /error\s+\[moodle\.rejected\] MoodleError: exception in core_user_create_users/);
    t.match(failed.stdout, /job\s+none/, 'a failed event has no job left');
  });

  t.test("show '#<row id>' --json gives the event and its job", async (t) => {
    const result = await jobs(url, 'show', `#${ids.pending}`, '--json');
    t.equal(result.code, 0, result.stderr);
    const shown = parseJson<{
      event: JsonEvent;
      job: { key: string; attempts: number; max_attempts: number } | null;
      attempts: unknown[];
    }>(result);
    t.match(shown.event, { id: ids.pending, event_id: 'ls-pending', status: 'pending' });
    t.match(shown.job, { key: `event:${ids.pending}`, attempts: 0, max_attempts: 12 });
    t.same(shown.attempts, [], 'a pending event has no attempt yet');

    const text = await jobs(url, 'show', `#${ids.failed}`);
    t.equal(text.code, 0, text.stderr);
    t.match(text.stdout, `Event #${ids.failed}  ls-failed`);
  });

  t.test('show of an unknown id exits 1 with one line naming it', async (t) => {
    const result = await jobs(url, 'show', 'unknown-id');
    t.equal(result.code, 1);
    t.equal(result.stdout, '');
    const lines = stderrLines(result);
    t.equal(lines.length, 1, result.stderr);
    t.match(lines[0], /^bin\/jobs: unknown event unknown-id\b/);

    const byRef = await jobs(url, 'show', '#999999');
    t.equal(byRef.code, 1);
    t.match(byRef.stderr, /unknown event #999999/);
  });

  t.test('an event id used by both sources must be given as #<ref>', async (t) => {
    const { url, db } = await freshDatabase(t);
    const zoho = await seed(db, { eventId: 'shared-id', source: 'zoho' });
    const moodle = await seed(db, { eventId: 'shared-id', source: 'moodle' });
    const result = await jobs(url, 'show', 'shared-id');
    t.equal(result.code, 1);
    t.match(result.stderr, `#${zoho} zoho`);
    t.match(result.stderr, `#${moodle} moodle`);
    t.match(result.stderr, /use #<ref>/);
  });
});

t.test('retry', async (t) => {
  t.test('retry <event id> puts a failed event back in the queue with a fresh job', async (t) => {
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, {
      eventId: 'rt-failed',
      status: 'failed',
      lastError: 'boom',
      errorCode: 'unexpected',
      attempts: 12,
    });
    t.equal(await jobOf(db, id), null, 'no job before');
    const result = await jobs(url, 'retry', 'rt-failed');
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stdout, `re-queued 1 event(s): #${id}\n`);
    t.match(await eventState(db, id), { status: 'pending', finished_at: null });
    t.match(await jobOf(db, id), {
      key: `event:${id}`,
      task_identifier: 'zoho_student',
      attempts: 0,
      max_attempts: 12,
    });
  });

  t.test('retry --json of a #ref reports the re-queued row ids', async (t) => {
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, { eventId: 'rt-json', status: 'cancelled' });
    const result = await jobs(url, 'retry', `#${id}`, '--json');
    t.equal(result.code, 0, result.stderr);
    t.same(parseJson(result), { requeued: [id] });
    t.equal((await eventState(db, id)).status, 'pending');
    t.ok(await jobOf(db, id));
  });

  t.test('retry of a completed event needs --force', async (t) => {
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, { eventId: 'rt-completed', status: 'completed' });
    const refused = await jobs(url, 'retry', 'rt-completed');
    t.equal(refused.code, 1);
    t.equal(stderrLines(refused).length, 1, refused.stderr);
    t.match(refused.stderr, /rt-completed completed; add --force/);
    t.equal((await eventState(db, id)).status, 'completed', 'unchanged');
    t.equal(await jobOf(db, id), null, 'no job added');

    const forced = await jobs(url, 'retry', 'rt-completed', '--force');
    t.equal(forced.code, 0, forced.stderr);
    t.match(await eventState(db, id), { status: 'pending', finished_at: null });
    t.match(await jobOf(db, id), { key: `event:${id}`, attempts: 0 });
  });

  t.test('retry --failed --since 2h re-queues only the failed events received in the window', async (t) => {
    const { url, db } = await freshDatabase(t);
    const recent = await seed(db, { eventId: 'rt-recent', status: 'failed', receivedHoursAgo: 1 });
    const old = await seed(db, { eventId: 'rt-old', status: 'failed', receivedHoursAgo: 5 });
    const completed = await seed(db, { eventId: 'rt-done', status: 'completed', receivedHoursAgo: 1 });
    const pending = await seed(db, { eventId: 'rt-waiting', receivedHoursAgo: 1 });
    // A permanently failed job graphile-worker kept for the recent event: retry must replace it.
    await db.query(sql.unsafe`
      insert into graphile_worker._private_jobs (task_id, payload, attempts, max_attempts, last_error, key)
      select id, json_build_object('eventLogId', ${recent}::bigint), 12, 12, 'Error: boom', ${`event:${recent}`}
        from graphile_worker._private_tasks where identifier = 'zoho_student'
    `);
    const result = await jobs(url, 'retry', '--failed', '--since', '2h');
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stdout, `re-queued 1 event(s): #${recent}\n`);
    t.equal((await eventState(db, recent)).status, 'pending');
    t.match(
      await jobOf(db, recent),
      { attempts: 0, max_attempts: 12, last_error: null },
      'the failed job was replaced',
    );
    t.equal((await eventState(db, old)).status, 'failed', 'outside the window: untouched');
    t.equal(await jobOf(db, old), null);
    t.equal((await eventState(db, completed)).status, 'completed');
    t.equal((await eventState(db, pending)).status, 'pending');
    // graphile-worker never overwrites a permanently failed job: add_job clears its key
    // (it stays, dead) and adds a new one. What matters is that exactly one job of the
    // event can run, and it starts from attempt 0.
    const runnable = await db.any(sql.type(z.object({ key: z.string().nullable(), attempts: z.number() }))`
      select key, attempts from graphile_worker._private_jobs
       where is_available and (payload ->> 'eventLogId')::bigint = ${recent}
    `);
    t.same(runnable, [{ key: `event:${recent}`, attempts: 0 }], 'one runnable job for the re-queued event');
    const keys = await db.any(
      sql.type(z.object({ key: z.string() }))`select key from graphile_worker.jobs where key is not null order by key`,
    );
    t.same(
      keys.map((k) => k.key).sort(),
      [`event:${pending}`, `event:${recent}`].sort(),
      'one keyed job each for the pending and the re-queued event',
    );
  });

  t.test('retry refuses an event a live worker is running', async (t) => {
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, { eventId: 'rt-running', attempts: 1 });
    await db.query(
      sql.unsafe`update integration_events_log set status = 'processing', started_at = now() where id = ${id}`,
    );
    await db.query(sql.unsafe`
      update graphile_worker._private_jobs set attempts = 1, locked_at = now(), locked_by = 'worker-alive' where key = ${`event:${id}`}
    `);
    for (const args of [['rt-running'], ['rt-running', '--force']]) {
      const result = await jobs(url, 'retry', ...args);
      t.equal(result.code, 1, args.join(' '));
      t.match(result.stderr, /rt-running is running now/, args.join(' '));
    }
    t.equal((await eventState(db, id)).status, 'processing');
    t.match(await jobOf(db, id), { attempts: 1 }, 'its job is left alone');
  });

  t.test('an event left processing by a worker that died on its last attempt can be re-queued', async (t) => {
    // The worker was SIGKILLed during attempt 12 of 12. startHeartbeat's unlockDeadWorkers
    // then calls graphile_worker.force_unlock_workers: the job is unlocked but, with
    // attempts = max_attempts, it never runs again; the event row stays 'processing'.
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, { eventId: 'rt-orphaned', attempts: 12 });
    await db.query(sql.unsafe`
      update integration_events_log set status = 'processing', started_at = now() - interval '1 hour' where id = ${id}
    `);
    await db.query(sql.unsafe`
      update graphile_worker._private_jobs set attempts = 12, max_attempts = 12, locked_at = null, locked_by = null
       where key = ${`event:${id}`}
    `);
    t.match(
      await jobOf(db, id),
      { attempts: 12, max_attempts: 12 },
      'state as the dead worker left it: no one runs it',
    );
    const result = await jobs(url, 'retry', 'rt-orphaned', '--force');
    t.equal(result.code, 0, `exit code (stderr: ${result.stderr.trim()})`);
    t.equal((await eventState(db, id)).status, 'pending', 'the event is waiting again');
    const runnable = await db.any(sql.type(z.object({ attempts: z.number() }))`
      select attempts from graphile_worker._private_jobs where is_available and key = ${`event:${id}`}
    `);
    t.same(runnable, [{ attempts: 0 }], 'a job that can run');
  });

  t.test('retry --failed with no failed events re-queues nothing', async (t) => {
    const { url, db } = await freshDatabase(t);
    await seed(db, { eventId: 'rt-none', status: 'completed' });
    const result = await jobs(url, 'retry', '--failed');
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stdout, 'nothing to re-queue\n');
  });

  t.test('retry needs event ids or --failed, and --since only with --failed', async (t) => {
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, { eventId: 'rt-untouched', status: 'failed' });
    const nothing = await jobs(url, 'retry');
    t.equal(nothing.code, 1);
    t.equal(stderrLines(nothing).length, 1, nothing.stderr);
    t.match(nothing.stderr, /give event ids, or --failed/);
    const both = await jobs(url, 'retry', 'rt-untouched', '--failed');
    t.equal(both.code, 1);
    const sinceAlone = await jobs(url, 'retry', 'rt-untouched', '--since', '2h');
    t.equal(sinceAlone.code, 1);
    t.match(sinceAlone.stderr, /--since goes with --failed/);
    t.equal((await eventState(db, id)).status, 'failed', 'nothing was re-queued');
  });
});

t.test('cancel', async (t) => {
  t.test('cancel <event id> on a pending event cancels it and removes its job', async (t) => {
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, { eventId: 'cx-pending' });
    const other = await seed(db, { eventId: 'cx-other' });
    t.ok(await jobOf(db, id), 'job before');
    const result = await jobs(url, 'cancel', 'cx-pending');
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stdout, `cancelled #${id} (cx-pending)\n`);
    const state = await eventState(db, id);
    t.equal(state.status, 'cancelled');
    t.ok(state.finished_at, 'finished_at set');
    t.match(state.result, { cancelled_by: 'operator' });
    t.equal(await jobOf(db, id), null, 'its job is gone');
    t.ok(await jobOf(db, other), 'another event’s job stays');
    t.equal((await eventState(db, other)).status, 'pending');
  });

  t.test('cancel of a completed event exits 1 and changes nothing', async (t) => {
    const { url, db } = await freshDatabase(t);
    const id = await seed(db, { eventId: 'cx-completed', status: 'completed' });
    const result = await jobs(url, 'cancel', 'cx-completed');
    t.equal(result.code, 1);
    t.equal(stderrLines(result).length, 1, result.stderr);
    t.match(
      result.stderr,
      /cx-completed is completed; only pending, retrying, failed or abandoned events can be cancelled/,
    );
    t.equal((await eventState(db, id)).status, 'completed');
  });

  t.test('cancel of an unknown event exits 1', async (t) => {
    const { url } = await freshDatabase(t);
    const result = await jobs(url, 'cancel', 'cx-nope');
    t.equal(result.code, 1);
    t.match(result.stderr, /unknown event cx-nope/);
  });
});

t.test('cleanup deletes settled events older than --days, failed ones only on request', async (t) => {
  const { url, db } = await freshDatabase(t);
  const days = (n: number) => n * 24;
  await seed(db, { eventId: 'cl-completed-40d', status: 'completed', receivedHoursAgo: days(40) });
  await seed(db, { eventId: 'cl-skipped-40d', status: 'skipped', receivedHoursAgo: days(40) });
  await seed(db, { eventId: 'cl-cancelled-40d', status: 'cancelled', receivedHoursAgo: days(40) });
  await seed(db, { eventId: 'cl-failed-40d', status: 'failed', receivedHoursAgo: days(40) });
  await seed(db, { eventId: 'cl-completed-10d', status: 'completed', receivedHoursAgo: days(10) });
  // Received long ago but finished recently (a retry): age counts from when it finished.
  await seed(db, {
    eventId: 'cl-completed-late',
    status: 'completed',
    receivedHoursAgo: days(40),
    finishedHoursAgo: days(2),
  });
  await seed(db, { eventId: 'cl-pending-40d', receivedHoursAgo: days(40) });
  await seed(db, { eventId: 'cl-retrying-40d', status: 'retrying', receivedHoursAgo: days(40) });
  const all = await eventIdsLeft(db);

  t.test('without --yes it only counts', async (t) => {
    const result = await jobs(url, 'cleanup', '--days', '30');
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stdout, 'would delete 3 event(s) older than 30 days; add --yes to delete\n');
    const asJson = await jobs(url, 'cleanup', '--days', '30', '--include-failed', '--json');
    t.same(parseJson(asJson), { wouldDelete: 4 });
    t.same(await eventIdsLeft(db), all, 'nothing deleted');
  });

  t.test('--yes deletes old completed, skipped and cancelled events and keeps failed ones', async (t) => {
    const result = await jobs(url, 'cleanup', '--days', '30', '--yes');
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stdout, 'deleted 3 event(s)\n');
    t.same(await eventIdsLeft(db), [
      'cl-completed-10d',
      'cl-completed-late',
      'cl-failed-40d',
      'cl-pending-40d',
      'cl-retrying-40d',
    ]);
  });

  t.test('--include-failed deletes old failed events too, never unsettled ones', async (t) => {
    const result = await jobs(url, 'cleanup', '--days', '30', '--yes', '--include-failed', '--json');
    t.equal(result.code, 0, result.stderr);
    t.same(parseJson(result), { deleted: 1 });
    t.same(await eventIdsLeft(db), ['cl-completed-10d', 'cl-completed-late', 'cl-pending-40d', 'cl-retrying-40d']);
  });

  t.test('--days must be a whole number of days', async (t) => {
    const missing = await jobs(url, 'cleanup', '--yes');
    t.equal(missing.code, 2);
    t.match(missing.stderr, /days/);
    const zero = await jobs(url, 'cleanup', '--days', '0', '--yes');
    t.equal(zero.code, 2);
    t.match(zero.stderr, /--days/);
    t.equal((await eventIdsLeft(db)).length, 4, 'nothing deleted');
  });
});

t.test('usage errors exit 2 with a message and the usage hint', async (t) => {
  const { url } = await freshDatabase(t);

  const badSince = await jobs(url, 'list', '--since', '24x');
  t.equal(badSince.code, 2);
  t.equal(badSince.stdout, '');
  t.match(badSince.stderr, /^bin\/jobs: --since must be a number .*and a unit/);
  t.match(badSince.stderr, /Run bin\/jobs --help for usage\./);

  const badStatus = await jobs(url, 'list', '--status', 'failed,bogus');
  t.equal(badStatus.code, 2);
  t.match(badStatus.stderr, /--status/);

  const unknown = await jobs(url, 'frobnicate');
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /frobnicate/);

  const none = await jobs(url);
  t.equal(none.code, 2);
  t.match(none.stderr, /give a command: status, list, show, retry, cancel or cleanup/);

  const help = await jobs(url, '--help');
  t.equal(help.code, 0);
  t.match(help.stdout, /bin\/jobs <command>/);
});

t.test('a --since window the CLI accepts never ends in a database error', async (t) => {
  // sinceSchema allows up to 6 digits with any unit; 999999w is about 19,000 years,
  // and now() - '999999 weeks' is before PostgreSQL's earliest timestamp (4713 BC).
  const { url, db } = await freshDatabase(t);
  await seed(db, { eventId: 'since-old', status: 'failed', receivedHoursAgo: 24 * 365 });
  const result = await jobs(url, 'list', '--since', '999999w', '--json');
  if (result.code === 2) {
    t.match(result.stderr, /--since/, 'rejected as a usage error naming --since');
  } else {
    t.equal(result.code, 0, `exit code (stderr: ${result.stderr.trim()})`);
    if (result.code === 0)
      t.same(
        parseJson<JsonEvent[]>(result).map((r) => r.event_id),
        ['since-old'],
        'everything is within the window',
      );
  }
});

t.test('a bad or unreachable DATABASE_URL: one line, exit 1, no password', async (t) => {
  const mysql = await runProcess(JOBS, ['status'], {
    env: { ...envWithout('LOG_LEVEL'), DATABASE_URL: 'mysql://ops:HUNTER2SECRET@db.internal/events' },
  });
  t.equal(mysql.code, 1);
  t.equal(mysql.stderr, 'bin/jobs: invalid configuration: DATABASE_URL must be a postgres:// connection URL\n');

  const closed = await runProcess(JOBS, ['list'], {
    env: { ...envWithout('LOG_LEVEL'), DATABASE_URL: 'postgres://ops:HUNTER2SECRET@127.0.0.1:1/events' },
  });
  t.equal(closed.code, 1);
  t.equal(stderrLines(closed).length, 1, closed.stderr);
  t.match(closed.stderr, /^bin\/jobs: failed: .*ECONNREFUSED/);
  t.notMatch(closed.stderr, /HUNTER2SECRET/);
  t.notMatch(closed.stderr, /embedded PostgreSQL/, 'DATABASE_URL was set: no hint about the embedded one');
});

t.test('without DATABASE_URL it exits 1 with one line saying where it looked', async (t) => {
  const result = await runProcess(JOBS, ['status'], { env: envWithout('DATABASE_URL', 'LOG_LEVEL') });
  const lines = stderrLines(result);
  if (!existsSync(EMBEDDED_CREDENTIALS)) {
    t.comment('no embedded-database credentials file: DATABASE_URL must be named as required');
    t.equal(result.code, 1);
    t.equal(result.stdout, '');
    t.same(lines, ['bin/jobs: invalid configuration: DATABASE_URL is required']);
  } else if (result.code === 0) {
    // Someone ran `npm start` here: the CLI rightly used that embedded PostgreSQL.
    t.comment(`${EMBEDDED_CREDENTIALS} exists and the embedded PostgreSQL is running: the CLI used it`);
    t.match(result.stdout, /^Events\n/);
  } else {
    t.comment(`${EMBEDDED_CREDENTIALS} exists: the CLI tried the embedded PostgreSQL, which is not running`);
    t.equal(result.code, 1);
    t.equal(result.stdout, '');
    t.equal(lines.length, 1, result.stderr);
    t.match(lines[0], /^bin\/jobs: /);
    t.match(lines[0], /embedded PostgreSQL|DATABASE_URL/);
    t.notMatch(lines[0], /postgres(ql)?:\/\/[^:@/\s]+:[^*@/\s]+@/, 'no password from the credentials file');
  }
});
