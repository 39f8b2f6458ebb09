import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { createMaintenanceTasks, CRONTAB } from '../../worker/maintenanceTasks.ts';
import { parseCrontab } from 'graphile-worker';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { addTestEvent } from '../helpers/testEvents.ts';

t.test('the crontab parses and schedules the retention cleanup with a fixed id', async (t) => {
  const items = parseCrontab(CRONTAB);
  t.same(items.map((i) => [i.task, i.identifier]), [['maintenance_prune_events', 'prune_events'], ['grades_btec_rules', 'btec_rules']]);
});

t.test('maintenance_prune_events deletes settled events past events.retention and keeps the rest', async (t) => {
  const db = await createDbPool(await createTestDatabase(t));
  t.teardown(() => db.end());
  const age = async (status: string, days: number) => {
    const id = await addTestEvent(db);
    await db.query(sql.unsafe`
      update integration_events_log set status = ${status}, finished_at = now() - make_interval(days => ${days}) where id = ${id}`);
    return id;
  };
  await db.query(sql.unsafe`update app_settings set value = '{"completed_days": 10, "failed_days": 30}' where key = 'events.retention'`);
  const oldCompleted = await age('completed', 11);
  const youngCompleted = await age('completed', 9);
  const oldSkipped = await age('skipped', 11);
  const failedKept = await age('failed', 20);
  const failedOld = await age('failed', 31);
  const pending = await addTestEvent(db);
  const { maintenance_prune_events: prune } = createMaintenanceTasks({ db, log: createLogger({ service: 'test', level: 'silent' }) });
  await prune!({}, {} as never);
  const left = await db.anyFirst(sql.type(z.object({ id: z.coerce.number() }))`select id from integration_events_log order by id`);
  t.same(left, [youngCompleted, failedKept, pending].sort((a, b) => a - b));
  t.notOk(left.includes(oldCompleted) || left.includes(oldSkipped) || left.includes(failedOld));
});
