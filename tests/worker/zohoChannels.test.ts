import { Writable } from 'node:stream';
import t from 'tap';
import { sql } from 'slonik';
import { saveSetting } from '../../shared/db/queries/appSettings.ts';
import { listZohoChannels } from '../../shared/db/queries/zohoChannels.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { createMaintenanceTasks } from '../../worker/maintenanceTasks.ts';
import {
  connectZohoChannels,
  disconnectZohoChannels,
  notifyUrlFor,
  renewZohoChannels,
} from '../../worker/zohoChannels/manageZohoChannels.ts';
import { startZohoTestSetup } from '../helpers/zohoTestSetup.ts';

const day = 86_400_000;
let clock = Date.parse('2026-12-04T10:00:00Z');
const { zoho, db, client } = await startZohoTestSetup(t, { now: () => clock });
const lines: Record<string, unknown>[] = [];
const log = createLogger({
  service: 'test',
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  }),
});
const deps = { db, zoho: client, log, now: () => new Date(clock) };
const PUBLIC_URL = 'https://sync.college.example/base/';

t.test('the notify URL keeps a path of PUBLIC_URL', async (t) => {
  t.equal(notifyUrlFor(PUBLIC_URL), 'https://sync.college.example/base/v1/notifications/zoho');
  t.equal(notifyUrlFor('https://sync.college.example'), 'https://sync.college.example/v1/notifications/zoho');
});

t.test(
  'connect: a channel per enabled module, in one call; again: renewed, and a switched-off module disabled',
  async (t) => {
    await saveSetting(db, 'modules.enabled', { BTEC_Payments: false });
    const first = await connectZohoChannels(deps, PUBLIC_URL);
    t.equal(first.length, 8);
    t.ok(first.every((r) => r.ok && r.step === 'create'));
    t.equal(
      zoho.calls.filter((c) => c.method === 'POST' && c.path === '/crm/v8/actions/watch').length,
      1,
      'all channels in one request',
    );
    t.notOk(
      zoho.channels().some((c) => c.module === 'BTEC_Payments'),
      'no channel for a switched-off module',
    );

    clock += day;
    await saveSetting(db, 'modules.enabled', { BTEC_Grades: false });
    const second = await connectZohoChannels(deps, PUBLIC_URL);
    t.same(second.filter((r) => r.step === 'renew').length, 7);
    t.match(
      second.find((r) => r.module === 'BTEC_Payments'),
      { step: 'create', ok: true },
    );
    t.match(
      second.find((r) => r.module === 'BTEC_Grades'),
      { step: 'disable', ok: true, detail: /modules\.enabled\.BTEC_Grades is false/ },
    );
    const rows = await listZohoChannels(db);
    t.equal(rows.length, 8);
    t.ok(
      rows.every((r) => r.expires_at.getTime() > clock + 6.9 * day),
      'every channel a week ahead of the clock',
    );
    await saveSetting(db, 'modules.enabled', {});
  },
);

t.test('the renewal: a channel expiring tomorrow is renewed; one with days left is kept', async (t) => {
  const before = await listZohoChannels(db);
  clock += 5.5 * day; // the channels expire in about 1.5 days: due
  const reports = await renewZohoChannels(deps);
  t.ok(reports.length === before.length && reports.every((r) => r.ok && r.step === 'renew'), 'all renewed');
  const after = await listZohoChannels(db);
  t.ok(
    after.every((r) => r.expires_at.getTime() > clock + 6.9 * day && r.renewed_at),
    'a week from the new now',
  );
  t.same(
    after.map((r) => r.channel_id).sort(),
    before.map((r) => r.channel_id).sort(),
    'the same channels (renewed, not replaced)',
  );
  t.ok(
    zoho.channels().every((c) => c.expiresAt > clock + 6.9 * day),
    'Zoho has the new expiry',
  );
  t.same(await renewZohoChannels(deps), [], 'nothing due right after');
});

t.test('a failed renewal is loud: logged, kept on the channel, and retried by the next run', async (t) => {
  clock += 5.5 * day;
  zoho.failNext('/crm/v8/actions/watch', 'http500', { times: 10 });
  lines.length = 0;
  await t.rejects(renewZohoChannels(deps));
  zoho.clearFailures();
  t.ok(
    lines.some((l) => l.level === 50 && /could not be renewed/.test(String(l.msg))),
    'an error in the log',
  );
  const failing = await listZohoChannels(db);
  t.ok(
    failing.every((r) => r.renewal_error && r.renewal_failed_at),
    'every due channel says why',
  );
  const retried = await renewZohoChannels(deps);
  t.ok(retried.every((r) => r.ok));
  t.ok(
    (await listZohoChannels(db)).every((r) => r.renewal_error === null),
    'a renewal that works clears the failure',
  );
});

t.test('a channel Zoho no longer knows is made again; an expired one too', async (t) => {
  const [gone, expired] = await listZohoChannels(db);
  await client.watch.disable([gone!.channel_id]); // someone disabled it in Zoho
  await db.query(
    sql.unsafe`update zoho_notification_channels set expires_at = ${sql.timestamp(new Date(clock - 1000))} where channel_id = ${expired!.channel_id}`,
  );
  clock += 5.5 * day;
  const reports = await renewZohoChannels(deps);
  t.match(
    reports.find((r) => r.module === gone!.module),
    { step: 'create', ok: true },
  );
  t.match(
    reports.find((r) => r.module === expired!.module),
    { step: 'create', ok: true },
  );
  const rows = await listZohoChannels(db);
  t.not(rows.find((r) => r.module === gone!.module)?.channel_id, gone!.channel_id, 'a new channel');
  t.equal(rows.find((r) => r.module === gone!.module)?.notify_url, notifyUrlFor(PUBLIC_URL), 'at the URL it had');
  t.ok(
    zoho.channels().some((c) => c.module === gone!.module),
    'Zoho has it again',
  );
});

t.test("the worker's hourly task renews what is due by the real clock", async (t) => {
  const [row] = await listZohoChannels(db);
  clock = Date.now();
  await db.query(
    sql.unsafe`update zoho_notification_channels set expires_at = now() + interval '20 hours' where channel_id = ${row!.channel_id}`,
  );
  const tasks = createMaintenanceTasks({ db, log, zoho: client });
  await tasks.zoho_channels_renew!({}, {} as never);
  const renewed = (await listZohoChannels(db)).find((r) => r.channel_id === row!.channel_id);
  t.ok(renewed!.expires_at.getTime() > Date.now() + 6 * day, 'renewed');
  const without = createMaintenanceTasks({ db, log });
  await t.resolves(
    Promise.resolve(without.zoho_channels_renew!({}, {} as never)),
    'without Zoho configured it does nothing',
  );
});

t.test('disconnect disables every channel in Zoho and forgets them', async (t) => {
  const reports = await disconnectZohoChannels(deps);
  t.ok(reports.length >= 8 && reports.every((r) => r.ok && r.step === 'disable'));
  t.same(await listZohoChannels(db), []);
  t.same(zoho.channels(), []);
  t.same(await disconnectZohoChannels(deps), [], 'nothing left to disable');
});
