import t from 'tap';
import { sql } from 'slonik';
import { startTestApp } from '../../helpers/startTestApp.ts';
import { addTestEvent } from '../../helpers/testEvents.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';

t.test('with ADMIN_TOKEN the admin API answers status and event lists to the token only', async (t) => {
  const app = await startTestApp(t, { ADMIN_TOKEN });
  const failed = await addTestEvent(app.db, { recordId: '42' });
  await addTestEvent(app.db, { recordId: '43' });
  await app.db.query(sql.unsafe`update integration_events_log set status = 'failed', last_error = 'boom' where id = ${failed}`);
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  const status = await fetch(`${app.url}/v1/admin/status`, { headers: auth });
  t.equal(status.status, 200);
  t.match(await status.json(), { events: { failed: 1, pending: 1 }, jobs: { waiting: 2 } });

  const list = await fetch(`${app.url}/v1/admin/events?status=failed&since=24h`, { headers: auth });
  const rows = (await list.json()) as { id: number; last_error: string }[];
  t.same(rows.map((r) => [r.id, r.last_error]), [[failed, 'boom']]);

  const bad = await fetch(`${app.url}/v1/admin/events?since=yesterday`, { headers: auth });
  t.equal(bad.status, 400);
  t.match(await bad.json(), { error: 'invalid_query', issues: [{ path: 'since' }] });

  for (const headers of [{}, { authorization: `Bearer ${ADMIN_TOKEN.slice(1)}` }]) {
    const denied = await fetch(`${app.url}/v1/admin/status`, { headers });
    t.equal(denied.status, 401);
  }
});

t.test('without ADMIN_TOKEN there is no admin API', async (t) => {
  const app = await startTestApp(t);
  const res = await fetch(`${app.url}/v1/admin/status`, { headers: { authorization: 'Bearer anything-at-all-0123456789abcdef' } });
  t.equal(res.status, 404);
});
