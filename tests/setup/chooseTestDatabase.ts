import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../../shared/db/embeddedPostgres.ts';
import { freePort } from '../helpers/freePort.ts';
import { DEFAULT_ADMIN_URL } from '../helpers/testDatabase.ts';

/**
 * Which PostgreSQL `npm test` runs against: TEST_DATABASE_URL when set (as always); else
 * the local server on 127.0.0.1:5432 when it lets `postgres` in; else none is there, and
 * the run starts an embedded PostgreSQL of its own (as `npm start` does), so a fresh machine
 * needs nothing installed.
 */
export type TestDatabaseChoice = { kind: 'given' | 'local'; adminUrl: string } | { kind: 'embedded'; reason: string };

/** Undefined when `url` accepts a connection, else why not (the driver's message, no password). */
export async function probePostgres(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server that goes away mid-handshake emits 'error' besides rejecting connect().
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function chooseTestDatabase(
  env: Record<string, string | undefined>,
  probe: (url: string) => Promise<string | undefined> = probePostgres,
): Promise<TestDatabaseChoice> {
  if (env.TEST_DATABASE_URL) return { kind: 'given', adminUrl: env.TEST_DATABASE_URL };
  const problem = await probe(DEFAULT_ADMIN_URL);
  if (problem === undefined) return { kind: 'local', adminUrl: DEFAULT_ADMIN_URL };
  return { kind: 'embedded', reason: `no usable PostgreSQL on 127.0.0.1:5432 (${problem})` };
}

export interface TestPostgres {
  /** An admin connection (the `postgres` database as its superuser), for TEST_DATABASE_URL. */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/** An embedded PostgreSQL in a throwaway folder on a free port, for one test run. */
export async function startTestPostgres(log: Logger): Promise<TestPostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mzs-test-postgres-'));
  // As root the embedded PostgreSQL runs as the system user postgres: it must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  try {
    const server = await startEmbeddedPostgres(log, await freePort(), { dataDir });
    const adminUrl = new URL(server.url);
    adminUrl.pathname = '/postgres';
    return {
      adminUrl: adminUrl.toString(),
      port: server.port,
      dataDir,
      stop: async () => {
        await server.stop().catch(() => undefined);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
