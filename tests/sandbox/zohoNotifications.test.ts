import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { createZohoSimulator, type NotificationBody } from '../../sandbox/zohoSimulator.ts';

const HOUR = 3_600_000;
const START = Date.parse('2025-03-03T10:00:00Z');

async function setup(t: Test, options: Parameters<typeof createZohoSimulator>[0] = {}) {
  const sim = await createZohoSimulator(options);
  t.teardown(() => sim.close());
  let access = '';
  /** A fresh access token (after the fake clock jumps past an hour). */
  const login = async () => {
    const params = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      refresh_token: sim.refreshToken,
    });
    const res = await fetch(`${sim.accountsUrl}/oauth/v2/token?${params}`, { method: 'POST' });
    access = String(((await res.json()) as { access_token: string }).access_token);
  };
  await login();
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.apiUrl}/crm/v8${path}`, {
      method,
      headers: { authorization: `Zoho-oauthtoken ${access}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  return { sim, api, login };
}

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: NotificationBody;
}

/** A local notify URL: records each callback and answers `respond(req)` (default 200). */
async function startReceiver(t: Test, respond: (req: IncomingMessage) => number | Promise<number> = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(await respond(req)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const watchAll = (channelId: string, notifyUrl: string, extra: Record<string, unknown> = {}) => ({
  watch: [{ channel_id: channelId, events: ['BTEC_Students.all'], notify_url: notifyUrl, token: 'tok-1', ...extra }],
});

t.test(
  'enabling answers 201 with one events entry per module; GET lists one entry per channel and module; the token is masked in calls',
  async (t) => {
    const clock = START;
    const { sim, api } = await setup(t, { now: () => clock, utcOffset: '-11:00' });
    t.equal((await api('GET', '/actions/watch')).status, 204, 'none yet');
    const expiry = '2025-03-05T10:00:00Z';
    const res = await api('POST', '/actions/watch', {
      watch: [
        {
          channel_id: 1000000068001,
          events: ['BTEC_Students.create', 'BTEC_Students.edit', 'BTEC_Teachers.all'],
          notify_url: 'https://example.test/cb?key1=val1',
          token: 'secret-token',
          channel_expiry: expiry,
        },
      ],
    });
    t.equal(res.status, 201);
    t.same(res.body, {
      watch: [
        {
          code: 'SUCCESS',
          details: {
            events: [
              {
                channel_expiry: '2025-03-04T23:00:00-11:00',
                resource_uri: `${sim.apiUrl}/crm/v8/BTEC_Students`,
                resource_id: res.body.watch[0].details.events[0].resource_id,
                resource_name: 'BTEC_Students',
                channel_id: '1000000068001',
              },
              {
                channel_expiry: '2025-03-04T23:00:00-11:00',
                resource_uri: `${sim.apiUrl}/crm/v8/BTEC_Teachers`,
                resource_id: res.body.watch[0].details.events[1].resource_id,
                resource_name: 'BTEC_Teachers',
                channel_id: '1000000068001',
              },
            ],
          },
          message: 'Successfully subscribed for actions-watch of the given module',
          status: 'success',
        },
      ],
    });
    t.match(res.body.watch[0].details.events[0].resource_id, /^\d{19}$/);
    t.not(
      res.body.watch[0].details.events[0].resource_id,
      res.body.watch[0].details.events[1].resource_id,
      'a resource id per module',
    );
    t.equal(
      (sim.calls.at(-1)?.body as { watch: { token: string }[] }).watch[0]?.token,
      '***',
      'token masked in the calls log',
    );

    const listed = await api('GET', '/actions/watch');
    t.equal(listed.status, 200);
    t.same(listed.body.info, { per_page: 200, count: 2, page: 1, more_records: false });
    t.same(Object.keys(listed.body.watch[0]), [
      'notify_on_related_action',
      'channel_expiry',
      'return_affected_field_values',
      'resource_uri',
      'resource_id',
      'notify_url',
      'resource_name',
      'fields',
      'notification_condition',
      'channel_id',
      'events',
      'token',
    ]);
    t.match(listed.body.watch[0], {
      notify_on_related_action: false,
      return_affected_field_values: false,
      notify_url: 'https://example.test/cb?key1=val1',
      resource_name: 'BTEC_Students',
      fields: null,
      notification_condition: null,
      channel_id: '1000000068001',
      token: 'secret-token',
    });
    t.same(listed.body.watch[0].events, ['BTEC_Students.edit', 'BTEC_Students.create']);
    t.same(
      listed.body.watch[1].events,
      ['BTEC_Teachers.edit', 'BTEC_Teachers.create', 'BTEC_Teachers.delete'],
      '.all is create, edit and delete',
    );
    t.same(
      (await api('GET', '/actions/watch?module=BTEC_Teachers')).body.watch.map(
        (w: { resource_name: string }) => w.resource_name,
      ),
      ['BTEC_Teachers'],
    );
    t.equal((await api('GET', '/actions/watch?channel_id=999')).status, 204);
    t.match((await api('GET', '/actions/watch?module=Nope')).body, { code: 'INVALID_MODULE' });
    t.match(sim.channels(), [
      {
        channelId: '1000000068001',
        module: 'BTEC_Students',
        events: ['BTEC_Students.edit', 'BTEC_Students.create'],
        token: 'secret-token',
        expiresAt: Date.parse(expiry),
      },
      { module: 'BTEC_Teachers' },
    ]);
  },
);

t.test(
  'channel expiry: absent → one hour, past a week → one hour, within a week kept; expired channels are gone',
  async (t) => {
    let clock = START;
    const { sim, api, login } = await setup(t, { now: () => clock });
    const post = (channelId: string, channelExpiry?: string) =>
      api('POST', '/actions/watch', {
        watch: [
          {
            channel_id: channelId,
            events: ['Leads.create'],
            notify_url: 'https://example.test/cb',
            ...(channelExpiry ? { channel_expiry: channelExpiry } : {}),
          },
        ],
      });
    const expiryOf = (res: { body: any }) => Date.parse(res.body.watch[0].details.events[0].channel_expiry);
    t.equal(expiryOf(await post('1')), START + HOUR, 'absent → an hour');
    t.equal(
      expiryOf(await post('2', new Date(START + 7 * 24 * HOUR + 1000).toISOString())),
      START + HOUR,
      'over a week → an hour',
    );
    t.equal(
      expiryOf(await post('3', new Date(START + 7 * 24 * HOUR).toISOString())),
      START + 7 * 24 * HOUR,
      'exactly a week is kept',
    );
    t.equal(
      expiryOf(await post('4', '2025-03-06T15:30:00+05:30')),
      Date.parse('2025-03-06T10:00:00Z'),
      'offsets are read',
    );
    t.equal(
      (await api('PATCH', '/actions/watch', { watch: [{ channel_id: '3', notify_url: 'https://example.test/cb' }] }))
        .body.watch[0].details.events[0].channel_expiry,
      '2025-03-03T11:00:00+00:00',
      'PATCH without channel_expiry → an hour from now',
    );
    t.same(
      sim.channels().map((c) => c.channelId),
      ['1', '2', '3', '4'],
    );
    clock += HOUR;
    await login();
    t.same(
      sim.channels().map((c) => c.channelId),
      ['4'],
      'the hour-long ones ended',
    );
    t.same(
      (await api('GET', '/actions/watch')).body.watch.map((w: { channel_id: string }) => w.channel_id),
      ['4'],
    );
    clock = Date.parse('2025-03-06T10:00:00Z');
    await login();
    t.equal((await api('GET', '/actions/watch')).status, 204);
  },
);

t.test(
  'validation: mandatory fields, modules and operations in events, token and URL length, channel_id digits, 207 for mixed results',
  async (t) => {
    const { api } = await setup(t);
    const one = (entry: Record<string, unknown>) =>
      api('POST', '/actions/watch', {
        watch: [{ channel_id: '10', events: ['Leads.all'], notify_url: 'https://example.test/cb', ...entry }],
      });
    const missingUrl = await one({ notify_url: undefined });
    t.equal(missingUrl.status, 400);
    t.same(missingUrl.body, {
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'notify_url', json_path: '$.watch[0].notify_url' },
      message: 'required field not found',
      status: 'error',
    });
    t.match((await one({ channel_id: undefined })).body, {
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'channel_id' },
    });
    t.match((await one({ events: undefined })).body, { code: 'MANDATORY_NOT_FOUND', details: { api_name: 'events' } });
    const badModule = await one({ events: ['Nope.create'] });
    t.equal(badModule.status, 400);
    t.match(badModule.body, {
      code: 'INVALID_DATA',
      message: 'invalid data',
      details: { api_name: 'events' },
      status: 'error',
    });
    t.match((await one({ events: ['Leads.update'] })).body, { code: 'INVALID_DATA', details: { api_name: 'events' } });
    t.match((await one({ events: [] })).body, { code: 'INVALID_DATA', details: { api_name: 'events' } });
    t.match((await one({ token: 'x'.repeat(51) })).body, {
      code: 'INVALID_DATA',
      details: { api_name: 'token', maximum_length: 50 },
    });
    t.equal((await one({ token: 'x'.repeat(50) })).status, 201, 'a 50-character token is fine');
    t.match((await one({ channel_id: 'abc' })).body, { code: 'INVALID_DATA', details: { api_name: 'channel_id' } });
    t.match((await one({ notify_url: `https://example.test/${'x'.repeat(240)}` })).body, {
      code: 'INVALID_DATA',
      details: { api_name: 'notify_url', maximum_length: 255 },
    });
    t.match((await one({ notify_url: 'not a url' })).body, {
      code: 'INVALID_DATA',
      details: { api_name: 'notify_url' },
    });
    t.match((await one({ channel_expiry: 'tomorrow' })).body, {
      code: 'INVALID_DATA',
      details: { api_name: 'channel_expiry' },
    });
    t.match((await api('POST', '/actions/watch', {})).body, {
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'watch' },
    });
    const tooMany = await api('POST', '/actions/watch', {
      watch: Array.from({ length: 51 }, (_, i) => ({
        channel_id: String(i + 1),
        events: ['Leads.all'],
        notify_url: 'https://example.test/cb',
      })),
    });
    t.equal(tooMany.status, 400);
    t.match(tooMany.body, { code: 'LIMIT_EXCEEDED' });
    const mixed = await api('POST', '/actions/watch', {
      watch: [
        { channel_id: '20', events: ['Leads.all'], notify_url: 'https://example.test/cb' },
        { events: ['Leads.all'], notify_url: 'https://example.test/cb' },
      ],
    });
    t.equal(mixed.status, 207);
    t.match(mixed.body.watch, [
      { code: 'SUCCESS', status: 'success' },
      {
        code: 'MANDATORY_NOT_FOUND',
        details: { api_name: 'channel_id', json_path: '$.watch[1].channel_id' },
        status: 'error',
      },
    ]);
    const allBad = await api('POST', '/actions/watch', { watch: [{ channel_id: '21' }, { channel_id: '22' }] });
    t.equal(allBad.status, 400);
    t.equal(allBad.body.watch.length, 2, 'several failed objects come back in watch[]');
    t.match(
      (
        await api('POST', '/actions/watch', {
          watch: [
            {
              channel_id: '23',
              events: ['Leads.all'],
              notify_url: 'https://example.test/cb',
              return_affected_field_values: 'yes',
            },
          ],
        })
      ).body,
      { code: 'INVALID_DATA', details: { api_name: 'return_affected_field_values' } },
    );
  },
);

t.test(
  'PATCH updates only the given properties; PUT replaces; an unknown channel is INVALID_DATA channel_id',
  async (t) => {
    const { sim, api } = await setup(t);
    await api('POST', '/actions/watch', {
      watch: [
        {
          channel_id: '500',
          events: ['BTEC_Students.create', 'BTEC_Teachers.create'],
          notify_url: 'https://example.test/a',
          token: 'keep-me',
          return_affected_field_values: true,
        },
      ],
    });
    const patched = await api('PATCH', '/actions/watch', {
      watch: [{ channel_id: '500', notify_url: 'https://example.test/b', events: ['BTEC_Students.all'] }],
    });
    t.equal(patched.status, 200);
    t.match(patched.body, {
      watch: [
        {
          code: 'SUCCESS',
          message: 'Successfully updated the subscribe details',
          status: 'success',
          details: {
            events: [{ resource_name: 'BTEC_Students', channel_id: '500' }, { resource_name: 'BTEC_Teachers' }],
          },
        },
      ],
    });
    t.match(sim.channels(), [
      {
        module: 'BTEC_Students',
        events: ['BTEC_Students.edit', 'BTEC_Students.create', 'BTEC_Students.delete'],
        notifyUrl: 'https://example.test/b',
        token: 'keep-me',
        returnAffectedFieldValues: true,
      },
      {
        module: 'BTEC_Teachers',
        events: ['BTEC_Teachers.create'],
        notifyUrl: 'https://example.test/b',
        token: 'keep-me',
      },
    ]);
    t.equal(
      (sim.calls.at(-1)?.body as { watch: Record<string, unknown>[] }).watch[0]?.token,
      undefined,
      'no token sent, none masked',
    );
    await api('PATCH', '/actions/watch', {
      watch: [{ channel_id: '500', notify_url: 'https://example.test/b', token: 'new-token' }],
    });
    t.equal(sim.channels()[0]?.token, 'new-token');
    t.equal((sim.calls.at(-1)?.body as { watch: { token: string }[] }).watch[0]?.token, '***');
    const off = await api('PATCH', '/actions/watch', {
      watch: [{ channel_id: '500', events: ['BTEC_Teachers.create', 'BTEC_Students.delete'], _delete_events: true }],
    });
    t.equal(off.status, 200, '_delete_events needs no notify_url');
    t.same(
      sim.channels().map((c) => c.events),
      [['BTEC_Students.edit', 'BTEC_Students.create']],
    );

    const unknown = await api('PATCH', '/actions/watch', {
      watch: [{ channel_id: '404', notify_url: 'https://example.test/b' }],
    });
    t.equal(unknown.status, 400);
    t.same(unknown.body, {
      code: 'INVALID_DATA',
      details: { api_name: 'channel_id', json_path: '$.watch[0].channel_id' },
      message: 'invalid data',
      status: 'error',
    });
    const mixed = await api('PATCH', '/actions/watch', {
      watch: [
        { channel_id: '500', notify_url: 'https://example.test/c' },
        { channel_id: '404', notify_url: 'https://example.test/c' },
      ],
    });
    t.equal(mixed.status, 207);
    t.match(
      (await api('PATCH', '/actions/watch', { watch: [{ channel_id: '500' }] })).body,
      { code: 'MANDATORY_NOT_FOUND', details: { api_name: 'notify_url' } },
      'the v8 docs make notify_url mandatory on PATCH',
    );

    const replaced = await api('PUT', '/actions/watch', {
      watch: [{ channel_id: '500', events: ['Leads.delete'], notify_url: 'https://example.test/d' }],
    });
    t.equal(replaced.status, 200);
    t.match(sim.channels(), [
      { channelId: '500', module: 'Leads', events: ['Leads.delete'], token: null, returnAffectedFieldValues: false },
    ]);
    t.equal(sim.channels().length, 1, 'PUT drops what it does not name');
  },
);

t.test('DELETE ?channel_ids= disables: one entry per channel and module; unknown ids are errors', async (t) => {
  const { sim, api } = await setup(t);
  await api('POST', '/actions/watch', {
    watch: [
      { channel_id: '1', events: ['Leads.all', 'Contacts.all'], notify_url: 'https://example.test/a' },
      { channel_id: '2', events: ['Leads.all'], notify_url: 'https://example.test/a' },
    ],
  });
  const res = await api('DELETE', '/actions/watch?channel_ids=1,2');
  t.equal(res.status, 200);
  t.same(
    res.body.watch.map((w: { details: Record<string, string> }) => [w.details.channel_id, w.details.resource_uri]),
    [
      ['1', `${sim.apiUrl}/crm/v8/Leads`],
      ['1', `${sim.apiUrl}/crm/v8/Contacts`],
      ['2', `${sim.apiUrl}/crm/v8/Leads`],
    ],
  );
  t.match(res.body.watch[0], {
    code: 'SUCCESS',
    details: { resource_id: /^\d+$/ },
    message: 'Successfully un-subscribed from actions-watch',
    status: 'success',
  });
  t.same(sim.channels(), []);
  t.equal((await api('DELETE', '/actions/watch?channel_ids=1')).status, 400);
  t.match((await api('DELETE', '/actions/watch')).body, { code: 'REQUIRED_PARAM_MISSING' });
});

t.test(
  'callbacks for API insert, update and delete: unsigned JSON with query_params, token, ids and affected_fields',
  async (t) => {
    let clock = START;
    const { sim, api } = await setup(t, { now: () => clock });
    const receiver = await startReceiver(t);
    await api('POST', '/actions/watch', watchAll('1000000068001', `${receiver.url}/hook?source=zoho&x=1`));
    t.same(sim.notifications, [], 'subscribing notifies nothing');

    clock += 1000;
    const inserted = await api('POST', '/BTEC_Students', {
      data: [{ Name: 'S-1', Last_Name: 'Ng', Email: 'a@x.test' }],
      trigger: [],
    });
    const id = inserted.body.data[0].details.id;
    await sim.flushNotifications();
    t.equal(receiver.received.length, 1, 'trigger: [] does not stop notifications');
    const [insert] = receiver.received;
    t.equal(insert?.url, '/hook?source=zoho&x=1');
    t.match(insert?.headers['content-type'], /^application\/json/);
    t.equal(insert?.headers['webhook-signature'], undefined, 'not signed');
    t.same(insert?.body, {
      server_time: START + 1000,
      query_params: { source: 'zoho', x: '1' },
      module: 'BTEC_Students',
      resource_uri: `${sim.apiUrl}/crm/v8/BTEC_Students`,
      ids: [id],
      affected_fields: [],
      operation: 'insert',
      channel_id: '1000000068001',
      token: 'tok-1',
    });

    clock += 1000;
    await api('PUT', '/BTEC_Students', {
      data: [{ id, Last_Name: 'Ng', Email: 'b@x.test', Phone: '123' }],
      trigger: [],
    });
    await sim.flushNotifications();
    t.match(receiver.received[1]?.body, { operation: 'update', ids: [id], server_time: START + 2000 });
    t.same(
      receiver.received[1]?.body.affected_fields,
      [{ [id]: ['Email', 'Phone'] }],
      'only changed fields; not Modified_Time or Modified_By',
    );

    await api('DELETE', `/BTEC_Students/${id}`);
    await sim.flushNotifications();
    t.match(receiver.received[2]?.body, { operation: 'delete', ids: [id], affected_fields: [] });
    t.same(
      sim.notifications.map((n) => [n.status, n.body.operation]),
      [
        [200, 'insert'],
        [200, 'update'],
        [200, 'delete'],
      ],
    );
    t.equal(sim.notifications[0]?.url, `${receiver.url}/hook?source=zoho&x=1`);
  },
);

t.test('one write of many records is one callback per operation; upsert can give both', async (t) => {
  const { sim, api } = await setup(t);
  const receiver = await startReceiver(t);
  await api('POST', '/actions/watch', {
    watch: [{ channel_id: '7', events: ['BTEC_Grades.all'], notify_url: receiver.url, token: 't' }],
  });
  const batch = await api('POST', '/BTEC_Grades', {
    data: [
      { Moodle_Grade_Composite_Key: 'a' },
      { Moodle_Grade_Composite_Key: 'b' },
      { Moodle_Grade_Composite_Key: 'c' },
    ],
    trigger: [],
  });
  const ids = batch.body.data.map((r: { details: { id: string } }) => r.details.id);
  await sim.flushNotifications();
  t.equal(receiver.received.length, 1);
  t.same(receiver.received[0]?.body.ids, ids);
  await api('POST', '/BTEC_Grades/upsert', {
    data: [
      { Moodle_Grade_Composite_Key: 'a', Grade: 'P' },
      { Moodle_Grade_Composite_Key: 'b' },
      { Moodle_Grade_Composite_Key: 'd' },
    ],
    trigger: [],
  });
  await sim.flushNotifications();
  t.equal(receiver.received.length, 3);
  const [update, insert] = sim.notifications.slice(1).map((n) => n.body); // in the order sent
  t.match(update, { operation: 'update', ids: [ids[0], ids[1]] });
  t.same(
    update?.affected_fields,
    [{ [ids[0]]: ['Grade'] }, { [ids[1]]: [] }],
    'an update that changes nothing still notifies, with no fields',
  );
  t.match(insert, { operation: 'insert', ids: [/^\d{19}$/] });
  const failed = await api('POST', '/BTEC_Grades', { data: [{ Moodle_Grade_Composite_Key: 'a' }] });
  t.equal(failed.status, 400);
  await sim.flushNotifications();
  t.equal(receiver.received.length, 3, 'a failed write notifies nothing');
});

t.test('UI create, edit and remove notify; seed does not', async (t) => {
  const { sim, api } = await setup(t);
  const receiver = await startReceiver(t);
  const [seeded] = sim.seed('BTEC_Students', [{ Name: 'old', Last_Name: 'A' }]);
  await api('POST', '/actions/watch', watchAll('42', receiver.url));
  sim.seed('BTEC_Students', [{ Name: 'older' }]);
  await sim.flushNotifications();
  t.equal(receiver.received.length, 0, 'seed is silent');
  const id = sim.create('BTEC_Students', { Name: 'new', Last_Name: 'B', Subjects: ['Maths'] });
  t.match(id, /^\d{19}$/);
  t.match(sim.record('BTEC_Students', id), { Name: 'new', Created_Time: String, Owner: { id: String } });
  sim.edit('BTEC_Students', id, { Subjects: ['Maths', 'Art'], Last_Name: 'B' });
  sim.edit('BTEC_Students', seeded as string, { Last_Name: 'Z' });
  sim.remove('BTEC_Students', id);
  await sim.flushNotifications();
  t.equal(receiver.received.length, 4);
  t.same(
    sim.notifications.map((n) => [n.status, n.body.operation, n.body.ids, n.body.affected_fields]),
    [
      [200, 'insert', [id], []],
      [200, 'update', [id], [{ [id]: ['Subjects'] }]],
      [200, 'update', [seeded], [{ [seeded as string]: ['Last_Name'] }]],
      [200, 'delete', [id], []],
    ],
  );
  t.throws(() => sim.create('Nope', {}), /no module Nope/);
});

t.test('nothing for modules or operations a channel does not watch, nor after it is disabled or expired', async (t) => {
  let clock = START;
  const { sim, api, login } = await setup(t, { now: () => clock });
  const receiver = await startReceiver(t);
  await api('POST', '/actions/watch', {
    watch: [
      {
        channel_id: '1',
        events: ['BTEC_Students.create'],
        notify_url: receiver.url,
        channel_expiry: new Date(START + 2 * HOUR).toISOString(),
      },
    ],
  });
  await api('POST', '/actions/watch', {
    watch: [{ channel_id: '2', events: ['BTEC_Teachers.all'], notify_url: `${receiver.url}/teachers` }],
  });
  const id = sim.create('BTEC_Students', { Name: 'a' });
  sim.edit('BTEC_Students', id, { Name: 'b' });
  sim.remove('BTEC_Students', id);
  sim.create('Leads', { Last_Name: 'x' });
  await sim.flushNotifications();
  t.same(
    receiver.received.map((r) => [r.url, r.body.operation, r.body.module]),
    [['/', 'insert', 'BTEC_Students']],
    'only the create of the watched module',
  );

  await api('DELETE', '/actions/watch?channel_ids=2');
  sim.create('BTEC_Teachers', { Name: 't' });
  clock += 2 * HOUR;
  await login();
  t.equal((await api('POST', '/BTEC_Students', { data: [{ Name: 'late' }] })).status, 201);
  await sim.flushNotifications();
  t.equal(receiver.received.length, 1, 'nothing after the channel was disabled or expired');
  t.equal(sim.notifications.length, 1);
});

t.test('the API answers without waiting for callbacks; failures are recorded with status 0', async (t) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { sim, api } = await setup(t, { notificationTimeoutMs: 1000 });
  const slow = await startReceiver(t, async () => {
    await held;
    return 202;
  });
  const failing = await startReceiver(t, () => 500);
  const hanging = createServer(() => {});
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    hanging.closeAllConnections();
    hanging.close();
  });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const urls = [
    slow.url,
    failing.url,
    `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
    `http://127.0.0.1:${closedPort}`,
  ];
  await api('POST', '/actions/watch', {
    watch: urls.map((url, i) => ({ channel_id: String(i + 1), events: ['Leads.create'], notify_url: url })),
  });

  const res = await api('POST', '/Leads', { data: [{ Last_Name: 'x' }] });
  t.equal(res.status, 201, 'answered while the slow receiver still holds its callback');
  t.equal(sim.notifications.length, 4);
  t.equal(sim.notifications[0]?.status, 0, 'not answered yet');
  release();
  await sim.flushNotifications();
  t.same(
    sim.notifications.map((n) => n.status),
    [202, 500, 0, 0],
  );
  t.equal(sim.notifications[2]?.error, 'TimeoutError');
  t.equal(sim.notifications[3]?.error, 'ECONNREFUSED');
  t.equal(slow.received.length, 1);
});
