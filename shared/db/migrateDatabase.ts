import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runMigrations as runGraphileMigrations } from 'graphile-worker';
import { runner as runSqlMigrations } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { createGraphileLogger } from '../logging/graphileLogger.ts';

/** Our forward-only SQL files (node-pg-migrate format: `<n>_<name>.sql`, `-- Up Migration`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));
export const MIGRATIONS_TABLE = 'schema_migrations';
/** Serialises concurrent starts (ingress and worker booting together, several workers). */
const MIGRATION_LOCK_KEY = 4_242_070_001;

/** Names of the migration files shipped with this version, in order. */
export function listMigrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .map((name) => name.slice(0, -'.sql'.length))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
}

/**
 * Brings the database up to date: graphile-worker's own schema first (our SQL may
 * rely on it), then our `sql/` files. Safe to call from several processes at once:
 * everything runs under one session-level advisory lock.
 * @returns the names of our migrations applied by this call.
 */
export async function migrateDatabase(connectionString: string, log: Logger): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await runGraphileMigrations({ connectionString, logger: createGraphileLogger(log) });
    const applied = await runSqlMigrations({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: MIGRATIONS_TABLE,
      // We hold our own lock around both migrators; node-pg-migrate's would be a second one.
      noLock: true,
      checkOrder: true,
      singleTransaction: true,
      log: (message: string) => log.debug({ component: 'migrator' }, message),
      logger: {
        debug: (m: string) => log.debug({ component: 'migrator' }, m),
        info: (m: string) => log.debug({ component: 'migrator' }, m),
        warn: (m: string) => log.warn({ component: 'migrator' }, m),
        error: (m: string) => log.error({ component: 'migrator' }, m),
      },
    });
    const names = applied.map((m) => m.name);
    if (names.length > 0) log.info({ migrations: names }, 'database migrated');
    return names;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
