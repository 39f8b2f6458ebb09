import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createMoodleClient } from '../../../shared/clients/moodle/createMoodleClient.ts';
import { createZohoClient } from '../../../shared/clients/zoho/createZohoClient.ts';
import { createZohoTokenProvider } from '../../../shared/clients/zoho/createZohoTokenProvider.ts';
import { createSecretBox } from '../../../shared/crypto/secretBox.ts';
import { createMetrics } from '../../../shared/metrics/createMetrics.ts';
import { createMoodleSimulator } from '../../../sandbox/moodleSimulator.ts';
import { parseScrape } from '../../helpers/scrapeMetrics.ts';
import { startZohoTestSetup } from '../../helpers/zohoTestSetup.ts';

const { zoho, db, log } = await startZohoTestSetup(t);
const TOKEN_PATH = '/oauth/v2/token';
const secretBox = createSecretBox(Buffer.alloc(32, 9).toString('base64'));
const credentials = {
  accountsUrl: zoho.accountsUrl,
  clientId: zoho.clientId,
  clientSecret: zoho.clientSecret,
  refreshToken: zoho.refreshToken,
};

const freePort = async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
};

t.test(
  'every HTTP request to Zoho is counted by function and outcome, with its latency and the credits header',
  async (t) => {
    const metrics = createMetrics({ role: 'worker' });
    const tokens = createZohoTokenProvider({ db, credentials, secretBox, log, metrics });
    const client = createZohoClient({
      tokens,
      log,
      apiUrl: zoho.apiUrl,
      rateLimitBaseDelayMs: 1,
      timeoutMs: 300,
      metrics,
    });
    const [id] = zoho.seed('BTEC_Students', [{ Name: 'Counted' }]);
    await client.getRecord('BTEC_Students', id!);
    zoho.failNext('*', 'http429');
    await client.getRecord('BTEC_Students', id!);
    zoho.failNext('*', 'credits_exhausted');
    await t.rejects(client.getRecord('BTEC_Students', id!), { code: 'zoho.credits_exhausted' });
    zoho.failNext('*', 'http500');
    await t.rejects(client.getRecord('BTEC_Students', id!), { code: 'zoho.unavailable' });
    zoho.failNext('*', 'invalid_token');
    await client.getRecord('BTEC_Students', id!);
    zoho.failNext('*', 'timeout');
    await t.rejects(client.getRecord('BTEC_Students', id!), { code: 'zoho.timeout' });
    await t.rejects(client.getRecord('Not_A_Module', id!));
    const offline = createZohoClient({ tokens, log, apiUrl: `http://127.0.0.1:${await freePort()}`, metrics });
    await t.rejects(offline.coql('select id from BTEC_Students where id = 1'), { code: 'zoho.network' });

    const scraped = parseScrape(await metrics.registry.metrics());
    const record = 'GET /crm/v8/BTEC_Students/{id}';
    const calls = (outcome: string, fn = record) =>
      scraped.value('mzsync_zoho_requests_total', { function: fn, outcome });
    t.equal(calls('ok'), 3, 'the first call, after the 429, after the new token');
    t.equal(calls('rate_limited'), 1, 'the 429');
    t.equal(calls('credits_exhausted'), 1);
    t.equal(calls('server_error'), 1);
    t.equal(calls('invalid_token'), 1);
    t.equal(calls('timeout'), 1);
    t.equal(calls('client_error', 'GET /crm/v8/{name}/{id}'), 1, 'an unknown module is no label of its own');
    t.equal(calls('network_error', 'POST /crm/v8/coql'), 1);
    t.equal(scraped.value('mzsync_zoho_request_duration_seconds', { function: record }), 8);
    t.equal(scraped.value('mzsync_zoho_api_credits_remaining'), 0, 'Zoho said none are left');
    t.equal(
      scraped.value('mzsync_zoho_token_refreshes_total', { outcome: 'ok' }),
      2,
      'the first token, and the one after INVALID_TOKEN',
    );
  },
);

t.test('refused and failed token refreshes are counted by outcome', async (t) => {
  const metrics = createMetrics({ role: 'worker' });
  const tokens = createZohoTokenProvider({ db, credentials, secretBox, log, metrics });
  const client = createZohoClient({ tokens, log, apiUrl: zoho.apiUrl, metrics });
  const [id] = zoho.seed('BTEC_Students', [{ Name: 'Refreshed' }]);
  await client.getRecord('BTEC_Students', id!);
  zoho.expireTokens();
  zoho.failNext(TOKEN_PATH, 'token_throttled');
  await t.rejects(client.getRecord('BTEC_Students', id!), { code: 'zoho.token_throttled' });
  zoho.setRefreshTokenValid(false);
  t.teardown(() => zoho.setRefreshTokenValid(true));
  await t.rejects(client.getRecord('BTEC_Students', id!), { code: 'zoho.invalid_credentials' });
  const unreachable = createZohoTokenProvider({
    db,
    credentials: { ...credentials, clientId: 'another.client', accountsUrl: `http://127.0.0.1:${await freePort()}` },
    secretBox,
    log,
    metrics,
  });
  await t.rejects(unreachable.getAccessToken(), { code: 'zoho.token_unavailable' });

  const scraped = parseScrape(await metrics.registry.metrics());
  const refreshes = (outcome: string) => scraped.value('mzsync_zoho_token_refreshes_total', { outcome });
  t.equal(refreshes('ok'), 0, 'the token the first test stored is read, not asked for');
  t.equal(refreshes('throttled'), 1);
  t.equal(refreshes('invalid_credentials'), 1);
  t.equal(refreshes('unavailable'), 1);
});

t.test('Moodle calls are counted by wsfunction, ok or their error code, with their latency', async (t) => {
  const moodle = await createMoodleSimulator();
  t.teardown(() => moodle.close());
  const metrics = createMetrics({ role: 'worker' });
  await createMoodleClient({ url: moodle.url, token: moodle.token, log, metrics }).getSiteInfo();
  await t.rejects(createMoodleClient({ url: moodle.url, token: 'f'.repeat(32), log, metrics }).getSiteInfo(), {
    code: 'moodle.invalid_token',
  });
  const scraped = parseScrape(await metrics.registry.metrics());
  t.equal(
    scraped.value('mzsync_moodle_requests_total', { function: 'core_webservice_get_site_info', outcome: 'ok' }),
    1,
  );
  t.equal(
    scraped.value('mzsync_moodle_requests_total', {
      function: 'core_webservice_get_site_info',
      outcome: 'moodle.invalid_token',
    }),
    1,
  );
  t.equal(scraped.value('mzsync_moodle_request_duration_seconds', { function: 'core_webservice_get_site_info' }), 2);
});
