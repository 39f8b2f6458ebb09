import t from 'tap';
import { sql } from 'slonik';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET } from '../helpers/signing.ts';
import { scrape } from '../helpers/scrapeMetrics.ts';
import { startTestApp } from '../helpers/startTestApp.ts';
import { withAdminClient } from '../helpers/testDatabase.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef0123456789';

const post = async (url: string, body: string, headers: Record<string, string>) =>
  (await fetch(url, { method: 'POST', body, headers })).status;
const zohoBody = (eventId: string) =>
  JSON.stringify({ event_id: eventId, event_type: 'updated', module: 'BTEC_Students', record_id: '100' });
const moodleBody = (eventId: string) =>
  JSON.stringify({
    event_id: eventId,
    event_type: '\\core\\event\\user_updated',
    entity_type: 'user',
    entity_id: 5,
    timestamp: 1_790_000_000,
    data: {},
  });

t.test('without METRICS_TOKEN there is no /metrics', async (t) => {
  const app = await startTestApp(t);
  t.equal((await fetch(`${app.url}/metrics`)).status, 404);
});

t.test('/metrics asks for the METRICS_TOKEN bearer, and is not logged per scrape', async (t) => {
  const app = await startTestApp(t, { METRICS_TOKEN });
  t.equal((await fetch(`${app.url}/metrics`)).status, 401);
  const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${'x'.repeat(40)}` } });
  t.equal(wrong.status, 401);
  t.equal(wrong.headers.get('www-authenticate'), 'Bearer');
  const scraped = await scrape(`${app.url}/metrics`, METRICS_TOKEN);
  t.ok(scraped.families.has('mzsync_process_resident_memory_bytes'));
  t.notOk(
    app.logs.some((l) => (l.req as { url?: string } | undefined)?.url === '/metrics' && l.msg === 'request completed'),
    'no access log line',
  );
  t.notOk(app.rawLogs.join('').includes(METRICS_TOKEN), 'the token is never logged');
});

t.test('webhooks are counted by source, entity and status code, with their accept latency', async (t) => {
  const app = await startTestApp(t, { METRICS_TOKEN });
  const zoho = zohoBody('BTEC_Students:100:1');
  t.equal(await post(`${app.url}/v1/events/zoho/student`, zoho, signedHeaders(ZOHO_SECRET, zoho)), 202);
  t.equal(await post(`${app.url}/v1/events/zoho/student`, zoho, signedHeaders(ZOHO_SECRET, zoho)), 200, 'a duplicate');
  t.equal(
    await post(`${app.url}/v1/events/zoho/student`, zoho, signedHeaders(MOODLE_SECRET, zoho)),
    401,
    'another secret',
  );
  t.equal(
    await post(`${app.url}/v1/events/zoho/5725767000003000064`, zoho, signedHeaders(ZOHO_SECRET, zoho)),
    404,
    'not an entity',
  );
  const moodle = moodleBody('m-1');
  t.equal(
    await post(`${app.url}/v1/events/moodle/user`, moodle, signedHeaders(MOODLE_SECRET, moodle, { id: 'm-1' })),
    202,
  );
  t.equal(await post(`${app.url}/v1/events/moodle/user`, '{', signedHeaders(MOODLE_SECRET, '{')), 400);
  t.equal((await fetch(`${app.url}/v1/events/zoho/student`)).status, 404, 'a GET is no webhook');

  const scraped = await scrape(`${app.url}/metrics`, METRICS_TOKEN);
  const received = (labels: Record<string, string>) => scraped.value('mzsync_webhooks_received_total', labels);
  t.equal(received({ source: 'zoho', entity: 'student', code: '202' }), 1);
  t.equal(received({ source: 'zoho', entity: 'student', code: '200' }), 1);
  t.equal(received({ source: 'zoho', entity: 'student', code: '401' }), 1);
  t.equal(received({ source: 'zoho', entity: 'other', code: '404' }), 1, 'the record id in the URL is not a label');
  t.equal(received({ source: 'moodle', entity: 'user', code: '202' }), 1);
  t.equal(received({ source: 'moodle', entity: 'user', code: '400' }), 1);
  t.equal(received({}), 6, 'POSTs only');
  t.equal(scraped.value('mzsync_webhook_accept_duration_seconds', { source: 'zoho', code: '202' }), 1);
  t.equal(scraped.value('mzsync_webhook_accept_duration_seconds'), 6);
  const labelValues = [
    ...scraped.families.get('mzsync_webhooks_received_total')!.samples.flatMap((s) => Object.values(s.labels)),
  ];
  t.notOk(
    labelValues.some((v) => v.includes('5725767000003000064') || v.includes('BTEC_Students:100')),
    'no ids in labels',
  );
});

t.test('the queue gauges come from the database on each scrape', async (t) => {
  const app = await startTestApp(t, { METRICS_TOKEN, WORKER_DEAD_AFTER_SECONDS: '30' });
  for (const id of ['q-1', 'q-2']) {
    const body = zohoBody(id);
    await post(`${app.url}/v1/events/zoho/student`, body, signedHeaders(ZOHO_SECRET, body));
  }
  await app.db.query(
    sql.unsafe`update integration_events_log set received_at = now() - interval '5 minutes' where event_id = 'q-1'`,
  );
  await app.db.query(sql.unsafe`
    insert into worker_heartbeats (worker_id, hostname, pid, last_seen_at)
    values ('alive', 'h', 1, now()), ('dead', 'h', 2, now() - interval '10 minutes')`);
  const scraped = await scrape(`${app.url}/metrics`, METRICS_TOKEN);
  t.equal(scraped.value('mzsync_database_up'), 1);
  t.equal(scraped.value('mzsync_queue_events', { status: 'pending' }), 2);
  t.equal(scraped.value('mzsync_queue_events', { status: 'failed' }), 0);
  const oldest = scraped.value('mzsync_queue_oldest_waiting_seconds', { status: 'pending' })!;
  t.ok(oldest >= 300 && oldest < 3600, `the oldest pending event is about 5 minutes old (${oldest} s)`);
  t.equal(scraped.value('mzsync_queue_oldest_waiting_seconds', { status: 'retrying' }), 0, 'none retrying');
  t.equal(scraped.value('mzsync_workers_live'), 1, 'a heartbeat older than WORKER_DEAD_AFTER_SECONDS is not live');
});

t.test(
  'with its database gone the ingress still answers a scrape: database down, no queue figures, the 503s counted',
  async (t) => {
    const app = await startTestApp(t, { METRICS_TOKEN });
    const name = new URL(app.databaseUrl).pathname.slice(1);
    await withAdminClient((client) => client.query(`drop database "${name}" with (force)`));
    const body = zohoBody('gone-1');
    t.equal(await post(`${app.url}/v1/events/zoho/student`, body, signedHeaders(ZOHO_SECRET, body)), 503);
    const scraped = await scrape(`${app.url}/metrics`, METRICS_TOKEN);
    t.equal(scraped.value('mzsync_database_up'), 0);
    t.equal(scraped.families.get('mzsync_queue_events')?.samples.length, 0);
    t.equal(scraped.families.get('mzsync_workers_live')?.samples.length, 0);
    t.equal(scraped.value('mzsync_webhooks_received_total', { source: 'zoho', code: '503' }), 1);
  },
);
