import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Test } from 'tap';
import { createApp } from '../../api/app.ts';
import { apiEnvSchema, loadConfig } from '../../shared/config/env.ts';
import { createDbPool, type DatabasePool } from '../../shared/db/createDbPool.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { MOODLE_SECRET, ZOHO_SECRET, ZOHO_TOKEN } from './signing.ts';
import { createTestDatabase } from './testDatabase.ts';

export interface TestApp {
  url: string;
  /** The Express app being served (e.g. to list its routes). */
  app: Express;
  db: DatabasePool;
  databaseUrl: string;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: string[];
}

/**
 * The ingress on port 0 against a fresh migrated database (dropped in teardown), or
 * against `options.databaseUrl` as it is (e.g. an empty one).
 */
export async function startTestApp(
  t: Test,
  env: Record<string, string> = {},
  options: { databaseUrl?: string } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(t));
  const config = loadConfig(apiEnvSchema, {
    DATABASE_URL: databaseUrl,
    ZOHO_WEBHOOK_SECRET: ZOHO_SECRET,
    MOODLE_WEBHOOK_SECRET: MOODLE_SECRET,
    ZOHO_WEBHOOK_TOKEN: ZOHO_TOKEN,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const line = chunk.toString();
      rawLogs.push(line);
      logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const log = createLogger({ service: 'api', level: config.LOG_LEVEL, destination });
  const db = await createDbPool(databaseUrl, { maximumPoolSize: 25 });
  const app = createApp({ config, db, log });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await db.end();
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, db, databaseUrl, logs, rawLogs };
}
