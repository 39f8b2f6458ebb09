import type { Argv } from 'yargs';
import { reportFatal } from '../../shared/runProcess.ts';

/** A user mistake (unknown id, nothing to do, a refused value): one line on stderr, exit 1. */
export class CliError extends Error {}

/**
 * How an operator CLI (bin/jobs, bin/settings) ends: a usage error is exit 2 with a pointer to
 * `--help` (yargs reports its own and our option checks as YError); a user mistake — a CliError,
 * or an error `isUserError` accepts — is one line and exit 1; anything else is reported as a
 * failure (exit 1). `cleanup` runs last (the database pool).
 */
export async function runCli(
  name: string,
  cli: Argv,
  cleanup: () => Promise<void>,
  isUserError: (error: unknown) => boolean = () => false,
): Promise<void> {
  cli.fail((message, error) => {
    if (error && error.name !== 'YError') throw error;
    process.stderr.write(`${name}: ${error?.message ?? message}\nRun ${name} --help for usage.\n`);
    process.exit(2);
  });
  try {
    await cli.parseAsync();
  } catch (error) {
    if (error instanceof CliError || isUserError(error)) process.stderr.write(`${name}: ${(error as Error).message}\n`);
    else reportFatal(name, error, 'failed');
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
