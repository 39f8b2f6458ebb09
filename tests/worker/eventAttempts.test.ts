import t from 'tap';
import { sql } from 'slonik';
import { renderEvent } from '../../bin/lib/renderEvents.ts';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { eventAttempts } from '../../shared/db/queries/eventAttempts.ts';
import { deleteSettledEvents } from '../../shared/db/queries/eventOperations.ts';
import { PermanentError, RetryableError } from '../../shared/domain/errors.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startTestWorker } from '../helpers/startTestWorker.ts';
import { waitFor } from '../helpers/waitFor.ts';

/**
 * Every attempt of an event has its own row (sql/11_event_attempts.sql): attempt number, worker,
 * start, end, duration, outcome, error, and the plan it applied. The event row keeps the last.
 */

const databaseUrl = await createTestDatabase(t);
const db = await createDbPool(databaseUrl);
t.teardown(() => db.end());

const settled = (id: number) =>
  waitFor(
    async () => {
      const event = await eventById(db, id);
      return ['completed', 'failed', 'skipped', 'cancelled'].includes(event.status) ? event : undefined;
    },
    30_000,
    `event ${id} to settle`,
  );

const PLAN = [
  { op: 'moodle.create_user', ref: 'user', user: { username: 'ada' } },
  { op: 'link.save', entity: 'student', zohoId: '555', moodleId: { ref: 'user' } },
];

t.test('a retried event keeps both attempts: the failure with its error, then the success with its plan', async (t) => {
  let calls = 0;
  const worker = await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => {
      calls++;
      if (calls === 1) throw new RetryableError('moodle.unavailable', 'Moodle answered 503');
      return { status: 'completed', result: { action: 'created', moodleId: 42, plan: PLAN } };
    },
  });
  const id = await addTestEvent(db, { recordId: '555' });
  const event = await settled(id);
  t.equal(event.status, 'completed');
  t.equal(event.attempts, 2);

  const attempts = await eventAttempts(db, id);
  t.equal(attempts.length, 2, 'one row per attempt');
  const [first, second] = attempts;
  t.match(first, {
    attempt: 1,
    worker: worker.workerId,
    outcome: 'retrying',
    error_code: 'moodle.unavailable',
    error: /Moodle answered 503/,
    action: null,
    plan: null,
    covered: 0,
  });
  t.match(second, { attempt: 2, worker: worker.workerId, outcome: 'completed', action: 'created', error_code: null });
  t.same(second!.plan, PLAN, 'the plan the attempt applied');
  for (const attempt of attempts) {
    t.ok(
      attempt.finished_at && attempt.finished_at >= attempt.started_at,
      `attempt ${attempt.attempt}: finished after it started`,
    );
    t.ok(attempt.duration_ms !== null && attempt.duration_ms >= 0, `attempt ${attempt.attempt}: its duration`);
  }
  t.ok(second!.started_at > first!.finished_at!, 'the retry started after the failure');

  const shown = renderEvent(event, null, attempts);
  t.match(shown, /Attempts/);
  t.match(shown, /retrying .*\[moodle\.unavailable\] .*Moodle answered 503/);
  t.match(shown, /completed .*created/);
  t.match(shown, /try 2: \{"op":"moodle\.create_user"/, 'bin/jobs show prints the plan applied');
});

t.test('a skipped and a permanently failed event have one attempt each, with the reason or the error', async (t) => {
  await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => {
      throw new PermanentError('zoho.validation', 'Academic_Email is missing on record 9');
    },
    'zoho.program': async () => ({ status: 'skipped', result: { reason: 'module disabled' } }),
  });
  const failed = await settled(await addTestEvent(db));
  const skipped = await settled(
    await addTestEvent(db, { entity: 'program', module: 'Products', taskIdentifier: 'zoho_program' }),
  );
  t.match(await eventAttempts(db, failed.id), [
    { attempt: 1, outcome: 'failed', error_code: 'zoho.validation', error: /Academic_Email is missing/ },
  ]);
  t.match(await eventAttempts(db, skipped.id), [{ attempt: 1, outcome: 'skipped', reason: 'module disabled' }]);
});

t.test('an attempt its worker never finished is recorded interrupted when the next one starts', async (t) => {
  const id = await addTestEvent(db);
  // As a worker killed mid-run leaves it: processing, attempt counted, no outcome.
  await db.query(sql.unsafe`
    update integration_events_log set status = 'processing', attempts = 1, started_at = now() - interval '1 minute'
     where id = ${id}`);
  await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => ({ status: 'completed', result: { action: 'unchanged' } }),
  });
  const event = await settled(id);
  t.equal(event.attempts, 2);
  const attempts = await eventAttempts(db, id);
  t.match(attempts, [
    {
      attempt: 1,
      outcome: 'interrupted',
      worker: null,
      finished_at: null,
      duration_ms: null,
      error: /stopped or lost the database/,
    },
    { attempt: 2, outcome: 'completed', action: 'unchanged', plan: null },
  ]);
});

t.test('attempts go with their event when it is pruned', async (t) => {
  await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => ({ status: 'completed', result: { action: 'unchanged' } }),
  });
  const id = await addTestEvent(db);
  await settled(id);
  t.equal((await eventAttempts(db, id)).length, 1);
  await db.query(
    sql.unsafe`update integration_events_log set finished_at = now() - interval '100 days' where id = ${id}`,
  );
  t.ok((await deleteSettledEvents(db, 90)) >= 1);
  t.same(await eventAttempts(db, id), [], 'no attempt row left behind');
});
