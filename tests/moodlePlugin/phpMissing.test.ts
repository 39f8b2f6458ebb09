import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { inCi, PHP_INSTALL_COMMAND, skipWithoutPhp } from '../helpers/phpTools.ts';
import { envWithout, PROJECT_ROOT, runProcess } from '../helpers/spawnProcess.ts';

/**
 * The PHP checks on a machine without PHP: skipped with the install command, so a fresh
 * machine's `npm test` passes, but failing under CI, which installs PHP (`.ci/run`) and must
 * not skip them unnoticed. Run as their own processes with a PATH that has no php on it.
 */

const PHP_TESTS = ['tests/moodlePlugin/php.test.ts', 'tests/moodlePlugin/signingVector.test.ts'];
const noTools = mkdtempSync(join(tmpdir(), 'mzs-no-php-'));
t.teardown(() => rmSync(noTools, { recursive: true, force: true }));

const runWithoutPhp = (file: string, ci: string | undefined) =>
  runProcess(process.execPath, [`${PROJECT_ROOT}${file}`], {
    env: { ...envWithout('CI'), CI: ci, PATH: noTools },
    timeout: 60_000,
  });

t.test('CI counts as set for any value but empty, 0 or false', async (t) => {
  const cases: [string | undefined, boolean][] = [
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    [' FALSE ', false],
    ['true', true],
    ['1', true],
    ['woodpecker', true],
  ];
  for (const [value, expected] of cases) t.equal(inCi({ CI: value }), expected, `CI=${String(value)}`);
  t.equal(skipWithoutPhp([], {}), false, 'nothing missing: runs');
  t.equal(skipWithoutPhp(['php'], { CI: 'true' }), false, 'under CI: runs (and fails)');
  t.match(skipWithoutPhp(['php', 'phpunit'], {}), /^php and phpunit not installed: apt-get install php-cli phpunit/);
});

for (const file of PHP_TESTS) {
  t.test(`${file} without php: skipped with the install command, or failing under CI`, async (t) => {
    const local = await runWithoutPhp(file, undefined);
    t.equal(local.code, 0, 'passes without CI', { stderr: local.stderr });
    t.match(
      local.stdout,
      new RegExp(`# SKIP php (and phpunit )?not installed: ${PHP_INSTALL_COMMAND}`),
      'the skip says how to install it',
    );
    t.notMatch(local.stdout, /^not ok/m, 'nothing failed');

    const ci = await runWithoutPhp(file, 'true');
    t.equal(ci.code, 1, 'fails under CI');
    t.match(
      ci.stdout,
      new RegExp(`not ok \\d+ - php not installed: ${PHP_INSTALL_COMMAND} \\(CI is set`),
      'naming the missing tool and the install command',
    );
  });
}
