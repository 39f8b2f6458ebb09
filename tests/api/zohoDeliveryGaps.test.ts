import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { createZohoDeliveryGaps } from '../../api/createZohoDeliveryGaps.ts';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { recordWebhookEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

/** Zoho drops deliveries it could not make: the ingress queues a catch-up for each gap it sees. */

const db = await createDbPool(await createTestDatabase(t));
t.teardown(() => db.end());
const log = createLogger({ service: 'test', level: process.env.TEST_LOG ? 'debug' : 'silent' });
const jobSchema = z.object({
  key: z.string().nullable(),
  payload: z.object({ since: z.string(), reason: z.string() }),
});
const catchUps = () =>
  db.any(sql.type(jobSchema)`
  select j.key, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
   where k.identifier = 'zoho_catch_up' order by j.id`);
const delivery = (eventId: string, payload: Record<string, unknown> = {}) =>
  recordWebhookEvent(db, {
    source: 'zoho',
    eventId,
    eventType: 'updated',
    entity: 'student',
    module: 'BTEC_Students',
    recordId: '5725767000000000001',
    dedupe: 'event_id',
    taskIdentifier: 'zoho.student',
    payload,
    jobKey: null,
  });

t.test('first start: no delivery ever, no catch-up', async (t) => {
  await createZohoDeliveryGaps({ db, log }).start();
  t.same(await catchUps(), []);
});

t.test(
  'a start after deliveries: catch-up from the last one Zoho sent (not from events we queued ourselves)',
  async (t) => {
    await delivery('zoho-1');
    const [{ received_at: last }] = (await db.any(
      sql.type(
        z.object({ received_at: z.coerce.date() }),
      )`select received_at from integration_events_log where event_id = 'zoho-1'`,
    )) as [{ received_at: Date }];
    await new Promise((resolve) => setTimeout(resolve, 20));
    await delivery('sync:nightly:1', { cause: 'reconciliation' });
    await createZohoDeliveryGaps({ db, log }).start();
    const jobs = await catchUps();
    t.equal(jobs.length, 1);
    t.equal(jobs[0]!.payload.since, last.toISOString(), 'since the last delivery from Zoho');
    t.match(jobs[0]!.payload.reason, /the ingress started/);
    await createZohoDeliveryGaps({ db, log }).start();
    t.equal((await catchUps()).length, 1, 'two ingress processes starting together: one job (keyed by the moment)');
  },
);

t.test(
  'refused deliveries then an accepted one: one catch-up from the last accepted before the refusals',
  async (t) => {
    await db.query(
      sql.unsafe`delete from graphile_worker._private_jobs where task_id in (select id from graphile_worker._private_tasks where identifier = 'zoho_catch_up')`,
    );
    const gaps = createZohoDeliveryGaps({ db, log });
    gaps.accepted();
    const before = new Date();
    gaps.refused();
    gaps.refused();
    t.same(await catchUps(), [], 'nothing while refusing');
    gaps.accepted();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const jobs = await catchUps();
    t.equal(jobs.length, 1);
    t.ok(Date.parse(jobs[0]!.payload.since) <= before.getTime(), 'from the last accepted delivery before the gap');
    t.match(jobs[0]!.payload.reason, /refused Zoho deliveries from .* \(database unavailable\)/);
    gaps.accepted();
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal((await catchUps()).length, 1, 'accepted again without a gap: nothing more');
  },
);
