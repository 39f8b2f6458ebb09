import t from 'tap';
import { fixtureSiteSeed } from '../../sandbox/moodle/fixtureSiteSeed.ts';
import { createMoodleSimulator, type MoodleSimulator } from '../../sandbox/moodleSimulator.ts';

type Param = string | number | boolean | Param[] | { [key: string]: Param };

/** PHP-style form fields, as a Moodle client sends them. */
function encode(params: Record<string, Param>): [string, string][] {
  const out: [string, string][] = [];
  const add = (name: string, value: Param) => {
    if (Array.isArray(value)) value.forEach((item, i) => add(`${name}[${i}]`, item));
    else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) add(`${name}[${key}]`, item);
    else out.push([name, typeof value === 'boolean' ? (value ? '1' : '0') : String(value)]);
  };
  for (const [key, value] of Object.entries(params)) add(key, value);
  return out;
}

async function call(
  sim: MoodleSimulator,
  wsfunction: string,
  params: Record<string, Param> = {},
  extra: { signal?: AbortSignal; token?: string } = {},
) {
  const body = new URLSearchParams([
    ['wstoken', extra.token ?? sim.token],
    ['wsfunction', wsfunction],
    ['moodlewsrestformat', 'json'],
    ...encode(params),
  ]);
  const res = await fetch(sim.endpoint, { method: 'POST', body, ...(extra.signal ? { signal: extra.signal } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    text,
    json: res.headers.get('content-type') === 'application/json' ? (JSON.parse(text) as unknown) : undefined,
  };
}

const user = (username: string, extra: Record<string, Param> = {}) => ({
  username,
  password: 'Passw0rd!x',
  firstname: 'A',
  lastname: 'B',
  email: `${username}@example.com`,
  ...extra,
});

const sim = await createMoodleSimulator({ seed: fixtureSiteSeed() });
t.teardown(() => sim.close());
t.beforeEach(() => sim.reset());

t.test('core_user_create_users is all-or-nothing: one bad user fails the call and creates nobody', async (t) => {
  const usersBefore = sim.state.users.length;
  const res = await call(sim, 'core_user_create_users', {
    users: [user('good.one'), user('weak.two', { password: 'abc' })],
  });
  t.equal(res.status, 200);
  t.match(res.json, {
    exception: 'core\\exception\\moodle_exception',
    errorcode: /^<div>Passwords must/,
    message: /^error\/<div>/,
  });
  t.equal(sim.state.users.length, usersBefore, 'good.one was rolled back');
  const duplicateInBatch = await call(sim, 'core_user_create_users', { users: [user('same.one'), user('same.one')] });
  t.match(
    duplicateInBatch.json,
    { errorcode: 'invalidparameter' },
    'a duplicate inside the batch fails like a duplicate on the site',
  );
  t.equal(sim.state.users.length, usersBefore);
  const ok = await call(sim, 'core_user_create_users', { users: [user('good.one')] });
  t.same(
    ok.json,
    [{ id: 10, username: 'good.one' }],
    'ids used by rolled-back calls are not reused (PostgreSQL sequences)',
  );
});

t.test('enrol_manual_enrol_users and core_course_create_courses are all-or-nothing too', async (t) => {
  const enrol = await call(sim, 'enrol_manual_enrol_users', {
    enrolments: [
      { roleid: 5, userid: 6, courseid: 2 },
      { roleid: 5, userid: 999999, courseid: 2 },
    ],
  });
  t.match(enrol.json, { errorcode: 'invaliduser' });
  t.notOk(
    sim.state.enrolments.some((e) => e.userid === 6),
    'the first enrolment was rolled back',
  );
  const courses = await call(sim, 'core_course_create_courses', {
    courses: [
      { fullname: 'N', shortname: 'NEW1', categoryid: 2 },
      { fullname: 'D', shortname: 'INT101', categoryid: 2 },
    ],
  });
  t.match(courses.json, { errorcode: 'shortnametaken' });
  t.notOk(sim.state.courses.some((c) => c.shortname === 'NEW1'));
});

t.test('batch updates isolate items: the good ones apply, the bad ones become warnings', async (t) => {
  const res = await call(sim, 'core_user_update_users', {
    users: [
      { id: 4, city: 'Hamburg' },
      { id: 5, email: 'jane.doe@example.com' },
      { id: 6, username: 'jdoe.fixture' },
      { id: 6, password: 'weak' },
    ],
  });
  t.same(res.json, {
    warnings: [
      { item: 'user', itemid: 5, warningcode: 'useremailduplicate', message: 'Duplicate address' },
      { item: 'user', itemid: 6, warningcode: 'dmlwriteexception', message: 'Error writing to database' },
      {
        item: 'user',
        itemid: 6,
        warningcode:
          '<div>Passwords must be at least 8 characters long.</div><div>Passwords must have at least 1 digit(s).</div><div>Passwords must have at least 1 upper case letter(s).</div><div>The password must have at least 1 special character(s) such as *, -, or #.</div>',
        message:
          'error/<div>Passwords must be at least 8 characters long.</div><div>Passwords must have at least 1 digit(s).</div><div>Passwords must have at least 1 upper case letter(s).</div><div>The password must have at least 1 special character(s) such as *, -, or #.</div>',
      },
    ],
  });
  t.equal(sim.state.users.find((u) => u.id === 4)?.city, 'Hamburg');
  t.equal(sim.state.users.find((u) => u.id === 5)?.email, 'bob.smith@example.com');
});

t.test('failNext: HTTP 500 and 503 with an HTML body, then normal again', async (t) => {
  sim.failNext('core_webservice_get_site_info', 'http500');
  sim.failNext('core_webservice_get_site_info', 'http503');
  const first = await call(sim, 'core_webservice_get_site_info');
  t.equal(first.status, 500);
  t.match(first.contentType, /^text\/html/);
  t.equal((await call(sim, 'core_webservice_get_site_info')).status, 503);
  t.match((await call(sim, 'core_webservice_get_site_info')).json, { username: 'admin', userid: 2 });
  t.same(
    sim.calls.map((c) => [c.injected, c.status]),
    [
      ['http500', 500],
      ['http503', 503],
      [undefined, 200],
    ],
  );
});

t.test('failNext: a network reset, and a hang until the client times out', async (t) => {
  sim.failNext('core_user_create_users', 'reset');
  await t.rejects(call(sim, 'core_user_create_users', { users: [user('reset.user')] }), /fetch failed/);
  sim.failNext('core_user_create_users', 'timeout');
  await t.rejects(
    call(sim, 'core_user_create_users', { users: [user('slow.user')] }, { signal: AbortSignal.timeout(200) }),
    { name: 'TimeoutError' },
  );
  t.notOk(
    sim.state.users.some((u) => u.username.endsWith('.user')),
    'before (the default): nothing happened',
  );
});

t.test("failNext: Moodle's database write error, and any exception body", async (t) => {
  sim.failNext('*', 'dbwrite', { times: 2 });
  t.same((await call(sim, 'core_user_get_users_by_field', { field: 'id', values: [4] })).json, {
    exception: 'dml_write_exception',
    errorcode: 'dmlwriteexception',
    message: 'Error writing to database',
  });
  sim.setDebug(true);
  t.match((await call(sim, 'core_course_get_categories')).json, { errorcode: 'dmlwriteexception', debuginfo: /ERROR/ });
  sim.failNext('core_course_get_categories', {
    exception: 'moodle_exception',
    errorcode: 'sitemaintenance',
    message: 'Site is undergoing maintenance',
  });
  t.same((await call(sim, 'core_course_get_categories')).json, {
    exception: 'moodle_exception',
    errorcode: 'sitemaintenance',
    message: 'Site is undergoing maintenance',
  });
  t.equal(sim.calls.at(-1)?.errorcode, 'sitemaintenance');
  t.ok(Array.isArray((await call(sim, 'core_course_get_categories')).json), 'the failures are used up');
});

t.test('failNext after: the call commits, then its answer is lost', async (t) => {
  sim.failNext('core_user_create_users', 'http500', { when: 'after' });
  t.equal((await call(sim, 'core_user_create_users', { users: [user('lost.answer')] })).status, 500);
  t.ok(
    sim.state.users.some((u) => u.username === 'lost.answer'),
    'the user exists',
  );
  t.match(
    (await call(sim, 'core_user_create_users', { users: [user('lost.answer')] })).json,
    { errorcode: 'invalidparameter' },
    'a retry hits the duplicate',
  );
});

t.test('setLatency delays every answer', async (t) => {
  sim.setLatency(150);
  const started = Date.now();
  await call(sim, 'core_webservice_get_site_info');
  t.ok(Date.now() - started >= 140, 'took the latency');
});

t.test('calls records every call with parsed parameters and the token masked', async (t) => {
  await call(sim, 'core_user_get_users_by_field', { field: 'email', values: ['a@example.com'] });
  t.same(sim.calls, [
    {
      wsfunction: 'core_user_get_users_by_field',
      params: { field: 'email', values: ['a@example.com'] },
      wstoken: '***',
      format: 'json',
      status: 200,
      time: sim.calls[0]!.time,
      atMs: sim.calls[0]!.atMs,
    },
  ]);
  t.ok(Math.abs(sim.calls[0]!.atMs! - Date.now()) < 60_000, 'atMs is wall-clock milliseconds');
  t.notOk(JSON.stringify(sim.calls).includes(sim.token));
});

t.test(
  'switches: web services off, the welcome e-mail failing, a token without webservice/rest:use, debug mode',
  async (t) => {
    sim.state.config.webservicesEnabled = false;
    const off = await call(sim, 'core_webservice_get_site_info');
    t.same([off.status, off.contentType, off.text], [403, 'text/html; charset=utf-8', '']);
    sim.state.config.webservicesEnabled = true;
    sim.state.config.welcomeEmailFails = true;
    t.same(
      (await call(sim, 'enrol_manual_enrol_users', { enrolments: [{ roleid: 5, userid: 6, courseid: 2 }] })).json,
      {
        exception: 'core\\exception\\moodle_exception',
        errorcode: 'Message was not sent.',
        message: 'error/Message was not sent.',
      },
    );
    t.ok(
      sim.state.enrolments.some((e) => e.userid === 6),
      'the enrolment stays',
    );
    t.same(
      (await call(sim, 'enrol_manual_enrol_users', { enrolments: [{ roleid: 5, userid: 6, courseid: 3 }] })).json,
      null,
      'no teacher in INT102: no welcome message, no failure',
    );
    sim.state.config.welcomeEmailFails = false;
    await call(sim, 'enrol_manual_enrol_users', { enrolments: [{ roleid: 5, userid: 7, courseid: 2 }] });
    t.match(sim.state.messages, [{ kind: 'welcome', userid: 7, courseid: 2 }], 'a working site records the message');
    const plain = sim.addToken(6, { restUse: false });
    t.match((await call(sim, 'core_webservice_get_site_info', {}, { token: plain })).json, {
      errorcode: 'accessexception',
    });
    sim.setDebug(true);
    t.match((await call(sim, 'core_webservice_get_site_info', {}, { token: plain })).json, {
      debuginfo: 'You are not allowed to use the rest protocol (missing capability: webservice/rest:use)',
    });
    t.equal(sim.addToken(6, { token: 'chosen' }), 'chosen');
  },
);

t.test('reset restores the initial site and clears calls, failures and latency', async (t) => {
  const state = sim.state;
  await call(sim, 'core_user_delete_users', { userids: [7] });
  sim.failNext('*', 'http500');
  sim.setLatency(1000);
  sim.reset();
  t.equal(sim.state, state, 'the same object');
  t.equal(sim.state.users.find((u) => u.id === 7)?.deleted, false);
  t.same(sim.calls, []);
  t.equal((await call(sim, 'core_webservice_get_site_info')).status, 200, 'no failure, no latency');
});

t.test('other paths are 404, XML is the default format, GET works, non-form bodies are ignored', async (t) => {
  t.equal((await fetch(`${sim.url}/login/index.php`)).status, 404);
  const xml = await fetch(sim.endpoint, {
    method: 'POST',
    body: new URLSearchParams({
      wstoken: sim.token,
      wsfunction: 'core_enrol_get_course_enrolment_methods',
      courseid: '2',
    }),
  });
  t.equal(xml.headers.get('content-type'), 'application/xml; charset=utf-8');
  t.equal(
    await xml.text(),
    '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n<MULTIPLE>\n</MULTIPLE>\n</RESPONSE>\n',
  );
  const get = await fetch(
    `${sim.endpoint}?wstoken=${sim.token}&wsfunction=core_user_get_users_by_field&moodlewsrestformat=json&field=id&values[0]=5`,
  );
  t.match(await get.json(), [{ username: 'bsmith.fixture' }]);
  const json = await fetch(sim.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ wstoken: sim.token }),
  });
  t.match(await json.text(), /invalidtoken/, 'Moodle reads no JSON bodies');
});

t.test('a function in the service that is not simulated is a loud HTTP 500, never a silent success', async (t) => {
  sim.state.config.serviceFunctions.push('core_course_delete_courses');
  const res = await call(sim, 'core_course_delete_courses', { courseids: [3] });
  t.equal(res.status, 500);
  t.match(res.text, /core_course_delete_courses is in the service but not simulated/);
});

t.test("maxInputVars drops fields beyond PHP's limit", async (t) => {
  const small = await createMoodleSimulator({ maxInputVars: 4, debug: true });
  t.teardown(() => small.close());
  const res = await call(small, 'core_user_get_users_by_field', { field: 'id', values: [1] });
  t.match(res.json, { debuginfo: 'Missing required key in single structure: values' }, 'the 5th field never arrived');
});

t.test('options: a fixed token, a clock, config overrides', async (t) => {
  const custom = await createMoodleSimulator({
    token: 'tok',
    now: () => 1700000000,
    config: { siteName: 'Other' },
    latencyMs: 0,
  });
  t.teardown(() => custom.close());
  t.equal(custom.token, 'tok');
  t.match((await call(custom, 'core_webservice_get_site_info')).json, { sitename: 'Other' });
  await call(custom, 'core_course_create_categories', { categories: [{ name: 'X' }] });
  t.equal(custom.state.categories.at(-1)?.timemodified, 1700000000);
});
