import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { listMigrationFiles } from '../../shared/db/migrateDatabase.ts';
import { startTestApp } from '../helpers/startTestApp.ts';
import { databaseUrl, withAdminClient } from '../helpers/testDatabase.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    requestId: res.headers.get('x-request-id'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const app = await startTestApp(t);

t.test('GET /health answers 200 ok without touching the database', async (t) => {
  const res = await get(`${app.url}/health`);
  t.equal(res.status, 200);
  t.match(res.contentType, /^application\/json/);
  t.same(res.body, { status: 'ok' });
});

t.test('GET /health/ready answers 200 ready on a migrated database', async (t) => {
  const res = await get(`${app.url}/health/ready`);
  t.equal(res.status, 200);
  t.same(res.body, { status: 'ready', database: 'ok', migrations: 'ok', moodle: { state: 'not_configured' } });
});

t.test('an unknown path is a 404 in JSON', async (t) => {
  const res = await get(`${app.url}/no/such/path?x=1`);
  t.equal(res.status, 404);
  t.match(res.contentType, /^application\/json/);
  t.match(res.body, { status: 'error', error: 'not_found' });
  t.equal(res.body.message, 'no route for GET /no/such/path');

  const post = await fetch(`${app.url}/health`, { method: 'POST' });
  t.equal(post.status, 404, 'health is GET only');
  t.match(await post.json(), { status: 'error', error: 'not_found' });
});

t.test('every response carries an x-request-id', async (t) => {
  for (const path of ['/health', '/health/ready', '/nope']) {
    const res = await get(`${app.url}${path}`);
    t.match(res.requestId, UUID, `${path}: a generated id`);
  }
  const a = await get(`${app.url}/health`);
  const b = await get(`${app.url}/health`);
  t.not(a.requestId, b.requestId, 'a new id per request');
});

t.test('a valid incoming x-request-id is echoed back and logged; an invalid one is replaced', async (t) => {
  const echoed = await get(`${app.url}/health/ready`, { 'x-request-id': 'lb-7f3a.2024_11-22' });
  t.equal(echoed.requestId, 'lb-7f3a.2024_11-22');
  t.ok(
    app.logs.some((l) => (l.req as { id?: unknown } | undefined)?.id === 'lb-7f3a.2024_11-22'),
    'the request’s log line carries the id',
  );

  const atLimit = 'a'.repeat(100);
  t.equal(
    (await get(`${app.url}/health`, { 'x-request-id': atLimit })).requestId,
    atLimit,
    '100 characters is accepted',
  );
  for (const [name, value] of [
    ['spaces', 'not valid'],
    ['101 characters', 'a'.repeat(101)],
    ['log-injection characters', 'id"}{"level":60'],
  ] as const) {
    const res = await get(`${app.url}/health`, { 'x-request-id': value });
    t.match(res.requestId, UUID, `${name}: replaced by a generated id`);
  }
});

/** The ingress against `url` as it is, without migrating anything. */
async function startAppOn(t: Test, url: string): Promise<string> {
  return (await startTestApp(t, { LOG_LEVEL: 'warn' }, { databaseUrl: url })).url;
}

async function createEmptyDatabase(t: Test, prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database "${name}"`));
  t.teardown(() => withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`)));
  return { name, url: databaseUrl(name) };
}

t.test('GET /health/ready answers 503 unavailable when the database is not migrated', async (t) => {
  const { url } = await createEmptyDatabase(t, 'mzs_health_empty');
  const base = await startAppOn(t, url);
  const res = await get(`${base}/health/ready`);
  t.equal(res.status, 503);
  t.match(res.contentType, /^application\/json/);
  t.same(res.body, {
    status: 'unavailable',
    database: 'ok',
    migrations: 'pending',
    pending: listMigrationFiles(),
    moodle: { state: 'not_configured' },
  });
  t.same((await get(`${base}/health`)).body, { status: 'ok' }, 'liveness does not depend on the database');
});

t.test('GET /health/ready answers 503 unavailable when the database went away', async (t) => {
  const { name, url } = await createEmptyDatabase(t, 'mzs_health_gone');
  const base = await startAppOn(t, url);
  await withAdminClient((client) => client.query(`drop database "${name}" with (force)`));
  const res = await get(`${base}/health/ready`);
  t.equal(res.status, 503);
  t.same(res.body, {
    status: 'unavailable',
    database: 'unreachable',
    migrations: 'unknown',
    moodle: { state: 'not_configured' },
  });
  t.equal((await get(`${base}/health`)).status, 200, 'the process itself is still alive');
});
