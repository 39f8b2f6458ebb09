import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The plugin's one list of what the integration user needs
 * (moodle-plugin/zohosync/classes/local/integration_requirements.php), read by the tests that
 * configure the simulated Moodle with "the setup script's role" or compare other lists with it, and by
 * the simulated plugin's status report.
 */
const php = readFileSync(`${PROJECT_ROOT}moodle-plugin/zohosync/classes/local/integration_requirements.php`, 'utf8');

function constant(name: string): string {
  const body = new RegExp(`const ${name} = \\[([\\s\\S]*?)\\n    \\];`).exec(php)?.[1];
  if (!body) throw new Error(`${name} not found in integration_requirements.php`);
  return body;
}

/** The capabilities the setup script grants, in the file's order. */
export const SETUP_CAPABILITIES = [...constant('CAPABILITIES').matchAll(/'([a-z]+\/[a-z_]+:[a-z_]+)' =>/g)].map(
  (m) => m[1]!,
);
/** The core functions of the plugin's service. */
export const SETUP_CORE_FUNCTIONS = [...constant('CORE_FUNCTIONS').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
/** The plugin's own functions, as db/services.php declares them (the dashboard's and its status report). */
export const SETUP_PLUGIN_FUNCTIONS = [
  ...readFileSync(`${PROJECT_ROOT}moodle-plugin/zohosync/db/services.php`, 'utf8').matchAll(
    /'(local_zohosync_[a-z_]+)' => \[/g,
  ),
].map((m) => m[1]!);
