import { readFileSync } from 'node:fs';
import t from 'tap';
import { DASHBOARD_FUNCTIONS } from '../../shared/clients/moodle/createDashboardClient.ts';
import { REQUIRED_MOODLE_FUNCTIONS } from '../../shared/clients/moodle/createMoodleHealthCheck.ts';
import {
  SETUP_CAPABILITIES,
  SETUP_CORE_FUNCTIONS,
  SETUP_PLUGIN_FUNCTIONS,
} from '../../sandbox/integrationRequirements.ts';
import { PROJECT_ROOT } from '../helpers/spawnProcess.ts';

/**
 * The plugin's integration_requirements.php is the one list of what the service's Moodle user
 * needs: the setup script applies it, db/services.php builds the service from it, and the
 * README's manual route and the service's own REQUIRED_MOODLE_FUNCTIONS must agree with it.
 */
const capabilities = SETUP_CAPABILITIES;
const coreFunctions = SETUP_CORE_FUNCTIONS;
const readme = readFileSync(`${PROJECT_ROOT}README.md`, 'utf8');

t.test('the lists are there', async (t) => {
  t.ok(capabilities.length >= 25, `${capabilities.length} capabilities`);
  t.ok(coreFunctions.length >= 19, `${coreFunctions.length} core functions`);
  t.ok(
    capabilities.includes('moodle/user:viewalldetails') && capabilities.includes('moodle/site:viewuseridentity'),
    'the two a real Moodle 4.5 needs for lookups by idnumber, username and e-mail',
  );
  t.notOk(capabilities.includes('enrol/manual:manage'), 'not a capability the service needs');
});

t.test(
  "the service's REQUIRED_MOODLE_FUNCTIONS are the plugin's core functions plus its own (dashboard data, status report)",
  async (t) => {
    t.same([...REQUIRED_MOODLE_FUNCTIONS].sort(), [...coreFunctions, ...SETUP_PLUGIN_FUNCTIONS].sort());
    const dashboard: string[] = Object.values(DASHBOARD_FUNCTIONS).flatMap((fns) => [fns.upsert, fns.delete]);
    t.same(
      SETUP_PLUGIN_FUNCTIONS.filter((f) => !dashboard.includes(f)),
      ['local_zohosync_get_integration_status'],
      'the dashboard functions and the status report',
    );
  },
);

t.test('db/services.php builds the one service from that list', async (t) => {
  const services = readFileSync(`${PROJECT_ROOT}moodle-plugin/zohosync/db/services.php`, 'utf8');
  t.match(
    services,
    /'functions' => array_merge\(array_keys\(\$functions\), \\local_zohosync\\local\\integration_requirements::CORE_FUNCTIONS\)/,
  );
});

t.test("README's manual route names every capability, and the setup script", async (t) => {
  const section = readme.slice(readme.indexOf('## Pointing Moodle at it'), readme.indexOf('## Operating it'));
  for (const capability of capabilities) t.ok(section.includes(`\`${capability}\``), capability);
  t.match(section, /setup_integration\.php/);
});
