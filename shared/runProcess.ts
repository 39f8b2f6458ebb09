import { ConfigError } from './config/env.ts';

type Stop = () => Promise<void>;

/**
 * Runs a long-lived process: `start` returns its stop function. A configuration
 * error prints one line (naming variables, never values) and exits 1; SIGTERM or
 * SIGINT stops gracefully; a second signal (2 s or more later) exits at once.
 */
export async function runProcess(name: string, start: () => Promise<Stop>): Promise<void> {
  let stop: Stop;
  try {
    stop = await start();
  } catch (error) {
    reportFatal(name, error);
    process.exit(1);
  }
  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches every process of the group while `npm start` also forwards a
    // SIGTERM: a second signal only forces the exit when it comes a while later.
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 2000) return;
      process.stderr.write(`${name}: second ${signal}, exiting now\n`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        reportFatal(name, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  stopWhenOrphaned(onSignal);
  // Last resort: every failure we expect (a lost database, a Zoho or Moodle outage) is
  // handled where it happens; anything reaching here is a bug, and a process in an unknown
  // state must not keep taking jobs. One line, then exit 1 for the supervisor to restart it.
  const crash = (error: unknown) => {
    reportFatal(name, error, 'crashed on an unexpected error');
    if (error instanceof Error && error.stack) process.stderr.write(`${redactUrls(error.stack)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

/** Set by `npm start` (bin/start.ts) on its children: the launcher's pid. */
export const LAUNCHER_PID_VARIABLE = 'MZS_LAUNCHER_PID';

/**
 * Under `npm start`, a launcher killed with SIGKILL cannot stop its children: they notice
 * that their parent changed and stop gracefully themselves instead of running on unseen.
 */
function stopWhenOrphaned(stop: (signal: NodeJS.Signals) => void): void {
  const launcher = Number(process.env[LAUNCHER_PID_VARIABLE]);
  if (!Number.isInteger(launcher) || launcher <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    process.stderr.write('the npm start launcher is gone; stopping\n');
    stop('SIGTERM');
  }, 2000);
  timer.unref();
}

/** One line on stderr for a startup failure; config errors never include values. */
export function reportFatal(name: string, error: unknown, doing = 'failed to start'): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`${name}: ${error.message}\n`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    !process.env.DATABASE_URL && /ECONNREFUSED/.test(message)
      ? ' (DATABASE_URL is not set, so the embedded PostgreSQL of `npm start` was tried: start it, or set DATABASE_URL)'
      : '';
  process.stderr.write(`${name}: ${doing}: ${redactUrls(message)}${hint}\n`);
}

/** Connection URLs in driver messages may carry a password. */
function redactUrls(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:@/\s]+):[^@/\s]+@/g, '$1:***@');
}
