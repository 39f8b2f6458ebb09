import t, { type Test } from 'tap';
import { sql, type DatabasePool, type DatabasePoolConnection } from 'slonik';
import { z } from 'zod';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import type { NewEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { RetryableError } from '../../shared/domain/errors.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { createEventRuns, type EventRuns } from '../../worker/createEventRuns.ts';
import { holdRecordLock, withRecordLock } from '../../shared/db/queries/recordLocks.ts';
import { eventRecordKey } from '../../shared/domain/recordKey.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';

/**
 * The claim and outcome statements (shared/db/queries/eventRuns.ts) as the worker's jobs use
 * them (worker/createEventRuns.ts), against the real PostgreSQL: what one statement does for a
 * batch of jobs, how many statements the jobs cost, and which events of a record cover which.
 */
const databaseUrl = await createTestDatabase(t);
const db = await createDbPool(databaseUrl);
t.teardown(() => db.end());
const log = createLogger({ service: 'test', level: 'silent' });

/** The pool, counting the statements sent on the connections it hands out (the lock sessions). */
function countingPool(pool: DatabasePool): { db: DatabasePool; statements: () => number } {
  let statements = 0;
  const wrap = (connection: DatabasePoolConnection) =>
    new Proxy(connection, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (['any', 'one', 'maybeOne', 'query', 'many', 'exists', 'oneFirst'].includes(String(property)))
            statements++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const proxied = new Proxy(pool, {
    get(target, property) {
      if (property === 'connect')
        return (handler: (c: DatabasePoolConnection) => Promise<unknown>) => target.connect((c) => handler(wrap(c)));
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: proxied, statements: () => statements };
}

function runsFor(t: Test, pool: DatabasePool = db, busyDelayMs = 1000): EventRuns {
  const runs = createEventRuns({ db: pool, log, busyDelayMs, sessions: 1 });
  t.teardown(() => runs.close());
  return runs;
}

const claimOf = (runs: EventRuns, id: number, jobKey = `event:${id}`) =>
  runs.claim({ eventLogId: id, taskIdentifier: 'zoho_student', jobKey });

const jobSchema = z.object({
  key: z.string().nullable(),
  priority: z.number(),
  run_at: z.coerce.date(),
  attempts: z.number(),
});
const jobOf = (key: string) =>
  db.maybeOne(sql.type(jobSchema)`select key, priority, run_at, attempts from graphile_worker.jobs where key = ${key}`);
const removeJob = (id: number) => db.query(sql.unsafe`select graphile_worker.remove_job(${`event:${id}`})`);

const grade = (recordId: string, overrides: Partial<NewEvent> = {}): Partial<NewEvent> => ({
  source: 'moodle',
  entity: 'grade',
  module: 'assign_grades',
  eventType: '\\mod_assign\\event\\submission_graded',
  taskIdentifier: 'moodle_grade',
  recordId,
  ...overrides,
});

t.test('the claims of concurrent jobs are one statement, and so are their outcomes', async (t) => {
  const counting = countingPool(db);
  const runs = runsFor(t, counting.db);
  const warmUp = await addTestEvent(db);
  const first = await claimOf(runs, warmUp);
  await runs.finish(first!.event, { status: 'completed', result: {} });
  const before = counting.statements();

  const ids = await Promise.all([1, 2, 3, 4].map(() => addTestEvent(db)));
  const claims = await Promise.all(ids.map((id) => claimOf(runs, id)));
  t.same(
    claims.map((c) => c?.state),
    ['started', 'started', 'started', 'started'],
  );
  t.equal(counting.statements() - before, 1, 'four claims, one statement');
  for (const claim of claims) {
    t.match(claim!.event, { status: 'processing', attempts: 1 }, 'marked processing, its attempt counted');
    t.ok(claim!.event.started_at, 'with its start time');
    t.same(
      await withRecordLock(db, eventRecordKey(claim!.event), async () => 'taken'),
      { acquired: false },
      'its record is held',
    );
  }

  const covered = await Promise.all(
    claims.map((claim) => runs.finish(claim!.event, { status: 'completed', result: { action: 'updated' } })),
  );
  t.same(covered, [0, 0, 0, 0]);
  t.equal(counting.statements() - before, 2, 'four outcomes, one more statement');
  for (const claim of claims) {
    t.match(await eventById(db, claim!.event.id), {
      status: 'completed',
      result: { action: 'updated' },
      error_code: null,
    });
    t.same(
      await withRecordLock(db, eventRecordKey(claim!.event), async () => 'taken'),
      { acquired: true, value: 'taken' },
      'its record is free again',
    );
  }
});

t.test('an event already final is not claimed; a row that is gone is null', async (t) => {
  const runs = runsFor(t);
  const id = await addTestEvent(db);
  await db.query(sql.unsafe`update integration_events_log set status = 'cancelled' where id = ${id}`);
  t.match(await claimOf(runs, id), { state: 'final', event: { status: 'cancelled', attempts: 0 } });
  t.equal(await claimOf(runs, 2_000_000_000), null);
});

t.test(
  'a record held elsewhere is busy: the job comes back shortly, ahead of others, without spending an attempt',
  async (t) => {
    const runs = runsFor(t, db, 5000);
    const id = await addTestEvent(db);
    const event = await eventById(db, id);
    const claim = await withRecordLock(db, eventRecordKey(event), () => claimOf(runs, id));
    t.match(claim, { acquired: true, value: { state: 'busy' } });
    t.match(await eventById(db, id), { status: 'pending', attempts: 0 }, 'not started, no attempt spent');
    const job = await jobOf(`event:${id}`);
    t.equal(job?.priority, -1);
    t.ok(job && job.run_at.getTime() > Date.now() + 3000, 'due again after the busy delay');
  },
);

t.test(
  'a record this pool holds for a running job is busy, and of two jobs of one record in a batch one runs',
  async (t) => {
    const runs = runsFor(t);
    // Dry-run events never cover each other, so neither stands aside for the other.
    const [a, b, c] = [
      await addTestEvent(db, { recordId: '444', payload: { dry_run: true } }),
      await addTestEvent(db, { recordId: '444', payload: { dry_run: true } }),
      await addTestEvent(db, { recordId: '444', payload: { dry_run: true } }),
    ];
    const first = await claimOf(runs, a);
    t.equal(first?.state, 'started');
    t.equal((await claimOf(runs, b))?.state, 'busy', 'the same session would take its own lock twice: refused');
    await runs.finish(first!.event, { status: 'skipped', result: { reason: 'dry run' } });
    const both = await Promise.all([claimOf(runs, b), claimOf(runs, c)]);
    t.same(both.map((claim) => claim?.state).sort(), ['busy', 'started'], 'one of the two runs');
    const running = both.find((claim) => claim?.state === 'started')!;
    await runs.finish(running.event, { status: 'skipped', result: { reason: 'dry run' } });
  },
);

t.test(
  'Zoho: an event stands aside for a newer one of its record, whose completed run covers every earlier one',
  async (t) => {
    const runs = runsFor(t);
    const created = await addTestEvent(db, { recordId: '555', eventType: 'created' });
    const updated = await addTestEvent(db, { recordId: '555', eventType: 'updated' });
    const deleted = await addTestEvent(db, { recordId: '555', eventType: 'deleted' });
    const newest = await eventById(db, deleted);
    const aside = await claimOf(runs, created);
    t.match(aside, { state: 'deferred', newerEventId: newest.event_id, event: { status: 'pending', attempts: 0 } });
    const recheck = await jobOf(`event:${created}`);
    t.ok(
      recheck && recheck.run_at.getTime() > Date.now() + 30_000,
      'it keeps a job, to look again later (in case the newer one never runs)',
    );

    const run = await claimOf(runs, deleted);
    t.equal(run?.state, 'started');
    t.equal(
      await runs.finish(run!.event, { status: 'completed', result: { action: 'suspended' } }),
      2,
      'covers the two earlier events',
    );
    for (const id of [created, updated]) {
      t.match(await eventById(db, id), {
        status: 'completed',
        attempts: 0,
        result: { covered_by: newest.event_id, action: 'suspended' },
      });
      t.equal(await jobOf(`event:${id}`), null, 'its waiting job is gone');
    }
  },
);

t.test('Zoho: a run covers what arrived before it started, Moodle only what is older than its own data', async (t) => {
  const runs = runsFor(t);
  for (const [source, event] of [
    ['zoho', (r: string) => ({ recordId: r })],
    ['moodle', (r: string) => grade(r)],
  ] as const) {
    const first = await addTestEvent(db, event(`66${source}`));
    const run = await claimOf(runs, first);
    t.equal(run?.state, 'started');
    // Sent before the run started, committed after it (a slow transaction): newer in id, not in time.
    const late = await addTestEvent(db, event(`66${source}`));
    await db.query(
      sql.unsafe`update integration_events_log set received_at = ${sql.timestamp(new Date(run!.event.started_at!.getTime() - 1000))} where id = ${late}`,
    );
    const after = await addTestEvent(db, event(`66${source}`));
    const covered = await runs.finish(run!.event, { status: 'completed', result: {} });
    const [lateRow, afterRow] = [await eventById(db, late), await eventById(db, after)];
    t.equal(afterRow.status, 'pending', `${source}: an event received after the run started is not covered`);
    if (source === 'zoho') {
      t.equal(covered, 1);
      t.equal(lateRow.status, 'completed', 'zoho: the record was fetched after it arrived: covered');
    } else {
      t.equal(covered, 0);
      t.equal(lateRow.status, 'pending', "moodle: its data is newer than the run's: not covered");
    }
    await removeJob(late);
    await removeJob(after);
    await db.query(
      sql.unsafe`update integration_events_log set status = 'cancelled' where id = any(${sql.array([late, after], 'int8')})`,
    );
  }
});

t.test(
  'Moodle: snapshots of one row cover each other whatever the event class; BTEC rule actions and unknown classes never',
  async (t) => {
    const runs = runsFor(t);
    const enrolment = (eventType: string) =>
      grade('777', { entity: 'enrollment', module: 'user_enrolments', taskIdentifier: 'moodle_enrollment', eventType });
    const older = await addTestEvent(db, enrolment('\\core\\event\\user_enrolment_created'));
    const unknown = await addTestEvent(db, enrolment('\\core\\event\\something_else'));
    const newer = await addTestEvent(db, enrolment('\\core\\event\\role_assigned'));
    t.equal((await claimOf(runs, older))?.state, 'deferred', 'an enrolment snapshot stands aside for a newer one');
    t.equal((await claimOf(runs, unknown))?.state, 'started', 'an unknown event class runs by itself');
    const unknownRun = await eventById(db, unknown);
    await runs.finish(unknownRun, { status: 'completed', result: {} });
    t.equal((await eventById(db, older)).status, 'pending', 'and covers nothing');
    const run = await claimOf(runs, newer);
    t.equal(await runs.finish(run!.event, { status: 'completed', result: {} }), 1);
    t.match(await eventById(db, older), {
      status: 'completed',
      result: { covered_by: (await eventById(db, newer)).event_id },
    });

    const rule = (action: string) => ({
      source: 'moodle' as const,
      entity: 'grade',
      module: 'BTEC_Grades',
      eventType: 'btec_rule',
      taskIdentifier: 'moodle_grade',
      recordId: 'C1:A1:S1',
      payload: { btec_rule: { rule: action } },
    });
    const fail = await addTestEvent(db, rule('F'));
    const refer = await addTestEvent(db, rule('RR'));
    const first = await claimOf(runs, fail);
    t.equal(first?.state, 'started', 'a BTEC rule action does not stand aside for a later one');
    t.equal(await runs.finish(first!.event, { status: 'completed', result: {} }), 0, 'nor does its run cover one');
    t.equal((await eventById(db, refer)).status, 'pending');
    await removeJob(refer);
  },
);

t.test('Zoho dry-run events neither cover nor are covered', async (t) => {
  const runs = runsFor(t);
  const real = await addTestEvent(db, { recordId: '888' });
  const dry = await addTestEvent(db, { recordId: '888', payload: { dry_run: true } });
  const run = await claimOf(runs, real);
  t.equal(run?.state, 'started', 'a real event does not stand aside for a dry run');
  t.equal(await runs.finish(run!.event, { status: 'completed', result: {} }), 0);
  t.equal((await eventById(db, dry)).status, 'pending', 'the dry run still runs, to say what it would do');
  await removeJob(dry);
});

t.test('a run that does not complete covers nothing, and the events that stood aside for it run now', async (t) => {
  const runs = runsFor(t);
  for (const outcome of [
    { status: 'skipped', result: { reason: 'own write' } },
    { status: 'retrying', errorCode: 'moodle.unavailable', error: 'Moodle answered 503' },
    { status: 'failed', errorCode: 'zoho.invalid_data', error: 'no e-mail' },
  ] as const) {
    const record = `99${outcome.status}`;
    const older = await addTestEvent(db, { recordId: record });
    const newer = await addTestEvent(db, { recordId: record });
    t.equal((await claimOf(runs, older))?.state, 'deferred');
    const run = await claimOf(runs, newer);
    t.equal(await runs.finish(run!.event, outcome), 0, `${outcome.status}: nothing covered`);
    t.equal((await eventById(db, older)).status, 'pending');
    const job = await jobOf(`event:${older}`);
    t.ok(job && job.run_at.getTime() <= Date.now() + 1000, `${outcome.status}: the one that stood aside is due now`);
    await removeJob(older);
    await removeJob(newer);
    await db.query(
      sql.unsafe`update integration_events_log set status = 'cancelled' where id = any(${sql.array([older, newer], 'int8')})`,
    );
  }
});

t.test('coalesced deliveries take the outcome of the run that replaced their job, as before', async (t) => {
  const runs = runsFor(t);
  const base = { recordId: '1010', dedupe: 'coalesce' as const, jobKey: 'zoho:BTEC_Students:1010' };
  const first = await addTestEvent(db, base);
  const last = await addTestEvent(db, base);
  const run = await claimOf(runs, last, 'zoho:BTEC_Students:1010');
  t.equal(run?.state, 'started');
  t.equal(await runs.finish(run!.event, { status: 'skipped', result: { reason: 'module disabled' } }), 1);
  t.match(await eventById(db, first), { status: 'skipped', result: { covered_by: run!.event.event_id } });
});

t.test("a handler's dependency lock waits for the record the pool holds, and is free once the run ends", async (t) => {
  const runs = runsFor(t);
  const id = await addTestEvent(db, { recordId: '1111' });
  const run = await claimOf(runs, id);
  const key = eventRecordKey(run!.event);
  const error = await holdRecordLock(db, key, 200).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(error instanceof RetryableError && error.code === 'dependency.busy', 'held by the run: busy, retryably');
  await runs.finish(run!.event, { status: 'completed', result: {} });
  const release = await holdRecordLock(db, key, 200);
  t.same(await withRecordLock(db, key, async () => 'taken'), { acquired: false }, 'held by the dependency lock');
  await release();
  await release();
  t.same(
    await withRecordLock(db, key, async () => 'taken'),
    { acquired: true, value: 'taken' },
    'released (twice is harmless)',
  );
});
