// `npm start`: runs the ingress and the worker as two processes, on the embedded
// PostgreSQL when DATABASE_URL is unset. For production run `npm run start:api` and
// `npm run start:worker` under systemd or PM2 instead (see README).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { apiEnvSchema, launcherEnvSchema, loadConfig, workerEnvSchema } from '../shared/config/env.ts';
import { startEmbeddedPostgres } from '../shared/db/embeddedPostgres.ts';
import { migrateDatabase } from '../shared/db/migrateDatabase.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import { reportFatal } from '../shared/runProcess.ts';

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

  const env = { ...process.env, DATABASE_URL: databaseUrl };
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await embedded?.stop();
    process.exit(code);
  };
  for (const name of ['api', 'worker'] as const) {
    const child = spawn(process.execPath, [`${root}${name}/main.ts`], { env, stdio: 'inherit' });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      log.error({ process: name, code, signal }, `${name} exited unexpectedly; stopping`);
      void stopAll(1);
    });
  }
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGINT', () => void stopAll(0));
} catch (error) {
  reportFatal('start', error);
  process.exit(1);
}
