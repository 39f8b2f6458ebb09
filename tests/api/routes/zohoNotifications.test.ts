import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { channelTokenDigest, newChannelToken } from '../../../shared/crypto/channelToken.ts';
import { listZohoChannels, saveZohoChannel } from '../../../shared/db/queries/zohoChannels.ts';
import { countRows } from '../../helpers/eventRows.ts';
import { scrape } from '../../helpers/scrapeMetrics.ts';
import { startTestApp } from '../../helpers/startTestApp.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef0123456789';
const app = await startTestApp(t, { METRICS_TOKEN });
const TOKEN = newChannelToken();
const CHANNEL = '123456789012345';
const hour = 3_600_000;

await saveZohoChannel(app.db, {
  channelId: CHANNEL,
  module: 'BTEC_Students',
  events: ['BTEC_Students.create', 'BTEC_Students.edit', 'BTEC_Students.delete'],
  notifyUrl: `${app.url}/v1/notifications/zoho`,
  tokenSha256: channelTokenDigest(TOKEN),
  expiresAt: new Date(Date.now() + 100 * hour),
});
await saveZohoChannel(app.db, {
  channelId: '99',
  module: 'BTEC_Classes',
  events: ['BTEC_Classes.edit'],
  notifyUrl: `${app.url}/v1/notifications/zoho`,
  tokenSha256: channelTokenDigest(TOKEN),
  expiresAt: new Date(Date.now() - hour),
});

function callback(overrides: Record<string, unknown> = {}) {
  return {
    server_time: 1764770000000,
    query_params: {},
    module: 'BTEC_Students',
    resource_uri: 'https://www.zohoapis.com/crm/v8/BTEC_Students',
    ids: ['5001', '5002', '5003'],
    affected_fields: [{ 5001: ['Last_Name'] }, { 5002: ['Student_Moodle_ID'] }],
    operation: 'update',
    channel_id: CHANNEL,
    token: TOKEN,
    ...overrides,
  };
}

async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${app.url}/v1/notifications/zoho`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const rowsOf = (recordId: string) =>
  app.db.any(sql.type(
    z.object({
      event_id: z.string(),
      event_type: z.string(),
      dedupe: z.string(),
      entity: z.string(),
      payload: z.unknown(),
    }),
  )`
  select event_id, event_type, dedupe, entity, payload from integration_events_log where record_id = ${recordId} order by id`);

t.test('a callback with three ids is three events in one transaction, one waiting job per record', async (t) => {
  const before = await countRows(app.db);
  const res = await post(callback());
  t.equal(res.status, 202);
  t.same(res.body, { status: 'accepted', accepted: 3, duplicates: 0 });
  t.same(await countRows(app.db), { events: before.events + 3, jobs: before.jobs + 3 });
  const [row] = await rowsOf('5001');
  t.match(row, {
    event_id: `notify:${CHANNEL}:5001:update:1764770000000`,
    event_type: 'updated',
    dedupe: 'coalesce',
    entity: 'student',
    payload: { via: 'zoho_notification', channel_id: CHANNEL, operation: 'update', affected_fields: ['Last_Name'] },
  });
  t.match((await rowsOf('5003'))[0]?.payload, { affected_fields: null }, 'no affected fields named for 5003');
  const keys = await app.db.anyFirst(
    sql.type(
      z.object({ key: z.string() }),
    )`select key from graphile_worker.jobs where key like 'zoho:BTEC_Students:500%' order by key`,
  );
  t.same(keys, ['zoho:BTEC_Students:5001', 'zoho:BTEC_Students:5002', 'zoho:BTEC_Students:5003']);
  const channel = (await listZohoChannels(app.db)).find((c) => c.channel_id === CHANNEL);
  t.equal(channel?.deliveries, 1, 'the delivery is counted on the channel');
  t.ok(channel?.last_delivery_at, 'and its time kept');
});

t.test('a redelivery is stored once; a later change of the same record coalesces into its waiting job', async (t) => {
  const before = await countRows(app.db);
  const again = await post(callback());
  t.equal(again.status, 200);
  t.same(again.body, { status: 'duplicate', accepted: 0, duplicates: 3 });
  t.same(await countRows(app.db), before, 'nothing new');
  const later = await post(
    callback({ server_time: 1764770009999, ids: ['5001'], operation: 'delete', affected_fields: [] }),
  );
  t.equal(later.status, 202);
  t.same(
    await countRows(app.db),
    { events: before.events + 1, jobs: before.jobs },
    'a new event, no second job for the record',
  );
  t.same(
    (await rowsOf('5001')).map((r) => r.event_type),
    ['updated', 'deleted'],
  );
});

t.test('a wrong token, an unknown channel or an expired channel is 401 and writes nothing', async (t) => {
  const before = await countRows(app.db);
  const forged = await post(callback({ token: 'guessed-token', ids: ['6001'] }));
  t.equal(forged.status, 401);
  t.match(forged.body, { error: 'invalid_channel_token' });
  const unknown = await post(callback({ channel_id: '1', ids: ['6001'] }));
  t.equal(unknown.status, 401);
  t.same(unknown.body.error, 'invalid_channel_token', 'the same answer as a wrong token');
  const noToken = await post(callback({ token: undefined, ids: ['6001'] }));
  t.equal(noToken.status, 401);
  const numericId = await post(callback({ channel_id: 77, ids: ['6001'] }));
  t.equal(numericId.status, 401, 'a channel id sent as a number is looked up like a string');
  const expired = await post(callback({ channel_id: '99', module: 'BTEC_Classes', ids: ['6001'] }));
  t.equal(expired.status, 401);
  t.match(expired.body, { error: 'channel_expired', message: /expired at .*bin\/zoho connect/ });
  t.same(await countRows(app.db), before);
  t.notMatch(JSON.stringify(app.logs), TOKEN, 'the token is never logged');
});

t.test('a verified callback of the wrong shape or module is 400 and writes nothing', async (t) => {
  const before = await countRows(app.db);
  const noIds = await post(callback({ ids: [] }));
  t.equal(noIds.status, 400);
  t.match(noIds.body, { error: 'invalid_notification', issues: [{ path: 'ids' }] });
  const badOperation = await post(callback({ operation: 'merge' }));
  t.match(badOperation.body, { error: 'invalid_notification', issues: [{ path: 'operation' }] });
  const otherModule = await post(callback({ module: 'BTEC_Teachers' }));
  t.equal(otherModule.status, 400);
  t.match(otherModule.body, { message: /watches BTEC_Students, not BTEC_Teachers/ });
  const notJson = await post('ids=1', { 'content-type': 'application/x-www-form-urlencoded' });
  t.equal(notJson.status, 415);
  const broken = await post('{"ids": [', { 'content-type': 'application/json' });
  t.equal(broken.status, 400);
  t.same(await countRows(app.db), before);
});

t.test('ids repeated in one callback are one event', async (t) => {
  const res = await post(callback({ server_time: 1764770100000, ids: ['7001', '7001'] }));
  t.same(res.body, { status: 'accepted', accepted: 1, duplicates: 0 });
});

t.test('callbacks are counted with the webhooks, as entity notification; channel expiry is a gauge', async (t) => {
  const scraped = await scrape(`${app.url}/metrics`, METRICS_TOKEN);
  t.ok(
    (scraped.value('mzsync_webhooks_received_total', { source: 'zoho', entity: 'notification', code: '202' }) ?? 0) >=
      3,
  );
  t.ok(
    (scraped.value('mzsync_webhooks_received_total', { source: 'zoho', entity: 'notification', code: '401' }) ?? 0) >=
      5,
  );
  t.ok((scraped.value('mzsync_zoho_channel_expiry_seconds', { module: 'BTEC_Students' }) ?? 0) > 99 * 3600);
  t.ok((scraped.value('mzsync_zoho_channel_expiry_seconds', { module: 'BTEC_Classes' }) ?? 0) < 0, 'expired: negative');
  t.equal(scraped.value('mzsync_zoho_channel_renewal_failing', { module: 'BTEC_Classes' }), 0);
});
