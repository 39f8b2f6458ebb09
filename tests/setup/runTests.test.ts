import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { PROJECT_ROOT } from '../helpers/spawnProcess.ts';
import { ADMIN_URL } from '../helpers/testDatabase.ts';
import { probePostgres, type TestDatabaseChoice } from './chooseTestDatabase.ts';
import { runWithTestDatabase } from './runWithTestDatabase.ts';

/**
 * `npm test`'s runner (tests/setup/runTests.ts → runWithTestDatabase): says first which
 * PostgreSQL it uses, hands it to the command with the command's arguments, exits with the
 * command's code, and stops the embedded PostgreSQL it started. With a stand-in for tap
 * (tests/fixtures/runTests/fakeTap.ts): a second tap run would rebuild the template database
 * and clear the coverage data of this one.
 */

const FAKE_TAP = `${PROJECT_ROOT}tests/fixtures/runTests/fakeTap.ts`;
const log = createLogger({ service: 'test-postgres', level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'mzs-run-tests-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

async function run(exitCode: number, choice: TestDatabaseChoice) {
  const said: string[] = [];
  const report = join(dir, `report-${exitCode}-${choice.kind}.json`);
  const code = await runWithTestDatabase({
    command: process.execPath,
    args: [FAKE_TAP, String(exitCode), report, '--grep', 'a b', 'tests/foo.test.ts'],
    env: { ...process.env, TEST_DATABASE_URL: undefined },
    say: (text) => said.push(text),
    log,
    choose: async () => choice,
  });
  return { code, said, got: JSON.parse(readFileSync(report, 'utf8')) as { args: string[]; url: string } };
}

t.test(
  'a given or local PostgreSQL: named first (host and port only), handed to the command with its arguments',
  async (t) => {
    const { host } = new URL(ADMIN_URL);
    const given = await run(0, { kind: 'given', adminUrl: ADMIN_URL });
    t.equal(given.code, 0);
    t.same(given.said, [`using TEST_DATABASE_URL (${host})`]);
    t.same(
      given.got,
      { args: ['--grep', 'a b', 'tests/foo.test.ts'], url: ADMIN_URL },
      'arguments passed on as they are',
    );
    const local = await run(3, { kind: 'local', adminUrl: ADMIN_URL });
    t.equal(local.code, 3, "the exit code is the command's");
    t.same(local.said, [`using the PostgreSQL on ${host} (TEST_DATABASE_URL is not set)`]);
  },
);

t.test('no PostgreSQL: an embedded one for the run, said so first, stopped afterwards', async (t) => {
  const reason = 'no usable PostgreSQL on 127.0.0.1:5432 (connect ECONNREFUSED 127.0.0.1:5432)';
  const { code, said, got } = await run(1, { kind: 'embedded', reason });
  t.equal(code, 1);
  t.equal(said[0], `${reason} and no TEST_DATABASE_URL: starting an embedded PostgreSQL for this run…`);
  const port = /^using the embedded PostgreSQL on 127\.0\.0\.1:(\d+) for this run; it is removed afterwards$/.exec(
    said[1] ?? '',
  )?.[1];
  t.ok(port, 'then its port');
  t.match(
    got.url,
    new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/postgres$`),
    'the command reached it (as its superuser)',
  );
  t.match(await probePostgres(got.url, 1000), /ECONNREFUSED/, 'stopped when the command ended');
});
