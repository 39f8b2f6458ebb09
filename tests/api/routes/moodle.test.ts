import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { countRows } from '../../helpers/eventRows.ts';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET } from '../../helpers/signing.ts';
import { startTestApp } from '../../helpers/startTestApp.ts';

const app = await startTestApp(t);

function gradeEvent(eventId: string) {
  return JSON.stringify({
    event_id: eventId,
    event_type: '\\mod_assign\\event\\submission_graded',
    entity_type: 'assign_grades',
    entity_id: 77,
    user_id: 5,
    course_id: 9,
    timestamp: 1_790_000_000,
    data: { grade: '3.00000' },
  });
}

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${app.url}${path}`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

t.test('a signed grade event is stored with its job and answered 202 after commit', async (t) => {
  const body = gradeEvent('6c1e0d7e-0000-4000-8000-000000000001');
  const res = await post('/v1/events/moodle/grade', body, signedHeaders(MOODLE_SECRET, body));
  t.equal(res.status, 202);
  t.same(res.body, { status: 'accepted', event_id: '6c1e0d7e-0000-4000-8000-000000000001' });
  const row = await app.db.one(sql.type(
    z.object({
      source: z.string(),
      entity: z.string(),
      module: z.string(),
      record_id: z.string(),
      status: z.string(),
      task_identifier: z.string(),
      key: z.string(),
    }),
  )`
    select e.source, e.entity, e.module, e.record_id, e.status, e.task_identifier, j.key
      from integration_events_log e join graphile_worker.jobs j on j.key = 'event:' || e.id
     where e.event_id = '6c1e0d7e-0000-4000-8000-000000000001'
  `);
  t.match(row, {
    source: 'moodle',
    entity: 'grade',
    module: 'assign_grades',
    record_id: '77',
    status: 'pending',
    task_identifier: 'moodle_grade',
  });
});

t.test('the same delivery again is a duplicate: 200 and no second row or job', async (t) => {
  const body = gradeEvent('dup-1');
  const first = await post('/v1/events/moodle/grade', body, signedHeaders(MOODLE_SECRET, body));
  const before = await countRows(app.db);
  const again = await post('/v1/events/moodle/grade', body, signedHeaders(MOODLE_SECRET, body));
  t.equal(first.status, 202);
  t.equal(again.status, 200);
  t.same(again.body, { status: 'duplicate', event_id: 'dup-1' });
  t.same(await countRows(app.db), before);
});

t.test('20 concurrent copies of one event give one row, one job, one 202 and 19 duplicates', async (t) => {
  const body = gradeEvent('race-1');
  const before = await countRows(app.db);
  const results = await Promise.all(
    Array.from({ length: 20 }, () => post('/v1/events/moodle/grade', body, signedHeaders(MOODLE_SECRET, body))),
  );
  t.equal(results.filter((r) => r.status === 202).length, 1);
  t.equal(results.filter((r) => r.status === 200 && r.body.status === 'duplicate').length, 19);
  t.same(await countRows(app.db), { events: before.events + 1, jobs: before.jobs + 1 });
});

t.test('rejects what it cannot trust or read, writing nothing', async (t) => {
  const body = gradeEvent('bad-1');
  const before = await countRows(app.db);
  const cases: [string, string, string, Record<string, string>, number, string][] = [
    [
      'signed with the Zoho secret',
      '/v1/events/moodle/grade',
      body,
      signedHeaders(ZOHO_SECRET, body),
      401,
      'invalid_signature',
    ],
    [
      'signature headers missing',
      '/v1/events/moodle/grade',
      body,
      { 'content-type': 'application/json' },
      401,
      'invalid_signature',
    ],
    [
      'timestamp 6 minutes old',
      '/v1/events/moodle/grade',
      body,
      signedHeaders(MOODLE_SECRET, body, { timestamp: new Date(Date.now() - 360_000) }),
      401,
      'invalid_signature',
    ],
    [
      'timestamp 6 minutes ahead',
      '/v1/events/moodle/grade',
      body,
      signedHeaders(MOODLE_SECRET, body, { timestamp: new Date(Date.now() + 360_000) }),
      401,
      'invalid_signature',
    ],
    [
      'body changed after signing',
      '/v1/events/moodle/grade',
      body.replace('77', '78'),
      signedHeaders(MOODLE_SECRET, body),
      401,
      'invalid_signature',
    ],
    ['unknown entity', '/v1/events/moodle/cohort', body, signedHeaders(MOODLE_SECRET, body), 404, 'unknown_entity'],
    [
      'text/plain',
      '/v1/events/moodle/grade',
      body,
      { ...signedHeaders(MOODLE_SECRET, body), 'content-type': 'text/plain' },
      415,
      'unsupported_media_type',
    ],
    ['not JSON', '/v1/events/moodle/grade', '{nope', signedHeaders(MOODLE_SECRET, '{nope'), 400, 'invalid_json'],
    ['a JSON array', '/v1/events/moodle/grade', '[]', signedHeaders(MOODLE_SECRET, '[]'), 400, 'invalid_body'],
    [
      'envelope without event_id',
      '/v1/events/moodle/grade',
      '{"event_type":"x"}',
      signedHeaders(MOODLE_SECRET, '{"event_type":"x"}'),
      400,
      'invalid_envelope',
    ],
  ];
  for (const [name, path, sent, headers, status, error] of cases) {
    const res = await post(path, sent, headers);
    t.equal(res.status, status, name);
    t.equal(res.body.error, error, name);
  }
  t.same(await countRows(app.db), before, 'no row and no job written');
});

t.test('accepts a signature list where a later v1 entry matches (key rotation)', async (t) => {
  const body = gradeEvent('rotation-1');
  const headers = signedHeaders(MOODLE_SECRET, body);
  headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}`;
  t.equal((await post('/v1/events/moodle/grade', body, headers)).status, 202);
});

t.test('a body over the limit is 413 with a JSON body', async (t) => {
  const body = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
  const res = await post('/v1/events/moodle/grade', body, signedHeaders(MOODLE_SECRET, body));
  t.equal(res.status, 413);
  t.equal(res.body.error, 'payload_too_large');
});

t.test('never logs signatures or bodies', async (t) => {
  const all = app.rawLogs.join('');
  t.notMatch(all, /v1,[A-Za-z0-9+/]{20}/, 'no signature in logs');
  t.notMatch(all, /submission_graded/, 'no body content in logs');
  t.ok(
    app.logs.some(
      (l) => l.msg === 'event accepted' && typeof l.reqId === 'undefined' && (l.req as { id?: string })?.id,
    ),
    'request id on lines',
  );
});

t.test("the plugin's connection test: a signed ping answers the service's version and stores nothing", async (t) => {
  const before = await countRows(app.db);
  const body = JSON.stringify({ ping: true, site: 'https://moodle.college.example' });
  const ok = await post('/v1/ping/moodle', body, signedHeaders(MOODLE_SECRET, body));
  t.equal(ok.status, 200);
  t.match(ok.body, { status: 'ok', service: 'moodle-zoho-sync', version: /^\d+\.\d+\.\d+/ });
  const wrong = await post('/v1/ping/moodle', body, signedHeaders(ZOHO_SECRET, body));
  t.equal(wrong.status, 401, 'signed with another secret');
  t.match(wrong.body, { error: 'invalid_signature', message: /MOODLE_WEBHOOK_SECRET/ });
  t.same(await countRows(app.db), before, 'no row, no job');
});
