import { execFile } from 'node:child_process';

/**
 * The Moodle plugin's checks run PHP. A developer's machine may not have it: there they are
 * skipped, saying how to install it, so `npm install && npm test` passes on a fresh machine.
 * Under CI (the `CI` variable, set by CI services and by `.ci/run`) they must run, so a
 * missing tool fails there instead of being skipped unnoticed.
 */
export const PHP_INSTALL_COMMAND = 'apt-get install php-cli phpunit';

/** Whether CI is set (any value but empty, 0 or false). */
export function inCi(env: Record<string, string | undefined> = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Why a check needing the `missing` tools cannot run: the reason tap prints beside a skip, or with a failure under CI. */
export function phpMissingReason(missing: string[], env: Record<string, string | undefined> = process.env): string {
  const outcome = inCi(env) ? 'CI is set, so the PHP checks must run' : 'skipped; with CI set this fails';
  return `${missing.join(' and ')} not installed: ${PHP_INSTALL_COMMAND} (${outcome})`;
}

/**
 * tap's `skip` option for a check that needs `missing` tools: the reason outside CI, and
 * false when nothing is missing or under CI (the check then runs, and fails saying why).
 */
export function skipWithoutPhp(
  missing: string[],
  env: Record<string, string | undefined> = process.env,
): string | false {
  return missing.length > 0 && !inCi(env) ? phpMissingReason(missing, env) : false;
}

/** Whether `tool --version` runs. */
export function toolInstalled(tool: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(tool, ['--version'], { timeout: 60_000 }, (error) => resolve(!error));
  });
}
