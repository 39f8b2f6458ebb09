import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase } from '../../shared/db/migrateDatabase.ts';
import type { Logger } from '../../shared/logging/createLogger.ts';
import { databaseUrl, withAdminClient } from '../helpers/testDatabase.ts';

/** A fresh database migrated like production, for one benchmark run. */
export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops it (with force, so leftover sessions do not block). Safe to call twice. */
  drop(): Promise<void>;
}

/** Creates and migrates `mzs_bench_<pid>_<random>` on the admin server (TEST_DATABASE_URL or local). */
export async function createBenchDatabase(log: Logger): Promise<BenchDatabase> {
  const name = `mzs_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database "${name}"`));
  let dropped = false;
  const database: BenchDatabase = {
    name,
    url: databaseUrl(name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
  try {
    await migrateDatabase(database.url, log);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

/**
 * Empties the events log and graphile-worker's jobs, then vacuums both so the next
 * measurement neither scans dead rows nor inherits a bloated index.
 */
export async function resetTables(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('truncate integration_events_log, integration_event_attempts');
    await client.query('delete from graphile_worker._private_jobs');
    await client.query(
      'vacuum analyze integration_events_log, integration_event_attempts, graphile_worker._private_jobs',
    );
  });
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
