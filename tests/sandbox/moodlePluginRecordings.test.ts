import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { SETUP_CAPABILITIES } from '../../sandbox/integrationRequirements.ts';
import { PROJECT_ROOT } from '../helpers/spawnProcess.ts';
import type { MoodleFixture } from '../helpers/moodleFixtures.ts';
import { compareWithRecording } from '../../sandbox/moodle/compareWithRecording.ts';
import type { MoodlePluginSide } from '../../sandbox/moodle/moodleState.ts';
import { createMoodleSimulator, type MoodleSimulator } from '../../sandbox/moodleSimulator.ts';

/**
 * The plugin's own functions as recorded on a real Moodle 4.5 (tests/fixtures/moodle-plugin/):
 * each recording is replayed against the simulator set up as its `note` describes, and the
 * answer must match it (types, key order, values).
 */

const DIR = `${PROJECT_ROOT}tests/fixtures/moodle-plugin/`;
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(`${DIR}${file}`, 'utf8')) as Omit<MoodleFixture, 'file'>) }));

/** The recorded site right after the setup script: integration user zohosync (3), sending off, no secret. */
function afterSetupScript(sim: MoodleSimulator): string {
  sim.seed({ users: [{ id: 3, username: 'zohosync', email: 'zohosync@127.0.0.1.invalid' }] });
  sim.state.config.integrationCapabilities = [...SETUP_CAPABILITIES];
  sim.state.config.assignableRoles = [3, 4, 5];
  const plugin: MoodlePluginSide = {
    release: '0.1.0',
    version: 2026120300,
    sendingEnabled: false,
    serviceUrl: 'http://127.0.0.1:8080',
    secret: '',
    integrationUserId: 3,
    // Cron ran once on the recorded site (the note says when).
    httpSecurity: { allowed: true, setting: '', detail: '' },
    cronLastRun: 1796348421,
    noreplyAddress: 'noreply@example.com',
    outbox: { pending: 0, failed: 0, oldest_pending: 0 },
  };
  sim.state.config.plugin = plugin;
  return sim.addToken(3, { restUse: true });
}

const SETUPS: Record<string, (sim: MoodleSimulator, fixture: (typeof fixtures)[number]) => void> = {
  local_zohosync_get_integration_status__ok: () => {},
  local_zohosync_get_integration_status__misconfigured: (sim, fixture) => {
    sim.state.config.integrationCapabilities = SETUP_CAPABILITIES.filter((c) => c !== 'moodle/site:viewuseridentity');
    sim.state.config.assignableRoles = [3, 5];
    sim.state.config.plugin.noreplyAddress = 'noreply@127.0.0.1';
    // The verdict and its sentence come from the plugin's http_security class; the simulator is told the verdict.
    const recorded = (fixture.response as { http_security: MoodlePluginSide['httpSecurity'] }).http_security;
    sim.state.config.plugin.httpSecurity = { ...recorded };
  },
  local_zohosync_get_integration_status__caller_not_allowed: (sim) => {
    sim.state.config.plugin.integrationUserId = 0;
  },
};

t.test('every recording has its setup', async (t) => {
  t.same(
    fixtures.map((f) => f.file.replace(/\.json$/, '')).filter((name) => !(name in SETUPS)),
    [],
  );
  t.ok(fixtures.length >= 3);
});

for (const fixture of fixtures) {
  t.test(`${fixture.file}: the simulator answers like the recording`, async (t) => {
    const sim = await createMoodleSimulator();
    t.teardown(() => sim.close());
    const token = afterSetupScript(sim);
    SETUPS[fixture.file.replace(/\.json$/, '')]?.(sim, fixture);
    const body = new URLSearchParams({ ...fixture.request, wstoken: token });
    const res = await fetch(sim.endpoint, { method: 'POST', body });
    t.equal(res.status, fixture.status);
    t.same(
      compareWithRecording(fixture.response, await res.json(), { volatileKeys: new Set() }),
      [],
      'the answer matches the recording',
    );
  });
}
