import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import {
  chooseTestDatabase,
  startTestPostgres,
  type TestDatabaseChoice,
  type TestPostgres,
} from './chooseTestDatabase.ts';

export interface RunOptions {
  /** The test runner and its arguments (tap, with `npm test`'s arguments). */
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** Where the run's first lines go (stdout: before tap's own output). */
  say: (text: string) => void;
  log: Logger;
  choose?: (env: Record<string, string | undefined>) => Promise<TestDatabaseChoice>;
}

/**
 * Runs `command` with TEST_DATABASE_URL set to the PostgreSQL chosen for the run (see
 * chooseTestDatabase), starting an embedded one when there is none and stopping it (and
 * deleting its folder) when the command ends. Each test file is its own process and reads
 * TEST_DATABASE_URL when it loads, so the choice is made once, before tap starts.
 * @returns the command's exit code (1 when a signal ended it).
 */
export async function runWithTestDatabase(options: RunOptions): Promise<number> {
  const choice = await (options.choose ?? chooseTestDatabase)(options.env);
  let embedded: TestPostgres | undefined;
  let adminUrl: string;
  if (choice.kind === 'embedded') {
    options.say(`${choice.reason} and no TEST_DATABASE_URL: starting an embedded PostgreSQL for this run…`);
    embedded = await startTestPostgres(options.log);
    adminUrl = embedded.adminUrl;
    options.say(`using the embedded PostgreSQL on 127.0.0.1:${embedded.port} for this run; it is removed afterwards`);
  } else {
    adminUrl = choice.adminUrl;
    // Host and port only: a TEST_DATABASE_URL may carry a password.
    const { host } = new URL(adminUrl);
    options.say(
      choice.kind === 'given'
        ? `using TEST_DATABASE_URL (${host})`
        : `using the PostgreSQL on ${host} (TEST_DATABASE_URL is not set)`,
    );
  }
  try {
    const child = spawn(options.command, options.args, {
      stdio: 'inherit',
      env: { ...options.env, TEST_DATABASE_URL: adminUrl },
    });
    // Ctrl-C reaches the runner too (same process group); a SIGTERM is passed on. Either way
    // we wait for it to finish before stopping our PostgreSQL.
    const onInterrupt = () => undefined;
    const onTerminate = () => child.kill('SIGTERM');
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onTerminate);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => resolve(code ?? 1));
      });
    } finally {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
    }
  } finally {
    await embedded?.stop();
  }
}
