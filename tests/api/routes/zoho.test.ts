import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { countRows } from '../../helpers/eventRows.ts';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET, ZOHO_TOKEN } from '../../helpers/signing.ts';
import { startTestApp } from '../../helpers/startTestApp.ts';

const app = await startTestApp(t);
const bearer = { authorization: `Bearer ${ZOHO_TOKEN}`, 'content-type': 'application/json' };

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${app.url}${path}`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const eventRow = (eventId: string) =>
  app.db.one(sql.type(
    z.object({
      event_type: z.string(),
      record_id: z.string(),
      dedupe: z.string(),
      entity: z.string(),
      job_key: z.string().nullable(),
    }),
  )`
    select e.event_type, e.record_id, e.dedupe, e.entity,
           (select key from graphile_worker.jobs j where j.key in ('event:' || e.id, 'zoho:' || e.module || ':' || e.record_id)) as job_key
      from integration_events_log e where e.source = 'zoho' and e.event_id = ${eventId}`);

t.test('a Standard Webhooks envelope from a Deluge function is accepted', async (t) => {
  const body = JSON.stringify({
    event_id: 'BTEC_Students:100:2026-11-20T10:00:00Z',
    event_type: 'updated',
    module: 'BTEC_Students',
    record_id: '100',
    changed_fields: ['Status'],
  });
  const res = await post('/v1/events/zoho/student', body, signedHeaders(ZOHO_SECRET, body));
  t.equal(res.status, 202);
  t.same(res.body, { status: 'accepted', event_id: 'BTEC_Students:100:2026-11-20T10:00:00Z' });
  t.match(await eventRow('BTEC_Students:100:2026-11-20T10:00:00Z'), {
    event_type: 'updated',
    record_id: '100',
    dedupe: 'event_id',
    entity: 'student',
    job_key: /^event:\d+$/,
  });
});

t.test('a plain workflow webhook with the shared token is accepted; the operation comes from ?event=', async (t) => {
  const body = JSON.stringify({ zoho_id: '200', module: 'BTEC_Classes', Modified_Time: '2026-11-20T11:00:00+00:00' });
  const res = await post('/v1/events/zoho/class?event=deleted', body, bearer);
  t.equal(res.status, 202);
  const id = 'BTEC_Classes:200:deleted:2026-11-20T11:00:00+00:00';
  t.equal(res.body.event_id, id);
  t.match(await eventRow(id), { event_type: 'deleted', dedupe: 'content' });
  const again = await post('/v1/events/zoho/class?event=deleted', body, bearer);
  t.same(again.body, { status: 'duplicate', event_id: id }, 'the same change delivered twice is one event');
});

t.test('plain webhooks as form data are accepted in token mode', async (t) => {
  const res = await post('/v1/events/zoho/program', 'zoho_id=300&module=Products', {
    authorization: `Bearer ${ZOHO_TOKEN}`,
    'content-type': 'application/x-www-form-urlencoded',
  });
  t.equal(res.status, 202);
});

t.test('deliveries without any id each get a row, and coalesce into one waiting job per record', async (t) => {
  const before = await countRows(app.db);
  const body = JSON.stringify({ zoho_id: '400', module: 'BTEC_Students' });
  const answers = await Promise.all([1, 2, 3].map(() => post('/v1/events/zoho/student', body, bearer)));
  t.same(
    answers.map((a) => a.status),
    [202, 202, 202],
  );
  t.equal(new Set(answers.map((a) => a.body.event_id)).size, 3, 'three distinct generated ids');
  t.same(await countRows(app.db), { events: before.events + 3, jobs: before.jobs + 1 });
  const keys = await app.db.anyFirst(
    sql.type(z.object({ key: z.string() }))`select key from graphile_worker.jobs where key like 'zoho:%400'`,
  );
  t.same(keys, ['zoho:BTEC_Students:400']);
});

t.test('authentication failures are 401 and write nothing', async (t) => {
  const before = await countRows(app.db);
  const plain = JSON.stringify({ zoho_id: '500', module: 'BTEC_Students' });
  const envelope = JSON.stringify({ event_type: 'created', module: 'BTEC_Students', record_id: '500' });
  const cases: [string, string, Record<string, string>, string][] = [
    ['no credentials at all', plain, { 'content-type': 'application/json' }, 'invalid_token'],
    ['a wrong token', plain, { ...bearer, authorization: `Bearer ${ZOHO_TOKEN}x` }, 'invalid_token'],
    ['the token without Bearer', plain, { ...bearer, authorization: ZOHO_TOKEN }, 'invalid_token'],
    ['signed with the Moodle secret', envelope, signedHeaders(MOODLE_SECRET, envelope), 'invalid_signature'],
    [
      'a bad signature even with the right token',
      envelope,
      { ...signedHeaders(MOODLE_SECRET, envelope), authorization: `Bearer ${ZOHO_TOKEN}` },
      'invalid_signature',
    ],
  ];
  for (const [name, body, headers, error] of cases) {
    const res = await post('/v1/events/zoho/student', body, headers);
    t.equal(res.status, 401, name);
    t.equal(res.body.error, error, name);
  }
  t.same(await countRows(app.db), before);
});

t.test('without ZOHO_WEBHOOK_TOKEN only signed deliveries are accepted', async (t) => {
  const signedOnly = await startTestApp(t, { ZOHO_WEBHOOK_TOKEN: '' });
  const body = JSON.stringify({ zoho_id: '600', module: 'BTEC_Students' });
  const res = await fetch(`${signedOnly.url}/v1/events/zoho/student`, { method: 'POST', body, headers: bearer });
  t.equal(res.status, 401);
  const form = await fetch(`${signedOnly.url}/v1/events/zoho/student`, {
    method: 'POST',
    body: 'zoho_id=600&module=BTEC_Students',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  t.equal(form.status, 415, 'form bodies only in token mode');
  const signed = await fetch(`${signedOnly.url}/v1/events/zoho/student`, {
    method: 'POST',
    body,
    headers: signedHeaders(ZOHO_SECRET, body),
  });
  t.equal(signed.status, 202);
});

t.test('validation failures are 400 with the issue paths, never the values', async (t) => {
  const before = await countRows(app.db);
  const body = JSON.stringify({ zoho_id: '700', module: 'BTEC_Teachers' });
  const res = await post('/v1/events/zoho/student', body, bearer);
  t.equal(res.status, 400);
  t.equal(res.body.error, 'invalid_envelope');
  t.match(res.body.issues, [{ path: 'module' }]);
  const secretish = JSON.stringify({ event_type: 'created', module: 'BTEC_Students', record_id: 'PERSONAL-DATA-123' });
  const bad = await post('/v1/events/zoho/student', secretish, signedHeaders(ZOHO_SECRET, secretish));
  t.equal(bad.status, 400);
  t.notMatch(JSON.stringify(bad.body), /PERSONAL-DATA/);
  t.equal(
    (await post('/v1/events/zoho/student?event=merged', body.replace('Teachers', 'Students'), bearer)).status,
    400,
  );
  t.same(await countRows(app.db), before);
});

t.test('unknown entities are 404 and the wrong method is 404 JSON too', async (t) => {
  const body = JSON.stringify({ zoho_id: '800', module: 'Leads' });
  const res = await post('/v1/events/zoho/lead', body, bearer);
  t.equal(res.status, 404);
  t.equal(res.body.error, 'unknown_entity');
  const get = await fetch(`${app.url}/v1/events/zoho/student`);
  t.equal(get.status, 404);
  t.equal(((await get.json()) as { error: string }).error, 'not_found');
});

t.test('the token never reaches the logs', async (t) => {
  t.notMatch(app.rawLogs.join(''), new RegExp(ZOHO_TOKEN));
});
