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
  t.same(
    items.map((i) => [i.task, i.identifier]),
    [
      ['maintenance_prune_events', 'prune_events'],
      ['grades_btec_rules', 'btec_rules'],
      ['sync_recent_changes', 'sync_recent'],
      ['zoho_channels_renew', 'zoho_channels_renew'],
    ],
  );
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
  await db.query(
    sql.unsafe`update app_settings set value = '{"completed_days": 10, "failed_days": 30}' where key = 'events.retention'`,
  );
  const oldCompleted = await age('completed', 11);
  const youngCompleted = await age('completed', 9);
  const oldSkipped = await age('skipped', 11);
  const failedKept = await age('failed', 20);
  const failedOld = await age('failed', 31);
  const pending = await addTestEvent(db);
  const { maintenance_prune_events: prune } = createMaintenanceTasks({
    db,
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  await prune!({}, {} as never);
  const left = await db.anyFirst(
    sql.type(z.object({ id: z.coerce.number() }))`select id from integration_events_log order by id`,
  );
  t.same(
    left,
    [youngCompleted, failedKept, pending].sort((a, b) => a - b),
  );
  t.notOk(left.includes(oldCompleted) || left.includes(oldSkipped) || left.includes(failedOld));
});

t.test(
  'sync_recent_changes queues the Zoho records modified within sync.reconcile.since_hours, once a night',
  async (t) => {
    const { startZohoTestSetup } = await import('../helpers/zohoTestSetup.ts');
    const { zoho: sim, client: zoho, db, log } = await startZohoTestSetup(t);
    const [recent] = sim.seed('BTEC_Students', [{ First_Name: 'New', Academic_Email: 'new@college.example' }]);
    const [old] = sim.seed('BTEC_Students', [
      { First_Name: 'Old', Academic_Email: 'old@college.example', Modified_Time: '2020-01-01T00:00:00+00:00' },
    ]);
    const { sync_recent_changes: run } = createMaintenanceTasks({ db, log, zoho });
    const queued = async () =>
      db.anyFirst(
        sql.type(
          z.object({ record_id: z.string() }),
        )`select record_id from integration_events_log where event_id like 'sync:nightly-%' order by id`,
      );

    await run!({}, {} as never);
    t.same(await queued(), [recent], 'only the record modified lately');
    await run!({}, {} as never);
    t.same(await queued(), [recent], 'a second run the same night queues nothing again');
    t.ok(old);

    await db.query(sql.unsafe`delete from integration_events_log`);
    await db.query(
      sql.unsafe`update app_settings set value = '{"enabled": false, "since_hours": 26}' where key = 'sync.reconcile'`,
    );
    await run!({}, {} as never);
    t.same(await queued(), [], 'off when sync.reconcile.enabled is false');
    const { sync_recent_changes: withoutZoho } = createMaintenanceTasks({ db, log });
    await db.query(
      sql.unsafe`update app_settings set value = '{"enabled": true, "since_hours": 26}' where key = 'sync.reconcile'`,
    );
    await withoutZoho!({}, {} as never);
    t.same(await queued(), [], 'nothing without a Zoho client');
  },
);

t.test("sync_recent_changes compares Zoho's datetimes in the org's own offset (+05:30), not as UTC", async (t) => {
  const { startZohoTestSetup } = await import('../helpers/zohoTestSetup.ts');
  const { zoho: sim, client: zoho, db, log } = await startZohoTestSetup(t, { utcOffset: '+05:30' });
  // 27 hours ago, written on an Indian org's clock: read as UTC it would look 21.5 hours old.
  const at = new Date(Date.now() - 27 * 3_600_000 + 330 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+05:30');
  const [old] = sim.seed('BTEC_Students', [
    { First_Name: 'Old', Academic_Email: 'old@college.example', Modified_Time: at },
  ]);
  const [recent] = sim.seed('BTEC_Students', [{ First_Name: 'New', Academic_Email: 'new@college.example' }]);
  t.match(sim.record('BTEC_Students', recent!)!.Modified_Time, /\+05:30$/, 'the simulated org writes its own offset');
  const { sync_recent_changes: run } = createMaintenanceTasks({ db, log, zoho });
  await run!({}, {} as never);
  const queued = await db.anyFirst(
    sql.type(
      z.object({ record_id: z.string() }),
    )`select record_id from integration_events_log where event_id like 'sync:nightly-%' order by id`,
  );
  t.same(queued, [recent], `only the recent one; ${old} is 27 hours old (past sync.reconcile.since_hours 26)`);
});

t.test(
  'zoho_catch_up queues what Zoho changed since the gap began, no further back than the nightly run covers',
  async (t) => {
    const { startZohoTestSetup } = await import('../helpers/zohoTestSetup.ts');
    const { zoho: sim, client: zoho, db, log } = await startZohoTestSetup(t);
    const stamp = (hoursAgo: number) =>
      new Date(Date.now() - hoursAgo * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const [beforeGap, inGap] = sim.seed('BTEC_Students', [
      { First_Name: 'Before', Academic_Email: 'before@college.example', Modified_Time: stamp(3) },
      { First_Name: 'During', Academic_Email: 'during@college.example', Modified_Time: stamp(1) },
    ]);
    const [tooOld] = sim.seed('BTEC_Teachers', [{ Name: 'Old Teacher', Modified_Time: stamp(40) }]);
    const { zoho_catch_up: run } = createMaintenanceTasks({ db, log, zoho });
    const queued = async () =>
      db.anyFirst(
        sql.type(
          z.object({ record_id: z.string() }),
        )`select record_id from integration_events_log where event_id like 'sync:catchup-%' order by id`,
      );

    await run!({ since: new Date(Date.now() - 2 * 3_600_000).toISOString(), reason: 'test' }, {} as never);
    t.same(await queued(), [inGap], `only the record modified in the gap (${beforeGap} is older)`);
    await run!({ since: new Date(Date.now() - 72 * 3_600_000).toISOString(), reason: 'test' }, {} as never);
    t.notOk(
      (await queued()).includes(tooOld!),
      'a gap older than sync.reconcile.since_hours is left to the nightly runs that covered it',
    );
    t.ok((await queued()).includes(beforeGap!), 'within since_hours it is queued');

    await t.rejects(
      async () => run!({ since: 'yesterday', reason: 'test' }, {} as never),
      'a malformed payload is refused',
    );
    await db.query(sql.unsafe`delete from integration_events_log`);
    await db.query(
      sql.unsafe`update app_settings set value = '{"enabled": false, "since_hours": 26}' where key = 'sync.reconcile'`,
    );
    await run!({ since: new Date(Date.now() - 3_600_000).toISOString(), reason: 'test' }, {} as never);
    t.same(await queued(), [], 'off with sync.reconcile.enabled false');
  },
);
