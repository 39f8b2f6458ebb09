// `npm start`: runs the ingress and the worker as two processes, on the embedded
// PostgreSQL when DATABASE_URL is unset, and restarts either if it crashes. For
// production run `npm run start:api` and `npm run start:worker` under systemd instead
// (see README).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { apiEnvSchema, launcherEnvSchema, loadConfig, workerEnvSchema } from '../shared/config/env.ts';
import { startEmbeddedPostgres } from '../shared/db/embeddedPostgres.ts';
import { migrateDatabase } from '../shared/db/migrateDatabase.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import { LAUNCHER_PID_VARIABLE, reportFatal } from '../shared/runProcess.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

try {
  const launcher = loadConfig(launcherEnvSchema);
  const log = createLogger({ service: 'start', level: launcher.LOG_LEVEL });
  // Check both processes' configuration before starting anything (one line, names only).
  const placeholderUrl = launcher.DATABASE_URL ?? 'postgres://embedded@127.0.0.1/embedded';
  loadConfig(apiEnvSchema, { ...process.env, DATABASE_URL: placeholderUrl });
  loadConfig(workerEnvSchema, { ...process.env, DATABASE_URL: placeholderUrl });

  const embedded = launcher.DATABASE_URL ? undefined : await startEmbeddedPostgres(log, launcher.EMBEDDED_POSTGRES_PORT);
  const databaseUrl = launcher.DATABASE_URL ?? embedded!.url;
  await migrateDatabase(databaseUrl, log);

  const env = { ...process.env, DATABASE_URL: databaseUrl, [LAUNCHER_PID_VARIABLE]: String(process.pid) };
  const children = new Map<string, ChildProcess>();
  const restartTimers = new Set<NodeJS.Timeout>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const timer of restartTimers) clearTimeout(timer);
    await Promise.all([...children.values()].map(stopChild));
    await embedded?.stop();
    process.exit(code);
  };
  // A crashed child is started again, sooner the longer it had been running: 1 s, 2 s, 4 s …
  // up to 30 s while it keeps crashing at once, back to 1 s after a minute of running.
  const startChild = (name: 'api' | 'worker', crashesInARow: number) => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [`${root}${name}/main.ts`], { env, stdio: 'inherit' });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const crashes = Date.now() - startedAt >= 60_000 ? 1 : crashesInARow + 1;
      const delayMs = Math.min(1000 * 2 ** (crashes - 1), 30_000);
      log.error({ process: name, code, signal, restartInMs: delayMs, crashesInARow: crashes }, `${name} exited unexpectedly; restarting it in ${delayMs / 1000} s`);
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        if (!stopping) startChild(name, crashes);
      }, delayMs);
      restartTimers.add(timer);
    });
  };
  startChild('api', 0);
  startChild('worker', 0);
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGINT', () => void stopAll(0));
} catch (error) {
  reportFatal('start', error);
  process.exit(1);
}

/** SIGTERM, then waits for the exit (the worker finishes the jobs in hand first). */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
