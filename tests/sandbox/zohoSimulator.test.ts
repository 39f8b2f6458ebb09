import t, { type Test } from 'tap';
import { createZohoSimulator, type ZohoSimulator } from '../../sandbox/zohoSimulator.ts';

async function token(
  sim: ZohoSimulator,
  refreshToken = sim.refreshToken,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const params = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
    refresh_token: refreshToken,
  });
  const res = await fetch(`${sim.accountsUrl}/oauth/v2/token?${params}`, { method: 'POST' });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function setup(t: Test, options: Parameters<typeof createZohoSimulator>[0] = {}) {
  const sim = await createZohoSimulator(options);
  t.teardown(() => sim.close());
  const access = String((await token(sim)).body.access_token);
  const api = async (method: string, path: string, body?: unknown, accessToken = access) => {
    const res = await fetch(`${sim.apiUrl}/crm/v8${path}`, {
      method,
      headers: { authorization: `Zoho-oauthtoken ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : undefined) as any };
  };
  return { sim, api, access };
}

t.test('the refresh grant answers the documented token JSON with api_domain = apiUrl', async (t) => {
  const { sim } = await setup(t);
  const { status, body } = await token(sim);
  t.equal(status, 200);
  t.match(body, {
    access_token: /^1000\./,
    scope: String,
    api_domain: sim.apiUrl,
    token_type: 'Bearer',
    expires_in: 3600,
  });
  t.equal(sim.tokenRequests, 2);
  t.equal(sim.calls.at(-1)?.query.refresh_token, '***', 'the refresh token is masked in calls');
  t.equal(sim.calls.at(-1)?.query.client_secret, '***');
});

t.test('form-encoded token requests work the same as query-string ones', async (t) => {
  const { sim } = await setup(t);
  const res = await fetch(`${sim.accountsUrl}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      refresh_token: sim.refreshToken,
    }),
  });
  t.match(await res.json(), { token_type: 'Bearer' });
  t.same((sim.calls.at(-1)?.body as Record<string, string>).refresh_token, '***');
});

t.test('a wrong or revoked refresh token gets HTTP 200 {"error":"invalid_code"}', async (t) => {
  const { sim } = await setup(t);
  t.same(await token(sim, 'nope'), { status: 200, body: { error: 'invalid_code' } });
  sim.setRefreshTokenValid(false);
  t.same(await token(sim), { status: 200, body: { error: 'invalid_code' } });
  sim.setRefreshTokenValid(true);
  t.equal((await token(sim)).status, 200);
});

t.test('more than ten refreshes in ten minutes are throttled with Access Denied, answered HTTP 200', async (t) => {
  let clock = 1_700_000_000_000;
  const { sim } = await setup(t, { now: () => clock });
  for (let i = 0; i < 9; i++) t.equal((await token(sim)).status, 200);
  const throttled = await token(sim);
  t.same(throttled, {
    status: 200,
    body: {
      error_description: 'You have made too many requests continuously. Please try again after some time.',
      error: 'Access Denied',
      status: 'failure',
    },
  });
  clock += 10 * 60 * 1000 + 1;
  t.equal((await token(sim)).status, 200, 'allowed again after the window');
  sim.failNext('*', 'token_throttled');
  t.equal((await token(sim)).body.error, 'Access Denied', 'failNext token_throttled');
});

t.test('at most 15 live access tokens per refresh token: the 16th invalidates the oldest', async (t) => {
  let clock = 1_700_000_000_000;
  const { sim } = await setup(t, { now: () => clock });
  const issued: string[] = [];
  for (let i = 0; i < 16; i++) {
    if (i === 9) clock += 10 * 60 * 1000 + 1; // past the 10-a-window throttle, within the hour
    issued.push(String((await token(sim)).body.access_token));
  }
  const works = async (access: string) =>
    (
      await fetch(`${sim.apiUrl}/crm/v8/BTEC_Grades?fields=Name`, {
        headers: { authorization: `Zoho-oauthtoken ${access}` },
      })
    ).status !== 401;
  t.equal(await works(issued[0]!), false, 'the oldest is gone after the 16th');
  t.equal(await works(issued[1]!), true, 'the second-oldest still works: 15 live');
  t.equal(await works(issued[15]!), true);
});

t.test('API calls need Authorization: Zoho-oauthtoken with a live token, else 401 INVALID_TOKEN', async (t) => {
  let clock = 1_700_000_000_000;
  const { sim, api, access } = await setup(t, { now: () => clock });
  const invalid = { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' };
  t.same((await api('GET', '/BTEC_Grades?fields=Name', undefined, 'bogus')).body, invalid);
  const bearer = await fetch(`${sim.apiUrl}/crm/v8/BTEC_Grades?fields=Name`, {
    headers: { authorization: `Bearer ${access}` },
  });
  t.equal(bearer.status, 401);
  t.equal((await api('GET', '/BTEC_Grades?fields=Name')).status, 204);
  sim.expireTokens();
  const expired = await api('GET', '/BTEC_Grades?fields=Name');
  t.equal(expired.status, 401);
  t.same(expired.body, invalid);
  const fresh = String((await token(sim)).body.access_token);
  t.equal((await api('GET', '/BTEC_Grades?fields=Name', undefined, fresh)).status, 204, 'a new token works');
  clock += 3600 * 1000;
  t.equal((await api('GET', '/BTEC_Grades?fields=Name', undefined, fresh)).status, 401, 'tokens die after an hour');
});

t.test(
  'GET one record returns data[] with subforms and lookups; a missing id is 204; an unknown module is INVALID_MODULE',
  async (t) => {
    const { sim, api } = await setup(t);
    const [studentId] = sim.seed('BTEC_Students', [{ Name: 'S-001', First_Name: 'Ann' }]);
    const [gradeId] = sim.seed('BTEC_Grades', [
      {
        Moodle_Grade_Composite_Key: '1_2_3',
        Grade: 'P',
        Student: { name: 'S-001', id: studentId },
        Learning_Outcomes_Assessm: [{ LO_Code: 'P1', LO_Score: '1' }],
      },
    ]);
    t.match(gradeId, /^\d{19}$/);
    const got = await api('GET', `/BTEC_Grades/${gradeId}`);
    t.equal(got.status, 200);
    t.match(got.body, {
      data: [
        {
          id: gradeId,
          Grade: 'P',
          Student: { name: 'S-001', id: studentId },
          Learning_Outcomes_Assessm: [{ LO_Code: 'P1', id: /^\d{19}$/ }],
          Created_Time: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/,
          Owner: { id: String },
        },
      ],
    });
    const missing = await api('GET', '/BTEC_Grades/5725767000009999999');
    t.equal(missing.status, 204);
    t.equal(missing.text, '');
    t.match((await api('GET', '/Nope/1')).body, { code: 'INVALID_MODULE', status: 'error' });
    t.equal((await api('GET', '/Nope/1')).status, 400);
  },
);

t.test('list GET requires fields, caps them at 50 and per_page at 200', async (t) => {
  const { api } = await setup(t);
  const none = await api('GET', '/BTEC_Grades');
  t.equal(none.status, 400);
  t.match(none.body, { code: 'REQUIRED_PARAM_MISSING', status: 'error' });
  const many = Array.from({ length: 51 }, (_, i) => `F${i}`).join(',');
  t.match((await api('GET', `/BTEC_Grades?fields=${many}`)).body, { code: 'LIMIT_EXCEEDED' });
  t.match((await api('GET', '/BTEC_Grades?fields=Name&per_page=201')).body, { code: 'INVALID_DATA' });
});

t.test('list GET pages with the documented info object, leaves out subforms, and answers 204 when empty', async (t) => {
  const { sim, api } = await setup(t);
  t.equal((await api('GET', '/BTEC_Grades?fields=Grade')).status, 204);
  const ids = sim.seed(
    'BTEC_Grades',
    Array.from({ length: 5 }, (_, i) => ({
      Grade: 'P',
      Moodle_Grade_Composite_Key: `k${i}`,
      Learning_Outcomes_Assessm: [{ LO_Code: 'P1' }],
    })),
  );
  const first = await api('GET', '/BTEC_Grades?fields=Grade,Learning_Outcomes_Assessm&per_page=2&sort_order=asc');
  t.equal(first.status, 200);
  t.same(Object.keys(first.body.info).sort(), [
    'call',
    'count',
    'email',
    'more_records',
    'next_page_token',
    'page',
    'page_token_expiry',
    'per_page',
    'previous_page_token',
    'sort_by',
    'sort_order',
  ]);
  t.match(first.body.info, {
    per_page: 2,
    count: 2,
    page: 1,
    more_records: true,
    sort_by: 'id',
    sort_order: 'asc',
    next_page_token: /\w+/,
    page_token_expiry: /\+00:00$/,
  });
  t.same(
    first.body.data,
    [
      { Grade: 'P', id: ids[0] },
      { Grade: 'P', id: ids[1] },
    ],
    'only the asked fields plus id, no subform',
  );
  const second = await api(
    'GET',
    `/BTEC_Grades?fields=Grade,Learning_Outcomes_Assessm&per_page=2&sort_order=asc&page_token=${first.body.info.next_page_token}`,
  );
  t.same(
    second.body.data.map((r: { id: string }) => r.id),
    [ids[2], ids[3]],
  );
  t.equal(second.body.info.page, 2);
  const last = await api('GET', '/BTEC_Grades?fields=Grade&per_page=2&page=3&sort_order=asc');
  t.match(last.body.info, { count: 1, more_records: false, next_page_token: null });
  t.same((await api('GET', '/BTEC_Grades?fields=Grade')).body.data[0].id, ids[4], 'default order is id desc');
  t.match(
    (await api('GET', `/BTEC_Grades?fields=Grade&per_page=2&page_token=${first.body.info.next_page_token}`)).body,
    { code: 'TOKEN_BOUND_DATA_MISMATCH' },
  );
  t.match((await api('GET', `/BTEC_Grades?fields=Grade&page=1&page_token=x`)).body, {
    code: 'AMBIGUITY_DURING_PROCESSING',
  });
});

t.test('pages beyond the first 2000 records without page_token are DISCRETE_PAGINATION_LIMIT_EXCEEDED', async (t) => {
  const { api } = await setup(t);
  t.equal((await api('GET', '/BTEC_Grades?fields=Grade&page=10&per_page=200')).status, 204);
  const beyond = await api('GET', '/BTEC_Grades?fields=Grade&page=11&per_page=200');
  t.equal(beyond.status, 400);
  t.match(beyond.body, { code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', status: 'error' });
});

t.test('search: equals acts like contains, escapes work, no match is 204, more than 10 criteria fail', async (t) => {
  const { sim, api } = await setup(t);
  sim.seed('BTEC_Students', [
    { Name: 'ABC Inc', Academic_Email: 'a@college.test' },
    { Name: 'Burns,B (x)' },
    { Name: 'Other' },
  ]);
  const hit = await api('GET', `/BTEC_Students/search?criteria=${encodeURIComponent('(Name:equals:abc)')}`);
  t.equal(hit.status, 200);
  t.match(hit.body, { data: [{ Name: 'ABC Inc' }], info: { count: 1, page: 1, per_page: 200, more_records: false } });
  const escaped = await api(
    'GET',
    `/BTEC_Students/search?criteria=${encodeURIComponent('((Name:equals:Burns\\,B \\(x\\))and(Name:starts_with:bur))')}`,
  );
  t.match(escaped.body.data, [{ Name: 'Burns,B (x)' }]);
  t.equal((await api('GET', `/BTEC_Students/search?criteria=${encodeURIComponent('(Name:equals:zzz)')}`)).status, 204);
  t.match((await api('GET', `/BTEC_Students/search?email=A@college.test`)).body.data, [{ Name: 'ABC Inc' }]);
  t.match((await api('GET', `/BTEC_Students/search?word=other`)).body.data, [{ Name: 'Other' }]);
  const eleven = `(${Array.from({ length: 11 }, (_, i) => `(Name:equals:${i})`).join('or')})`;
  t.match((await api('GET', `/BTEC_Students/search?criteria=${encodeURIComponent(eleven)}`)).body, {
    code: 'LIMIT_EXCEEDED',
  });
  t.match((await api('GET', `/BTEC_Students/search?criteria=broken`)).body, { code: 'INVALID_QUERY' });
  t.match((await api('GET', `/BTEC_Students/search`)).body, { code: 'REQUIRED_PARAM_MISSING' });
});

t.test('search lags behind writes by the index lag; COQL sees them at once', async (t) => {
  let clock = 1_700_000_000_000;
  const { sim, api } = await setup(t, { now: () => clock, indexLagMs: 5000 });
  const insert = await api('POST', '/BTEC_Grades', {
    data: [{ Moodle_Grade_Composite_Key: '7_8_9', Grade: 'P' }],
    trigger: [],
  });
  t.equal(insert.status, 201);
  const criteria = encodeURIComponent('(Moodle_Grade_Composite_Key:equals:7_8_9)');
  t.equal((await api('GET', `/BTEC_Grades/search?criteria=${criteria}`)).status, 204, 'not indexed yet');
  const coql = await api('POST', '/coql', {
    select_query:
      "select Grade, Moodle_Grade_Composite_Key from BTEC_Grades where Moodle_Grade_Composite_Key = '7_8_9' limit 0, 200",
  });
  t.same(coql.body, {
    data: [{ Grade: 'P', Moodle_Grade_Composite_Key: '7_8_9', id: insert.body.data[0].details.id }],
    info: { count: 1, more_records: false },
  });
  clock += 5000;
  t.equal((await api('GET', `/BTEC_Grades/search?criteria=${criteria}`)).status, 200, 'indexed after the lag');
  await api('PUT', '/BTEC_Grades', { data: [{ id: insert.body.data[0].details.id, Grade: 'M' }] });
  t.match(
    (await api('GET', `/BTEC_Grades/search?criteria=${criteria}`)).body.data,
    [{ Grade: 'P' }],
    'search still shows the old version',
  );
  sim.setIndexLagMs(0);
  t.match((await api('GET', `/BTEC_Grades/search?criteria=${criteria}`)).body.data, [{ Grade: 'M' }]);
});

t.test("COQL: none is 204, quotes escape with \\', bad syntax and unknown modules are errors", async (t) => {
  const { sim, api } = await setup(t);
  sim.seed('BTEC_Students', [
    { Name: "O'Brien", Status: 'Active' },
    { Name: 'Ann', Status: null },
  ]);
  t.match(
    (await api('POST', '/coql', { select_query: "select Name from BTEC_Students where Name = 'O\\'Brien'" })).body.data,
    [{ Name: "O'Brien" }],
  );
  t.match(
    (await api('POST', '/coql', { select_query: 'select Name from BTEC_Students where Status is null' })).body.data,
    [{ Name: 'Ann' }],
  );
  t.equal(
    (await api('POST', '/coql', { select_query: "select Name from BTEC_Students where Name = 'nobody'" })).status,
    204,
  );
  const page = await api('POST', '/coql', {
    select_query: "select Name from BTEC_Students where Name like '%' order by Name limit 0, 1",
  });
  t.same(page.body.info, { count: 1, more_records: true });
  t.match((await api('POST', '/coql', { select_query: 'select from' })).body, { code: 'SYNTAX_ERROR' });
  t.match((await api('POST', '/coql', { select_query: 'select Name from Nope' })).body, { code: 'INVALID_QUERY' });
  t.match((await api('POST', '/coql', {})).body, { code: 'REQUIRED_PARAM_MISSING' });
});

t.test('insert answers 201 with per-record SUCCESS details and records the trigger sent', async (t) => {
  const { sim, api } = await setup(t);
  const res = await api('POST', '/BTEC_Grades', {
    data: [{ Moodle_Grade_Composite_Key: 'a' }, { Moodle_Grade_Composite_Key: 'b' }],
    trigger: [],
  });
  t.equal(res.status, 201);
  t.equal(res.body.data.length, 2);
  const [first] = res.body.data;
  t.same(Object.keys(first), ['code', 'details', 'message', 'status']);
  t.match(first, {
    code: 'SUCCESS',
    message: 'record added',
    status: 'success',
    details: {
      id: /^\d{19}$/,
      Created_Time: String,
      Modified_Time: String,
      Created_By: { name: String, id: String },
      Modified_By: { name: String, id: String },
    },
  });
  t.match(sim.record('BTEC_Grades', first.details.id), { Moodle_Grade_Composite_Key: 'a' });
  t.same(sim.calls.at(-1)?.trigger, []);
  await api('POST', '/BTEC_Grades', { data: [{ Moodle_Grade_Composite_Key: 'c' }] });
  t.equal(sim.calls.at(-1)?.trigger, undefined, 'no trigger key sent');
});

t.test(
  'per-record errors: DUPLICATE_DATA, MANDATORY_NOT_FOUND, INVALID_DATA; mixed results are 207, all failed 400',
  async (t) => {
    const { sim, api } = await setup(t);
    const [existing] = sim.seed('BTEC_Grades', [{ Moodle_Grade_Composite_Key: '1_2_3' }]);
    sim.setMandatoryFields('BTEC_Grades', ['Grade']);
    const res = await api('POST', '/BTEC_Grades', {
      data: [
        { Moodle_Grade_Composite_Key: '1_2_3', Grade: 'P' },
        { Moodle_Grade_Composite_Key: 'x' },
        { Grade: 'P', Attempt_Number: 'two' },
        { Grade: 'P', Moodle_Grade_Composite_Key: 'ok' },
      ],
    });
    t.equal(res.status, 207);
    t.same(res.body.data[0], {
      code: 'DUPLICATE_DATA',
      details: {
        api_name: 'Moodle_Grade_Composite_Key',
        json_path: '$.data[0].Moodle_Grade_Composite_Key',
        duplicate_record: {
          Owner: { name: 'Simulator Admin', id: '5725767000000411001', zuid: '10000000001' },
          module: { api_name: 'BTEC_Grades', id: res.body.data[0].details.duplicate_record.module.id },
          id: existing,
        },
        id: existing,
        more_records: false,
      },
      message: 'duplicate data',
      status: 'error',
    });
    t.same(res.body.data[1], {
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'Grade', json_path: '$.data[1].Grade' },
      message: 'required field not found',
      status: 'error',
    });
    t.same(res.body.data[2], {
      code: 'INVALID_DATA',
      details: { expected_data_type: 'integer', api_name: 'Attempt_Number', json_path: '$.data[2].Attempt_Number' },
      message: 'invalid data',
      status: 'error',
    });
    t.match(res.body.data[3], { code: 'SUCCESS' });
    t.match(
      await api('POST', '/BTEC_Grades', { data: [{ Grade: 'P', Feedback: 'x'.repeat(2001) }] }).then(
        (r) => r.body.data[0].details,
      ),
      { maximum_length: 2000 },
    );
    const allBad = await api('PUT', '/BTEC_Grades', { data: [{ id: '5725767000009999999', Grade: 'P' }] });
    t.equal(allBad.status, 400);
    t.match(allBad.body.data[0], { code: 'INVALID_DATA', details: { api_name: 'id' }, status: 'error' });
  },
);

t.test('more than 100 records in one write is LIMIT_EXCEEDED', async (t) => {
  const { api } = await setup(t);
  const res = await api('POST', '/BTEC_Grades', {
    data: Array.from({ length: 101 }, (_, i) => ({ Moodle_Grade_Composite_Key: `k${i}` })),
  });
  t.equal(res.status, 400);
  t.match(res.body, { code: 'LIMIT_EXCEEDED', status: 'error' });
});

t.test('update answers 200 "record updated" and keeps fields not sent', async (t) => {
  const { sim, api } = await setup(t);
  const [id] = sim.seed('BTEC_Grades', [{ Moodle_Grade_Composite_Key: 'k', Grade: 'R', Attempt_Number: 1 }]);
  const res = await api('PUT', '/BTEC_Grades', {
    data: [{ id, Grade: 'RR', Attempt_Number: 2 }],
    trigger: ['workflow'],
  });
  t.equal(res.status, 200);
  t.match(res.body.data[0], { code: 'SUCCESS', message: 'record updated', details: { id } });
  t.match(sim.record('BTEC_Grades', id as string), { Moodle_Grade_Composite_Key: 'k', Grade: 'RR', Attempt_Number: 2 });
  const single = await api('PUT', `/BTEC_Grades/${id}`, { data: [{ Grade: 'D' }] });
  t.equal(single.status, 200);
  t.equal(sim.record('BTEC_Grades', id as string)?.Grade, 'D');
});

t.test(
  'upsert updates on the duplicate-check field and inserts otherwise, with action and duplicate_field',
  async (t) => {
    const { sim, api } = await setup(t);
    const [id] = sim.seed('BTEC_Grades', [{ Moodle_Grade_Composite_Key: 'k1', Grade: 'P' }]);
    const res = await api('POST', '/BTEC_Grades/upsert', {
      data: [
        { Moodle_Grade_Composite_Key: 'K1', Grade: 'M' },
        { Moodle_Grade_Composite_Key: 'k2', Grade: 'D' },
      ],
      duplicate_check_fields: ['Moodle_Grade_Composite_Key'],
      trigger: [],
    });
    t.equal(res.status, 200);
    t.match(res.body.data[0], {
      code: 'SUCCESS',
      action: 'update',
      duplicate_field: 'Moodle_Grade_Composite_Key',
      message: 'record updated',
      details: { id },
    });
    t.match(res.body.data[1], { code: 'SUCCESS', action: 'insert', duplicate_field: null, message: 'record added' });
    t.equal(sim.record('BTEC_Grades', id as string)?.Grade, 'M');
    const onlyNew = await api('POST', '/BTEC_Grades/upsert', { data: [{ Moodle_Grade_Composite_Key: 'k3' }] });
    t.equal(onlyNew.status, 201, 'without duplicate_check_fields the unique field is used; all inserted is 201');
  },
);

t.test('subform update: rows with id are updated, without id appended, _delete removes, [] clears', async (t) => {
  const { sim, api } = await setup(t);
  const [id] = sim.seed('BTEC_Grades', [
    {
      Moodle_Grade_Composite_Key: 'k',
      Learning_Outcomes_Assessm: [
        { LO_Code: 'P1', LO_Score: '0' },
        { LO_Code: 'P2', LO_Score: '0' },
      ],
    },
  ]);
  const rows = () => sim.record('BTEC_Grades', id as string)?.Learning_Outcomes_Assessm as Record<string, unknown>[];
  const [p1, p2] = rows();
  await api('PUT', '/BTEC_Grades', {
    data: [
      {
        id,
        Learning_Outcomes_Assessm: [
          { id: p1?.id, LO_Score: '1' },
          { LO_Code: 'M1', LO_Score: '1' },
        ],
      },
    ],
  });
  t.match(rows(), [
    { id: p1?.id, LO_Code: 'P1', LO_Score: '1' },
    { id: p2?.id, LO_Code: 'P2' },
    { LO_Code: 'M1', id: /^\d{19}$/ },
  ]);
  await api('PUT', '/BTEC_Grades', { data: [{ id, Learning_Outcomes_Assessm: [{ id: p2?.id, _delete: null }] }] });
  t.same(
    rows().map((r) => r.LO_Code),
    ['P1', 'M1'],
  );
  const bad = await api('PUT', '/BTEC_Grades', {
    data: [{ id, Learning_Outcomes_Assessm: [{ id: '1', LO_Score: '1' }] }],
  });
  t.match(bad.body.data[0], { code: 'INVALID_DATA' });
  await api('PUT', '/BTEC_Grades', { data: [{ id, Learning_Outcomes_Assessm: [] }] });
  t.same(rows(), []);
  const inserted = await api('POST', '/BTEC_Grades', {
    data: [{ Moodle_Grade_Composite_Key: 'n', Learning_Outcomes_Assessm: [{ LO_Code: 'D1' }] }],
  });
  t.match(
    (await api('GET', `/BTEC_Grades/${inserted.body.data[0].details.id}`)).body.data[0].Learning_Outcomes_Assessm,
    [{ LO_Code: 'D1', id: /^\d{19}$/ }],
  );
});

t.test(
  'failNext: 429 without Retry-After, 500 INTERNAL_ERROR, credits exhausted, invalid_token, only matching paths',
  async (t) => {
    const { sim, api } = await setup(t);
    sim.failNext('/BTEC_Grades', 'http429');
    const limited = await api('GET', '/BTEC_Grades?fields=Grade');
    t.equal(limited.status, 429);
    t.match(limited.body, { code: 'TOO_MANY_REQUESTS', details: {}, message: String, status: 'error' });
    t.equal(limited.headers.get('retry-after'), null);
    t.equal((await api('GET', '/BTEC_Grades?fields=Grade')).status, 204, 'only once');
    sim.failNext('/coql', 'http500', { times: 2 });
    t.equal((await api('GET', '/BTEC_Grades?fields=Grade')).status, 204, 'other paths unaffected');
    t.match((await api('POST', '/coql', { select_query: 'select Name from Leads' })).body, {
      code: 'INTERNAL_ERROR',
      status: 'error',
    });
    t.equal((await api('POST', '/coql', { select_query: 'select Name from Leads' })).status, 500);
    sim.failNext('*', 'credits_exhausted');
    const credits = await api('GET', '/Leads?fields=Name');
    t.equal(credits.status, 429);
    t.equal(credits.headers.get('x-api-credits-remaining'), '0');
    t.match(credits.body, { code: 'TOO_MANY_REQUESTS' });
    sim.failNext('*', 'invalid_token');
    t.same((await api('GET', '/Leads?fields=Name')).body, {
      code: 'INVALID_TOKEN',
      details: {},
      message: 'invalid oauth token',
      status: 'error',
    });
    t.equal(sim.calls.at(-1)?.status, 401);
  },
);

t.test('failNext timeout never answers until the simulator closes', async (t) => {
  const sim = await createZohoSimulator();
  const access = String((await token(sim)).body.access_token);
  sim.failNext('*', 'timeout');
  const pending = fetch(`${sim.apiUrl}/crm/v8/Leads?fields=Name`, {
    headers: { authorization: `Zoho-oauthtoken ${access}` },
  }).then(
    (r) => `answered ${r.status}`,
    () => 'failed',
  );
  const raced = await Promise.race([
    pending,
    new Promise((resolve) => setTimeout(() => resolve('still waiting'), 150)),
  ]);
  t.equal(raced, 'still waiting');
  t.equal(sim.calls.at(-1)?.status, 0);
  await sim.close();
  t.equal(await pending, 'failed');
});

t.test('maxConcurrent counts API requests in flight including latency, not token requests', async (t) => {
  const { sim, api } = await setup(t, { latencyMs: 50 });
  await Promise.all([token(sim), token(sim)]);
  t.equal(sim.maxConcurrent, 0);
  await Promise.all(Array.from({ length: 4 }, () => api('GET', '/Leads?fields=Name')));
  t.equal(sim.maxConcurrent, 4);
  sim.setLatency(0);
  await api('GET', '/Leads?fields=Name');
  t.equal(sim.maxConcurrent, 4);
  sim.maxConcurrent = 0;
  await api('GET', '/Leads?fields=Name');
  t.equal(sim.maxConcurrent, 1, 'can be reset to measure again');
});

t.test('unknown paths and methods get Zoho error envelopes', async (t) => {
  const { api } = await setup(t);
  t.match((await api('GET', '/Leads/1/2')).body, { code: 'INVALID_URL_PATTERN' });
  t.match((await api('DELETE', '/Leads')).body, { code: 'INVALID_REQUEST_METHOD' });
  t.match((await api('POST', '/Leads', { nodata: true })).body, { code: 'INVALID_DATA' });
});
