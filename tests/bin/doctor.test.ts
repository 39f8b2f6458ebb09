import { randomBytes } from 'node:crypto';
import t from 'tap';
import { SETUP_CAPABILITIES } from '../helpers/integrationRequirements.ts';
import { createMoodleSimulator } from '../fakes/moodleSimulator.ts';
import { createZohoSimulator } from '../fakes/zohoSimulator.ts';
import { PROJECT_ROOT, runProcess } from '../helpers/spawnProcess.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

/** bin/doctor against the simulators: a good setup, then one misconfiguration at a time. */
const SETUP = SETUP_CAPABILITIES;
const databaseUrl = await createTestDatabase(t);
const moodle = await createMoodleSimulator();
const zoho = await createZohoSimulator();
t.teardown(() => Promise.all([moodle.close(), zoho.close()]));
moodle.state.config.integrationCapabilities = SETUP;
await fetch(moodle.endpoint, { method: 'POST', body: new URLSearchParams({
  wstoken: moodle.token, wsfunction: 'core_user_create_users', moodlewsrestformat: 'json',
  'users[0][username]': 'ayla@college.example', 'users[0][email]': 'ayla@college.example', 'users[0][firstname]': 'Ayla',
  'users[0][lastname]': 'Demir', 'users[0][createpassword]': '1',
}) });

const env = (overrides: Record<string, string> = {}) => ({
  PATH: process.env.PATH, DATABASE_URL: databaseUrl, MOODLE_URL: moodle.url, MOODLE_TOKEN: moodle.token,
  ZOHO_ACCOUNTS_URL: zoho.accountsUrl, ZOHO_API_URL: zoho.apiUrl, ZOHO_CLIENT_ID: zoho.clientId, ZOHO_CLIENT_SECRET: zoho.clientSecret,
  ZOHO_REFRESH_TOKEN: zoho.refreshToken, ENCRYPTION_KEY: randomBytes(32).toString('base64'), ...overrides,
});
const doctor = (args: string[], overrides?: Record<string, string>) => runProcess(`${PROJECT_ROOT}bin/doctor`, args, { env: env(overrides), timeout: 60_000 });

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
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string; fix?: string }[] };
  t.equal(report.ok, false);
  t.match(report.checks.find((c) => c.name === 'user details'), { status: 'problem', detail: /moodle\/user:viewalldetails/, fix: /setup_integration\.php/ });
  t.notOk(report.checks.some((c) => c.name.startsWith('BTEC')), '--only moodle');
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

  const unset = { ZOHO_ACCOUNTS_URL: '', ZOHO_CLIENT_ID: '', ZOHO_CLIENT_SECRET: '', ZOHO_REFRESH_TOKEN: '', ENCRYPTION_KEY: '' };
  const noZoho = await doctor(['--only', 'zoho'], unset);
  t.equal(noZoho.code, 1);
  t.match(noZoho.stdout, /PROBLEM +zoho configured: the Zoho OAuth settings are not all set/);
  const half = await doctor(['--only', 'zoho'], { ...unset, ZOHO_CLIENT_ID: zoho.clientId });
  t.equal(half.code, 2, 'half a Zoho configuration is a configuration error');
  t.match(half.stderr, /ZOHO_CLIENT_SECRET is required when ZOHO_CLIENT_ID is set/);
  t.notMatch(half.stderr, new RegExp(zoho.clientId), 'no value echoed');
});

t.test('bad usage exits 1 with the reason', async (t) => {
  const run = await doctor(['--only', 'nothing']);
  t.not(run.code, 0);
  t.match(run.stderr, /Invalid values|Choices/);
});
