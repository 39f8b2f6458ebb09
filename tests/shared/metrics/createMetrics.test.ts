import t from 'tap';
import type { QueueSnapshot } from '../../../shared/db/queries/queueMetrics.ts';
import { createBoundedLabel } from '../../../shared/metrics/boundedLabel.ts';
import { createMetrics } from '../../../shared/metrics/createMetrics.ts';
import { zohoFunctionLabel } from '../../../shared/metrics/zohoFunctionLabel.ts';
import { parseScrape } from '../../helpers/scrapeMetrics.ts';

const read = async (metrics: ReturnType<typeof createMetrics>) => parseScrape(await metrics.registry.metrics());

t.test(
  'zohoFunctionLabel keeps methods, API words and mapped modules, and replaces ids and unknown names',
  async (t) => {
    const cases: [string, string, string][] = [
      ['GET', '/crm/v8/BTEC_Students/5725767000003000064', 'GET /crm/v8/BTEC_Students/{id}'],
      ['DELETE', '/crm/v8/BTEC_Enrollments/12', 'DELETE /crm/v8/BTEC_Enrollments/{id}'],
      ['POST', '/crm/v8/coql', 'POST /crm/v8/coql'],
      ['GET', '/crm/v8/Products/search?criteria=x', 'GET /crm/v8/Products/search'],
      ['POST', '/crm/v8/BTEC_Grades/upsert', 'POST /crm/v8/BTEC_Grades/upsert'],
      ['GET', '/crm/v8/settings/fields', 'GET /crm/v8/settings/fields'],
      ['PATCH', '/crm/v8/actions/watch', 'PATCH /crm/v8/actions/watch'],
      ['GET', '/crm/v2/Leads/77', 'GET /crm/v2/{name}/{id}'],
      ['PUT', '/crm/v8/BTEC_Students/a b', 'PUT /crm/v8/BTEC_Students/{name}'],
    ];
    for (const [method, path, label] of cases) t.equal(zohoFunctionLabel(method, path), label, `${method} ${path}`);
  },
);

t.test('a bounded label lets the first values through and turns later new ones into "other"', async (t) => {
  const label = createBoundedLabel(2);
  t.equal(label('zoho.a'), 'zoho.a');
  t.equal(label('zoho.b'), 'zoho.b');
  t.equal(label('zoho.c'), 'other');
  t.equal(label('zoho.a'), 'zoho.a', 'a value seen before still passes');
  t.equal(createBoundedLabel(5)('x'.repeat(300)).length, 100, 'cut to 100 characters');
});

t.test('each role exports its own metrics, all prefixed mzsync_, with Node default metrics', async (t) => {
  const ingress = await read(createMetrics({ role: 'ingress' }));
  const worker = await read(createMetrics({ role: 'worker' }));
  for (const scrape of [ingress, worker]) {
    t.ok(scrape.families.has('mzsync_process_cpu_seconds_total'), 'default process metrics');
    t.ok(scrape.families.has('mzsync_nodejs_eventloop_lag_p99_seconds'));
    t.same(
      [...scrape.families.keys()].filter((name) => !name.startsWith('mzsync_')),
      [],
      'every name prefixed',
    );
    t.notOk(scrape.families.has('mzsync_queue_events'), 'no queue gauges without readQueue');
  }
  t.ok(ingress.families.has('mzsync_webhooks_received_total'));
  t.notOk(ingress.families.has('mzsync_zoho_requests_total'));
  t.ok(worker.families.has('mzsync_zoho_requests_total'));
  t.notOk(worker.families.has('mzsync_webhooks_received_total'));
  for (const [name, family] of [...ingress.families, ...worker.families]) {
    if (family.type === 'counter') t.match(name, /_total$/, `${name}: a counter ends in _total`);
  }
});

t.test('labels stay within fixed sets: unknown sources, entities, kinds and error codes become "other"', async (t) => {
  const ingress = createMetrics({ role: 'ingress' });
  ingress.webhookAnswered('zoho', 'student', 202, 0.004);
  ingress.webhookAnswered('zoho', '5725767000003000064', 404, 0.001);
  ingress.webhookAnswered('moodle', 'course', 200, 0.002);
  ingress.webhookAnswered('moodle', 'student', 404, 0.001);
  ingress.webhookAnswered('ftp', 'x', 404, 0.001);
  const scraped = await read(ingress);
  t.equal(scraped.value('mzsync_webhooks_received_total', { source: 'zoho', entity: 'student', code: '202' }), 1);
  t.equal(scraped.value('mzsync_webhooks_received_total', { source: 'zoho', entity: 'other', code: '404' }), 1);
  t.equal(scraped.value('mzsync_webhooks_received_total', { source: 'moodle', entity: 'course', code: '200' }), 1);
  t.equal(
    scraped.value('mzsync_webhooks_received_total', { source: 'moodle', entity: 'other' }),
    1,
    'student is no Moodle entity',
  );
  t.equal(scraped.value('mzsync_webhooks_received_total', { source: 'other', entity: 'other' }), 1);
  t.equal(
    scraped.value('mzsync_webhook_accept_duration_seconds', { source: 'zoho', code: '202' }),
    1,
    'one latency observation',
  );

  const worker = createMetrics({ role: 'worker' });
  worker.eventFinished('zoho.student', 'completed');
  worker.eventFinished('zoho.nonsense', 'failed', 'zoho.invalid_data', 3);
  worker.eventRetrying('moodle.grade', 'moodle.unavailable');
  for (let i = 0; i < 120; i++) worker.eventFinished('zoho.student', 'failed', `zoho.code_${i}`);
  worker.moodleCall('core_user_get_users_by_field', 'ok', 0.2);
  worker.moodleCall('core_user_get_users_by_field', 'moodle.invalid_parameter', 0.1);
  worker.deadWorkersRecovered('heartbeat_stale', 0);
  const w = await read(worker);
  t.equal(w.value('mzsync_events_finished_total', { kind: 'zoho.student', outcome: 'completed', error_code: '' }), 1);
  t.equal(
    w.value('mzsync_events_finished_total', { kind: 'other', outcome: 'failed', error_code: 'zoho.invalid_data' }),
    3,
  );
  t.equal(w.value('mzsync_event_retries_total', { kind: 'moodle.grade', error_code: 'moodle.unavailable' }), 1);
  const codes = new Set(w.families.get('mzsync_events_finished_total')!.samples.map((s) => s.labels.error_code));
  t.ok(codes.size <= 102, `error codes are capped (${codes.size} label values)`);
  t.ok(codes.has('other'));
  t.equal(w.value('mzsync_moodle_requests_total', { function: 'core_user_get_users_by_field' }), 2);
  t.equal(w.value('mzsync_moodle_request_duration_seconds', { function: 'core_user_get_users_by_field' }), 2);
  t.equal(w.value('mzsync_dead_workers_recovered_total'), 0, 'recovering nobody adds nothing');
});

t.test('Zoho credits are exported only while a recent reading exists', async (t) => {
  let now = 1_000_000;
  const metrics = createMetrics({ role: 'worker', now: () => now });
  t.equal((await read(metrics)).value('mzsync_zoho_api_credits_remaining'), 0, 'no sample before Zoho reports any');
  t.equal((await read(metrics)).families.get('mzsync_zoho_api_credits_remaining')?.samples.length, 0);
  metrics.zohoCreditsRemaining(Number.NaN);
  t.equal(
    (await read(metrics)).families.get('mzsync_zoho_api_credits_remaining')?.samples.length,
    0,
    'an unreadable header is ignored',
  );
  metrics.zohoCreditsRemaining(4321);
  t.equal((await read(metrics)).value('mzsync_zoho_api_credits_remaining'), 4321);
  now += 16 * 60_000;
  t.equal(
    (await read(metrics)).families.get('mzsync_zoho_api_credits_remaining')?.samples.length,
    0,
    'dropped after 15 minutes without a reading',
  );
});

t.test('the queue gauges share one read per scrape and report what the snapshot says', async (t) => {
  let reads = 0;
  const snapshot: QueueSnapshot = {
    events: { pending: 3, processing: 1, retrying: 2, failed: 5 },
    oldestWaitingSeconds: { pending: 42.5, retrying: 900 },
    liveWorkers: 2,
    zohoChannels: [
      { module: 'BTEC_Students', expiresInSeconds: 3600, renewalFailing: true },
      { module: 'BTEC_Classes', expiresInSeconds: -60, renewalFailing: false },
    ],
  };
  let now = 0;
  const metrics = createMetrics({ role: 'ingress', now: () => now, readQueue: async () => (reads++, snapshot) });
  const scraped = await read(metrics);
  t.equal(reads, 1, 'four gauges, one query');
  t.equal(scraped.value('mzsync_database_up'), 1);
  t.equal(scraped.value('mzsync_queue_events', { status: 'failed' }), 5);
  t.equal(scraped.value('mzsync_queue_events', { status: 'pending' }), 3);
  t.equal(scraped.value('mzsync_queue_oldest_waiting_seconds', { status: 'pending' }), 42.5);
  t.equal(scraped.value('mzsync_queue_oldest_waiting_seconds', { status: 'retrying' }), 900);
  t.equal(scraped.value('mzsync_workers_live'), 2);
  t.equal(scraped.value('mzsync_zoho_channel_expiry_seconds', { module: 'BTEC_Students' }), 3600);
  t.equal(scraped.value('mzsync_zoho_channel_expiry_seconds', { module: 'BTEC_Classes' }), -60, 'expired: negative');
  t.equal(scraped.value('mzsync_zoho_channel_renewal_failing', { module: 'BTEC_Students' }), 1);
  t.equal(scraped.value('mzsync_zoho_channel_renewal_failing', { module: 'BTEC_Classes' }), 0);
  now += 5000;
  await read(metrics);
  t.equal(reads, 2, 'the next scrape reads again');
});

t.test(
  'a queue read that hangs does not hang the scrape: the database is reported down and the gauges left out',
  async (t) => {
    const metrics = createMetrics({ role: 'worker', readQueue: () => new Promise<never>(() => {}) });
    const scraped = await read(metrics);
    t.equal(scraped.value('mzsync_database_up'), 0);
    t.equal(scraped.families.get('mzsync_queue_events')?.samples.length, 0);
    t.equal(scraped.families.get('mzsync_workers_live')?.samples.length, 0, 'not reported as zero workers');
  },
);

t.test('the scrape reader used by these tests refuses what Prometheus would refuse or misread', async (t) => {
  const family = '# HELP a_total A.\n# TYPE a_total counter\n';
  t.equal(
    parseScrape(`${family}a_total{x="q\\"uote",y="line\\nbreak"} 2\n`).value('a_total', {
      x: 'q"uote',
      y: 'line\nbreak',
    }),
    2,
  );
  const refused: [string, string][] = [
    ['a_total{x=1} 2\n', 'an unquoted label value'],
    [`${family}a_total 2\n${family}`, 'a family declared twice'],
    ['# TYPE a_total counter\na_total 1\n', 'no HELP'],
    [`${family}b_total 1\n`, 'a sample of another family'],
    [`${family}a_total one\n`, 'a value that is no number'],
    [
      '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      'buckets that shrink',
    ],
    ['# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', 'no +Inf bucket'],
  ];
  for (const [text, why] of refused) t.throws(() => parseScrape(text), why);
});
