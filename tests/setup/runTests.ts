// `npm test` (after tsc): runs tap, with the same arguments (`npm test -- tests/foo.test.ts`),
// against the PostgreSQL chosen for the run: TEST_DATABASE_URL, else the local server on
// 127.0.0.1:5432, else an embedded PostgreSQL started for the run (tests/setup/chooseTestDatabase.ts).
// The exit code is tap's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { runWithTestDatabase } from './runWithTestDatabase.ts';

// tap's own command (what node_modules/.bin/tap links to), run on this Node 24.
const tapPackage = createRequire(import.meta.url).resolve('tap/package.json');
const tap = join(
  dirname(tapPackage),
  (JSON.parse(readFileSync(tapPackage, 'utf8')) as { bin: { tap: string } }).bin.tap,
);
const code = await runWithTestDatabase({
  command: process.execPath,
  args: [tap, ...process.argv.slice(2)],
  env: process.env,
  say: (text) => process.stdout.write(`npm test: ${text}\n`),
  log: createLogger({ service: 'test-postgres', level: 'warn' }),
});
process.exit(code);
