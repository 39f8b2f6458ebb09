import t from 'tap';
import { sql } from 'slonik';
import { startTestApp } from '../../helpers/startTestApp.ts';
import { addTestEvent } from '../../helpers/testEvents.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';

t.test('with ADMIN_TOKEN the admin API answers status and event lists to the token only', async (t) => {
  const app = await startTestApp(t, { ADMIN_TOKEN });
  const failed = await addTestEvent(app.db, { recordId: '42' });
  await addTestEvent(app.db, { recordId: '43' });
  await app.db.query(
    sql.unsafe`update integration_events_log set status = 'failed', last_error = 'boom' where id = ${failed}`,
  );
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  const status = await fetch(`${app.url}/v1/admin/status`, { headers: auth });
  t.equal(status.status, 200);
  t.match(await status.json(), { events: { failed: 1, pending: 1 }, jobs: { waiting: 2 } });

  const list = await fetch(`${app.url}/v1/admin/events?status=failed&since=24h`, { headers: auth });
  const rows = (await list.json()) as { id: number; last_error: string }[];
  t.same(
    rows.map((r) => [r.id, r.last_error]),
    [[failed, 'boom']],
  );

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
  const res = await fetch(`${app.url}/v1/admin/status`, {
    headers: { authorization: 'Bearer anything-at-all-0123456789abcdef' },
  });
  t.equal(res.status, 404);
});

t.test(
  'settings through the admin API: listed, changed only to valid values, reset, each change recorded as the admin API',
  async (t) => {
    const app = await startTestApp(t, { ADMIN_TOKEN });
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const put = (key: string, body: string) =>
      fetch(`${app.url}/v1/admin/settings/${key}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
      });

    const list = (await (await fetch(`${app.url}/v1/admin/settings`, { headers: auth })).json()) as { key: string }[];
    t.ok(list.some((r) => r.key === 'sync.reconcile') && list.some((r) => r.key === 'retry.policy'));
    t.match(await (await fetch(`${app.url}/v1/admin/settings/moodle.roles`, { headers: auth })).json(), {
      key: 'moodle.roles',
      value: { student: 'student' },
    });

    const changed = await put('sync.reconcile', JSON.stringify({ value: { enabled: false, since_hours: 48 } }));
    t.equal(changed.status, 200);
    t.match(await changed.json(), {
      key: 'sync.reconcile',
      before: { enabled: true, since_hours: 26 },
      after: { enabled: false, since_hours: 48 },
      changed: true,
    });

    const invalid = await put('sync.reconcile', JSON.stringify({ value: { enabled: 'no' } }));
    t.equal(invalid.status, 400);
    t.match(await invalid.json(), {
      error: 'setting_invalid',
      message: /sync\.reconcile\.enabled: Invalid input: expected boolean/,
    });
    const unknown = await put('no.such.key', JSON.stringify({ value: 1 }));
    t.equal(unknown.status, 404);
    t.match(await unknown.json(), { error: 'setting_unknown_key' });
    const noValue = await put('sync.reconcile', '{}');
    t.equal(noValue.status, 400);
    t.match(await noValue.json(), { error: 'invalid_body' });
    const notJson = await put('sync.reconcile', '{oops');
    t.equal(notJson.status, 400);

    const reset = await fetch(`${app.url}/v1/admin/settings/sync.reconcile/reset`, { method: 'POST', headers: auth });
    t.match(await reset.json(), { after: { enabled: true, since_hours: 26 }, changed: true });
    const history = (await (
      await fetch(`${app.url}/v1/admin/settings-history?key=sync.reconcile`, { headers: auth })
    ).json()) as { new_value: unknown; changed_by: string }[];
    t.same(
      history.map((h) => [h.new_value, h.changed_by]),
      [
        [{ enabled: true, since_hours: 26 }, 'admin API'],
        [{ enabled: false, since_hours: 48 }, 'admin API'],
      ],
      'newest first, the refused ones not there',
    );
    t.equal((await fetch(`${app.url}/v1/admin/settings`)).status, 401, 'the token is required');
  },
);
