import { randomBytes } from 'node:crypto';
import t from 'tap';
import { SETUP_CAPABILITIES } from '../../sandbox/integrationRequirements.ts';
import { createMoodleSimulator } from '../../sandbox/moodleSimulator.ts';
import { createZohoSimulator } from '../../sandbox/zohoSimulator.ts';
import { PROJECT_ROOT, runProcess } from '../helpers/spawnProcess.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { MOODLE_SECRET } from '../helpers/signing.ts';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { saveSetting } from '../../shared/db/queries/appSettings.ts';

/** bin/doctor against the simulators: a good setup, then one misconfiguration at a time. */
const SETUP = SETUP_CAPABILITIES;
const databaseUrl = await createTestDatabase(t);
const moodle = await createMoodleSimulator();
const zoho = await createZohoSimulator();
t.teardown(() => Promise.all([moodle.close(), zoho.close()]));
moodle.state.config.integrationCapabilities = SETUP;
await fetch(moodle.endpoint, {
  method: 'POST',
  body: new URLSearchParams({
    wstoken: moodle.token,
    wsfunction: 'core_user_create_users',
    moodlewsrestformat: 'json',
    'users[0][username]': 'ayla@college.example',
    'users[0][email]': 'ayla@college.example',
    'users[0][firstname]': 'Ayla',
    'users[0][lastname]': 'Demir',
    'users[0][createpassword]': '1',
  }),
});

const env = (overrides: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  DATABASE_URL: databaseUrl,
  MOODLE_URL: moodle.url,
  MOODLE_TOKEN: moodle.token,
  ZOHO_ACCOUNTS_URL: zoho.accountsUrl,
  ZOHO_API_URL: zoho.apiUrl,
  ZOHO_CLIENT_ID: zoho.clientId,
  ZOHO_CLIENT_SECRET: zoho.clientSecret,
  ZOHO_REFRESH_TOKEN: zoho.refreshToken,
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  MOODLE_WEBHOOK_SECRET: MOODLE_SECRET,
  ...overrides,
});
const doctor = (args: string[], overrides?: Record<string, string>) =>
  runProcess(`${PROJECT_ROOT}bin/doctor`, args, { env: env(overrides), timeout: 60_000 });

t.test('a good setup: every check ok, exit 0', async (t) => {
  const run = await doctor([]);
  t.equal(run.code, 0, run.stdout + run.stderr);
  t.match(run.stdout, /ok +moodle functions: all \d+ functions/);
  t.match(run.stdout, /ok +moodle user details: usernames and e-mails of other users are visible/);
  t.match(run.stdout, /ok +zoho BTEC_Students: readable/);
  t.match(run.stdout, /No problems found/);
});

t.test('a capability missing in the role: named, with the fix; exit 1; --json for scripts', async (t) => {
  moodle.state.config.integrationCapabilities = SETUP.filter((c) => c !== 'moodle/user:viewalldetails');
  t.teardown(() => {
    moodle.state.config.integrationCapabilities = SETUP;
  });
  const run = await doctor(['--json', '--only', 'moodle']);
  t.equal(run.code, 1);
  const report = JSON.parse(run.stdout) as {
    ok: boolean;
    checks: { name: string; status: string; detail: string; fix?: string }[];
  };
  t.equal(report.ok, false);
  t.match(
    report.checks.find((c) => c.name === 'user details'),
    { status: 'problem', detail: /moodle\/user:viewalldetails/, fix: /setup_integration\.php/ },
  );
  t.notOk(
    report.checks.some((c) => c.name.startsWith('BTEC')),
    '--only moodle',
  );
});

t.test('a wrong token, a function missing from the service, Zoho not configured', async (t) => {
  const wrong = await doctor(['--only', 'moodle'], { MOODLE_TOKEN: '0'.repeat(32) });
  t.equal(wrong.code, 1);
  t.match(wrong.stdout, /PROBLEM +moodle token: .*\n +fix: check MOODLE_URL .*MOODLE_TOKEN/);

  const functions = moodle.state.config.serviceFunctions;
  moodle.state.config.serviceFunctions = functions.filter((f) => f !== 'core_enrol_get_enrolled_users');
  t.teardown(() => {
    moodle.state.config.serviceFunctions = functions;
  });
  const missing = await doctor(['--only', 'moodle']);
  t.equal(missing.code, 1);
  t.match(missing.stdout, /PROBLEM +moodle functions: missing from the token's service: core_enrol_get_enrolled_users/);

  const unset = {
    ZOHO_ACCOUNTS_URL: '',
    ZOHO_CLIENT_ID: '',
    ZOHO_CLIENT_SECRET: '',
    ZOHO_REFRESH_TOKEN: '',
    ENCRYPTION_KEY: '',
  };
  const noZoho = await doctor(['--only', 'zoho'], unset);
  t.equal(noZoho.code, 1);
  t.match(noZoho.stdout, /PROBLEM +zoho configured: the Zoho OAuth settings are not all set/);
  const half = await doctor(['--only', 'zoho'], { ...unset, ZOHO_CLIENT_ID: zoho.clientId });
  t.equal(half.code, 2, 'half a Zoho configuration is a configuration error');
  t.match(half.stderr, /ZOHO_CLIENT_SECRET is required when ZOHO_CLIENT_ID is set/);
  t.notMatch(half.stderr, new RegExp(zoho.clientId), 'no value echoed');
});

t.test("the plugin's own side, as it reports it: HTTP security, role assignments, mail, cron", async (t) => {
  const good = await doctor(['--only', 'moodle']);
  t.equal(good.code, 0, good.stdout);
  t.match(
    good.stdout,
    /ok +moodle HTTP security: Moodle's HTTP security lets the plugin reach http:\/\/127\.0\.0\.1:8080/,
  );
  t.match(
    good.stdout,
    /ok +moodle role assignments: the integration user may assign every role in moodle\.roles \(student, editingteacher, teacher\)/,
  );
  t.match(
    good.stdout,
    /ok +moodle signing secret: the plugin's signing secret is MOODLE_WEBHOOK_SECRET \(same fingerprint\)/,
  );
  const wrong = await doctor(['--only', 'moodle'], {
    MOODLE_WEBHOOK_SECRET: `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`,
  });
  t.match(wrong.stdout, /PROBLEM +moodle signing secret: the plugin's signing secret is not MOODLE_WEBHOOK_SECRET/);

  const plugin = structuredClone(moodle.state.config.plugin);
  moodle.state.config.plugin.httpSecurity = {
    allowed: false,
    setting: 'curlsecurityblockedhosts',
    detail: '127.0.0.1 is blocked by curlsecurityblockedhosts (127.0.0.0/8)',
  };
  moodle.state.config.plugin.noreplyAddress = 'noreply@127.0.0.1';
  moodle.state.config.plugin.cronLastRun = 0;
  moodle.state.config.assignableRoles = [3, 5];
  t.teardown(() => {
    moodle.state.config.plugin = plugin;
    moodle.state.config.assignableRoles = 'all';
  });
  const bad = await doctor(['--only', 'moodle']);
  t.equal(bad.code, 1);
  t.match(
    bad.stdout,
    /PROBLEM +moodle HTTP security: 127\.0\.0\.1 is blocked by curlsecurityblockedhosts.*\n +fix: php local\/zohosync\/cli\/setup_integration\.php --service-url=http:\/\/127\.0\.0\.1:8080 --allow-service-url/,
  );
  t.match(
    bad.stdout,
    /PROBLEM +moodle role assignments: the integration user may not assign teacher \(moodle\.roles\.non_editing_teacher\)/,
  );
  t.match(
    bad.stdout,
    /PROBLEM +moodle outgoing mail: the no-reply address "noreply@127\.0\.0\.1" is not a valid e-mail address/,
  );
  t.match(bad.stdout, /PROBLEM +moodle cron: Moodle's cron has never run/);

  const functions = moodle.state.config.serviceFunctions;
  moodle.state.config.serviceFunctions = functions.filter((f) => f !== 'local_zohosync_get_integration_status');
  t.teardown(() => {
    moodle.state.config.serviceFunctions = functions;
  });
  const old = await doctor(['--only', 'moodle']);
  t.match(
    old.stdout,
    /PROBLEM +moodle plugin report: the plugin does not offer local_zohosync_get_integration_status: it is older than this service/,
  );
});

t.test("Zoho's fields: the org's metadata against the mapping, with the fix of each problem", async (t) => {
  const good = await doctor(['--only', 'zoho']);
  t.equal(good.code, 0, good.stdout);
  t.match(
    good.stdout,
    /ok +zoho BTEC_Grades fields: all \d+ mapped fields exist with a readable type; written picklist values and unique keys are there/,
  );

  // Another college: its e-mail field is College_Email, its grade key is not unique, its Grade
  // picklist lacks RR, and its Payment_Amount is a text field.
  const students = zoho.orgFields
    .fieldsOf('BTEC_Students')
    .map((f) => (f.api_name === 'Academic_Email' ? { ...f, api_name: 'College_Email' } : f));
  zoho.orgFields.set('BTEC_Students', students);
  zoho.orgFields.set(
    'BTEC_Grades',
    zoho.orgFields
      .fieldsOf('BTEC_Grades')
      .map((f) => (f.api_name === 'Grade' ? { ...f, values: (f.values ?? []).filter((v) => v !== 'RR') } : f)),
  );
  zoho.orgFields.set(
    'BTEC_Payments',
    zoho.orgFields
      .fieldsOf('BTEC_Payments')
      .map((f) => (f.api_name === 'Payment_Amount' ? { ...f, data_type: 'boolean' } : f)),
  );
  zoho.setUniqueFields('BTEC_Grades', []);
  t.teardown(() => {
    zoho.orgFields.set(
      'BTEC_Students',
      zoho.orgFields
        .fieldsOf('BTEC_Students')
        .map((f) => (f.api_name === 'College_Email' ? { ...f, api_name: 'Academic_Email' } : f)),
    );
    zoho.orgFields.set(
      'BTEC_Grades',
      zoho.orgFields
        .fieldsOf('BTEC_Grades')
        .map((f) => (f.api_name === 'Grade' ? { ...f, values: [...(f.values ?? []), 'RR'] } : f)),
    );
    zoho.orgFields.set(
      'BTEC_Payments',
      zoho.orgFields
        .fieldsOf('BTEC_Payments')
        .map((f) => (f.api_name === 'Payment_Amount' ? { ...f, data_type: 'currency' } : f)),
    );
    zoho.setUniqueFields('BTEC_Grades', ['Moodle_Grade_Composite_Key']);
  });
  const bad = await doctor(['--only', 'zoho']);
  t.equal(bad.code, 1);
  t.match(
    bad.stdout,
    /PROBLEM +zoho BTEC_Students fields: BTEC_Students\.Academic_Email \(academicEmail\) is not a field of the org\n +fix: create the field in Zoho, or name the org's field: ZOHO_FIELD_OVERRIDES='\{"BTEC_Students":\{"academicEmail":"<the org's API name>"\}\}'/,
  );
  t.match(
    bad.stdout,
    /PROBLEM +zoho BTEC_Grades fields: BTEC_Grades\.Grade lacks the value "RR" that the service writes\n +fix: add it to the picklist in Zoho/,
  );
  t.match(
    bad.stdout,
    /PROBLEM +zoho BTEC_Grades fields: BTEC_Grades\.Moodle_Grade_Composite_Key is not unique in the org.*\n +fix: mark the field "Do not allow duplicate values"/,
  );
  t.match(
    bad.stdout,
    /PROBLEM +zoho BTEC_Payments fields: BTEC_Payments\.Payment_Amount is a Zoho boolean field; the service reads amount as money/,
  );

  // Told the org's name, the doctor is content with the students' fields.
  const named = await doctor(['--only', 'zoho'], {
    ZOHO_FIELD_OVERRIDES: JSON.stringify({ BTEC_Students: { academicEmail: 'College_Email' } }),
  });
  t.notMatch(named.stdout, /BTEC_Students fields: .*not a field/);
  t.match(named.stdout, /ok +zoho BTEC_Students fields/);
});

t.test('a setting naming a status the org does not have, and metadata the token may not read', async (t) => {
  const db = await createDbPool(databaseUrl);
  t.teardown(() => db.end());
  await saveSetting(db, 'students.suspend_when_status', ['Passive', 'Withdrawn']);
  t.teardown(() =>
    saveSetting(db, 'students.suspend_when_status', ['Passive', 'Withdraw', 'Graduated', 'Blocked', 'Unregistered']),
  );
  const typo = await doctor(['--only', 'zoho']);
  t.equal(typo.code, 1);
  t.match(
    typo.stdout,
    /PROBLEM +zoho students\.suspend_when_status: students\.suspend_when_status names "Withdrawn", which BTEC_Students\.Status does not have \(the org's values: .*"Withdraw".*\)/,
  );

  zoho.orgFields.setReadable(false);
  t.teardown(() => zoho.orgFields.setReadable(true));
  const scope = await doctor(['--only', 'zoho']);
  t.equal(scope.code, 1);
  t.match(
    scope.stdout,
    /PROBLEM +zoho BTEC_Students fields: Zoho's field metadata could not be read: .*\n +fix: make a refresh token with the scope ZohoCRM\.settings\.fields\.READ/,
  );
});

t.test('bad usage exits 1 with the reason', async (t) => {
  const run = await doctor(['--only', 'nothing']);
  t.not(run.code, 0);
  t.match(run.stderr, /Invalid values|Choices/);
});
