import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { loadMoodleFixtures } from '../helpers/moodleFixtures.ts';
import { startTestApp } from '../helpers/startTestApp.ts';

const fixtures = new Map(loadMoodleFixtures().map((f) => [f.file.replace(/\.json$/, ''), f]));
const TOKEN = 'healthtoken0123456789abcdef';

/** Answers core_webservice_get_site_info with one recorded answer. */
async function moodleAnswering(t: Test, name: string): Promise<string> {
  const fixture = fixtures.get(name);
  if (!fixture) throw new Error(`no fixture ${name}`);
  const server: Server = createServer((_req, res) => {
    res.statusCode = fixture.status;
    if (fixture.status === 200) res.setHeader('content-type', 'application/json');
    res.end(fixture.status === 200 ? JSON.stringify(fixture.response) : (fixture.response_raw ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function ready(url: string) {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: (await res.json()) as { moodle: Record<string, unknown> } };
}

t.test('reports Moodle ok with its site name and the functions missing from the service', async (t) => {
  const app = await startTestApp(t, {
    MOODLE_URL: await moodleAnswering(t, 'core_webservice_get_site_info__ok'),
    MOODLE_TOKEN: TOKEN,
  });
  const { status, body } = await ready(app.url);
  t.equal(status, 200);
  t.match(body.moodle, { state: 'ok', site: 'Moodle Real Fixture Site' });
  t.ok(Array.isArray(body.moodle.missingFunctions), 'lists what the service lacks');
});

t.test('reports a wrong token or disabled web services as misconfigured, and stays ready', async (t) => {
  for (const [name, code] of [
    ['core_webservice_get_site_info__invalid_token', 'moodle.invalid_token'],
    ['core_webservice_get_site_info__webservices_disabled', 'moodle.webservices_disabled'],
    ['core_webservice_get_site_info__user_without_rest_use_capability', 'moodle.access_denied'],
  ] as const) {
    const app = await startTestApp(t, { MOODLE_URL: await moodleAnswering(t, name), MOODLE_TOKEN: TOKEN });
    const { status, body } = await ready(app.url);
    t.equal(status, 200, `${name}: the ingress still accepts events`);
    t.match(body.moodle, { state: 'misconfigured', code }, name);
  }
});

t.test('reports an unreachable Moodle', async (t) => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const app = await startTestApp(t, { MOODLE_URL: `http://127.0.0.1:${port}`, MOODLE_TOKEN: TOKEN });
  const { body } = await ready(app.url);
  t.match(body.moodle, { state: 'unreachable', code: 'moodle.network' });
});
