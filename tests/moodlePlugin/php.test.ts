import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import t from 'tap';
import { phpMissingReason, skipWithoutPhp } from '../helpers/phpTools.ts';
import { PROJECT_ROOT, runProcess, type ProcessResult } from '../helpers/spawnProcess.ts';

/**
 * The Moodle plugin's PHP checks, run from the service's suite: `php -l` on every PHP file of
 * `moodle-plugin/`, then the plain-PHPUnit suite of the plugin's pure classes
 * (`moodle-plugin/tests-pure`). The Moodle-level tests (`moodle-plugin/zohosync/tests/`) need a
 * Moodle install and run under moodle-plugin-ci, not here. Without php or phpunit they are
 * skipped with the install command, except under CI, where the first test fails
 * (tests/helpers/phpTools.ts).
 */

const PLUGIN_ROOT = join(PROJECT_ROOT, 'moodle-plugin');

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return phpFiles(path);
    return entry.isFile() && entry.name.endsWith('.php') ? [path] : [];
  });
}

/** Runs a tool, or resolves null when it is not installed. */
async function tryRun(file: string, args: string[]): Promise<ProcessResult | null> {
  try {
    return await runProcess(file, args, { env: { ...process.env }, timeout: 120_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const php = await tryRun('php', ['--version']);
const phpunit = await tryRun('phpunit', ['--version']);
const missing = [...(php ? [] : ['php']), ...(phpunit ? [] : ['phpunit'])];

t.test('php and phpunit are installed', { skip: skipWithoutPhp(missing) }, async (t) => {
  t.ok(php && php.code === 0, php ? `php --version exited ${String(php.code)}` : phpMissingReason(['php']));
  t.ok(
    phpunit && phpunit.code === 0,
    phpunit ? `phpunit --version exited ${String(phpunit.code)}` : phpMissingReason(['phpunit']),
  );
});

// Under CI the test above fails for a missing tool; these two are skipped rather than fail twice more.
t.test('every PHP file of the plugin passes php -l', { skip: php ? false : phpMissingReason(['php']) }, async (t) => {
  const files = phpFiles(PLUGIN_ROOT);
  t.ok(files.length >= 40, `found ${files.length} PHP files under moodle-plugin/`);
  t.ok(
    files.some((file) => file.endsWith(join('zohosync', 'version.php'))),
    'the plugin has a version.php',
  );
  const failures: string[] = [];
  // A few at a time: each php -l starts an interpreter.
  for (let i = 0; i < files.length; i += 8) {
    const batch = files.slice(i, i + 8);
    const results = await Promise.all(
      batch.map((file) => runProcess('php', ['-l', file], { env: { ...process.env } })),
    );
    results.forEach((result, j) => {
      if (result.code !== 0)
        failures.push(`${relative(PROJECT_ROOT, batch[j] ?? '')}: ${result.stdout}${result.stderr}`);
    });
  }
  t.same(failures, [], `php -l on ${files.length} files`);
});

t.test('the pure PHPUnit suite passes', { skip: php && phpunit ? false : phpMissingReason(missing) }, async (t) => {
  const result = await runProcess('phpunit', ['--configuration', 'moodle-plugin/tests-pure/phpunit.xml'], {
    env: { ...process.env },
    timeout: 120_000,
  });
  const output = { stdout: result.stdout, stderr: result.stderr };
  t.equal(result.code, 0, 'phpunit exits 0', output);
  const summary = /OK \((\d+) tests?, (\d+) assertions?\)/.exec(result.stdout);
  t.ok(summary, 'phpunit prints its OK summary', output);
  const tests = Number(summary?.[1] ?? 0);
  const assertions = Number(summary?.[2] ?? 0);
  t.ok(tests >= 80, `${tests} PHPUnit tests ran`);
  t.ok(assertions >= tests, `${assertions} assertions`);
  t.notMatch(result.stdout, /\b(?:Skipped|Incomplete|Risky)\b/, 'nothing skipped, incomplete or risky');
});
