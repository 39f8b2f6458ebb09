import t from 'tap';
import { checkPluginStatus, secretFingerprint } from '../../bin/lib/checkPluginStatus.ts';
import type { IntegrationStatus } from '../../shared/clients/moodle/moodleSchemas.ts';

/** The plugin's report of its side → bin/doctor's checks, each problem with its fix. */

const NOW = 1_796_400_000;
const ROLES = { 'moodle.roles': { student: 'student', teacher: 'editingteacher', non_editing_teacher: 'teacher' } };
const good: IntegrationStatus = {
  plugin_release: '0.1.0',
  plugin_version: 2026120200,
  sending_enabled: true,
  service_url: 'http://127.0.0.1:8080',
  secret_configured: true,
  secret_fingerprint: '7fd3ef67a8b317c4',
  integration_user_id: 3,
  caller_is_integration_user: true,
  http_security: { allowed: true, setting: '', detail: '' },
  missing_capabilities: [],
  assignable_roles: [
    { id: 3, shortname: 'editingteacher' },
    { id: 4, shortname: 'teacher' },
    { id: 5, shortname: 'student' },
  ],
  cron_last_run: NOW - 60,
  noreply_address: 'noreply@example.com',
  noreply_valid: true,
  outbox: { pending: 1, failed: 0, oldest_pending: NOW - 30 },
};
/** The plugin's secret in its PHPUnit test (get_integration_status_test.php): 32 × "s". */
const SECRET = `whsec_${Buffer.from('s'.repeat(32)).toString('base64')}`;
const problems = (status: IntegrationStatus, secret = SECRET) =>
  checkPluginStatus(status, ROLES, NOW, secret).filter((c) => c.status === 'problem');

t.test('a site set up by the setup script: every point ok', async (t) => {
  const checks = checkPluginStatus(good, ROLES, NOW, SECRET);
  t.same(
    checks.filter((c) => c.status !== 'ok'),
    [],
  );
  t.same(
    checks.map((c) => c.name),
    [
      'plugin sending',
      'signing secret',
      'HTTP security',
      'integration user',
      'capabilities',
      'role assignments',
      'cron',
      'outgoing mail',
      'deliveries',
    ],
  );
});

t.test('each misconfiguration is named with its fix', async (t) => {
  const cases: [string, Partial<IntegrationStatus>, string, RegExp, RegExp][] = [
    ['sending off', { sending_enabled: false }, 'plugin sending', /sending is off/, /Send events/],
    ['no secret', { secret_configured: false }, 'plugin sending', /no signing secret/, /MOODLE_WEBHOOK_SECRET/],
    [
      'blocked by HTTP security',
      {
        http_security: {
          allowed: false,
          setting: 'curlsecurityblockedhosts',
          detail: '127.0.0.1 is in curlsecurityblockedhosts',
        },
      },
      'HTTP security',
      /127\.0\.0\.1 is in curlsecurityblockedhosts/,
      /--allow-service-url \(it changes curlsecurityblockedhosts/,
    ],
    [
      'another integration user',
      { caller_is_integration_user: false, integration_user_id: 2 },
      'integration user',
      /integration user is user 2, not this token's user/,
      /setup_integration\.php sets it/,
    ],
    [
      'a capability missing',
      { missing_capabilities: ['moodle/site:viewuseridentity'] },
      'capabilities',
      /lacks moodle\/site:viewuseridentity/,
      /grants them/,
    ],
    [
      'a role not assignable',
      { assignable_roles: good.assignable_roles.filter((r) => r.shortname !== 'teacher') },
      'role assignments',
      /may not assign teacher \(moodle\.roles\.non_editing_teacher\)/,
      /--assignable-roles=student,editingteacher,teacher/,
    ],
    [
      'cron stopped',
      { cron_last_run: NOW - 7200 },
      'cron',
      /deliveries wait until it runs again/,
      /admin\/cli\/cron\.php/,
    ],
    ['cron never ran', { cron_last_run: 0 }, 'cron', /never run/, /cron\.php/],
    [
      'mail broken',
      { noreply_address: 'noreply@127.0.0.1', noreply_valid: false },
      'outgoing mail',
      /"noreply@127\.0\.0\.1" is not a valid e-mail address/,
      /noreplyaddress/,
    ],
    [
      'failed deliveries',
      { outbox: { pending: 0, failed: 2, oldest_pending: 0 } },
      'deliveries',
      /2 failed/,
      /Deliveries/,
    ],
    [
      'deliveries stuck',
      { outbox: { pending: 5, failed: 0, oldest_pending: NOW - 3600 } },
      'deliveries',
      /5 waiting \(oldest since/,
      /Deliveries/,
    ],
  ];
  for (const [what, change, name, detail, fix] of cases) {
    const found = problems({ ...good, ...change });
    t.equal(found.length, 1, `${what}: one problem`);
    t.match(found[0], { name, detail, fix }, what);
  }
});

t.test('a role given by id is compared by id', async (t) => {
  const checks = checkPluginStatus(
    good,
    { 'moodle.roles': { student: 5, teacher: '3', non_editing_teacher: 9 } as never },
    NOW,
  );
  t.match(
    checks.find((c) => c.name === 'role assignments'),
    { status: 'problem', detail: /may not assign 9 \(moodle\.roles\.non_editing_teacher\)/ },
  );
});

t.test("the secrets are compared by fingerprint, the vector the plugin's PHPUnit test checks", async (t) => {
  t.equal(secretFingerprint(SECRET), '7fd3ef67a8b317c4', 'the same 16 hex digits as signer::fingerprint');
  t.equal(secretFingerprint('not a secret'), '');
  const other = `whsec_${Buffer.from('t'.repeat(32)).toString('base64')}`;
  t.match(problems(good, other), [
    {
      name: 'signing secret',
      detail: /not MOODLE_WEBHOOK_SECRET \(their fingerprints differ\): the ingress refuses every delivery with 401/,
      fix: /Signing secret/,
    },
  ]);
  const unknown = checkPluginStatus(good, ROLES, NOW, undefined).find((c) => c.name === 'signing secret');
  t.match(unknown, { status: 'skipped', detail: /MOODLE_WEBHOOK_SECRET is not in this environment/ });
  t.notOk(
    checkPluginStatus({ ...good, secret_configured: false, secret_fingerprint: '' }, ROLES, NOW, SECRET).some(
      (c) => c.name === 'signing secret',
    ),
    'no secret in the plugin: said by "plugin sending"',
  );
});
