import { randomUUID } from 'node:crypto';
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createEventBatcher } from '../../api/createEventBatcher.ts';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import type { NewEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { countRows } from '../helpers/eventRows.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

const db = await createDbPool(await createTestDatabase(t));
t.teardown(() => db.end());

const event = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  source: 'moodle',
  eventId: randomUUID(),
  eventType: 'grade_updated',
  entity: 'grade',
  module: 'BTEC_Grades',
  recordId: String(Math.floor(Math.random() * 1e9)),
  dedupe: 'event_id',
  taskIdentifier: 'moodle_grade',
  payload: { n: 1 },
  jobKey: null,
  ...overrides,
});

t.test('concurrent events are written in few batches, each answered with its own row after the commit', async (t) => {
  const batcher = createEventBatcher({ db, maxBatch: 20, maxWaitMs: 2, maxInFlight: 2 });
  const before = await countRows(db);
  const events = Array.from({ length: 60 }, () => event());
  const ids = await Promise.all(events.map((e) => batcher.store(e)));
  t.equal(new Set(ids).size, 60, 'sixty distinct row ids');
  t.ok(ids.every((id) => typeof id === 'number'));
  t.same(await countRows(db), { events: before.events + 60, jobs: before.jobs + 60 }, 'a row and a job each');
  const { batches, events: written } = batcher.stats();
  t.equal(written, 60);
  t.ok(batches <= 6, `${batches} batches for 60 events`);
  const stored = await db.any(sql.type(z.object({ id: z.coerce.number(), event_id: z.string() }))`
    select id, event_id from integration_events_log where event_id = any(${sql.array(
      events.map((e) => e.eventId),
      'text',
    )})`);
  const byEventId = new Map(stored.map((r) => [r.event_id, r.id]));
  t.same(
    ids,
    events.map((e) => byEventId.get(e.eventId)),
    'each request gets the id of its own event',
  );
  const payloads = await db.anyFirst(sql.type(z.object({ p: z.unknown() }))`
    select j.payload as p from graphile_worker._private_jobs j where j.key = any(${sql.array(
      ids.map((id) => `event:${id}`),
      'text',
    )})`);
  t.equal(payloads.length, 60, 'every job has its event key `event:<id>`');
});

t.test('copies inside one batch are one row and one job; the first is new, the rest duplicates', async (t) => {
  const batcher = createEventBatcher({ db, maxBatch: 10, maxWaitMs: 5, maxInFlight: 1 });
  const before = await countRows(db);
  const one = event();
  const answers = await Promise.all([
    batcher.store(one),
    batcher.store({ ...one }),
    batcher.store(event()),
    batcher.store({ ...one }),
  ]);
  t.type(answers[0], 'number');
  t.same([answers[1], answers[3]], [null, null]);
  t.type(answers[2], 'number');
  t.same(await countRows(db), { events: before.events + 2, jobs: before.jobs + 2 });
  t.equal(batcher.stats().batches, 1, 'one batch');
  t.equal(await batcher.store({ ...one }), null, 'and later, in another batch, still a duplicate');
});

t.test('copies racing in separate batches are one row and one job', async (t) => {
  const batchers = [1, 2, 3, 4].map(() => createEventBatcher({ db, maxBatch: 5, maxWaitMs: 0, maxInFlight: 1 }));
  const before = await countRows(db);
  const one = event();
  const answers = await Promise.all(batchers.flatMap((b) => [b.store({ ...one }), b.store(event())]));
  t.equal(answers.filter((a, i) => i % 2 === 0 && a !== null).length, 1, 'one of the copies is new');
  t.same(await countRows(db), { events: before.events + 5, jobs: before.jobs + 5 });
});

t.test('coalesced deliveries of one record in a batch: a row each, one job, for the newest', async (t) => {
  const batcher = createEventBatcher({ db, maxBatch: 10, maxWaitMs: 5, maxInFlight: 1 });
  const before = await countRows(db);
  const coalesced = () =>
    event({
      source: 'zoho',
      entity: 'student',
      module: 'BTEC_Students',
      recordId: '777',
      dedupe: 'coalesce',
      taskIdentifier: 'zoho_student',
      jobKey: 'zoho:BTEC_Students:777',
      eventType: 'updated',
    });
  const ids = await Promise.all([coalesced(), coalesced(), coalesced()].map((e) => batcher.store(e)));
  t.same(await countRows(db), { events: before.events + 3, jobs: before.jobs + 1 });
  const payload = await db.oneFirst(sql.type(z.object({ p: z.object({ eventLogId: z.number() }) }))`
    select payload as p from graphile_worker._private_jobs where key = 'zoho:BTEC_Students:777'`);
  t.equal(payload.eventLogId, ids[2], "the record's job runs the newest event");
});

t.test('a batch that fails rejects exactly its members and stores none of them; the next batch is fine', async (t) => {
  const batcher = createEventBatcher({ db, maxBatch: 3, maxWaitMs: 5, maxInFlight: 1 });
  const before = await countRows(db);
  const broken = event({ eventType: null as never }); // the column is NOT NULL: the statement fails
  const first = [event(), broken, event()].map((e) => batcher.store(e));
  const second = [event(), event()].map((e) => batcher.store(e));
  const settled = await Promise.allSettled([...first, ...second]);
  t.same(
    settled.map((s) => s.status),
    ['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled'],
  );
  t.same(await countRows(db), { events: before.events + 2, jobs: before.jobs + 2 }, 'only the second batch stored');
});

t.test('with no wait each event goes at once; drain writes what waits', async (t) => {
  const batcher = createEventBatcher({ db, maxBatch: 100, maxWaitMs: 0, maxInFlight: 4 });
  t.type(await batcher.store(event()), 'number');
  const slow = createEventBatcher({ db, maxBatch: 100, maxWaitMs: 60_000, maxInFlight: 1 });
  const pending = slow.store(event());
  await slow.drain();
  t.type(await pending, 'number', 'drained long before the wait ended');
});
