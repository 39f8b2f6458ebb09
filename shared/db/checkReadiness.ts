import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { listMigrationFiles, MIGRATIONS_TABLE } from './migrateDatabase.ts';

export interface Readiness {
  ready: boolean;
  checks: { database: 'ok' | 'unreachable'; migrations: 'ok' | 'pending' | 'unknown'; pending?: string[] };
}

const EXPECTED = listMigrationFiles();

/** Database reachable, graphile-worker's schema installed and every `sql/` file applied. */
export async function checkReadiness(db: DatabasePool): Promise<Readiness> {
  let state: { applied: string[]; graphile: boolean };
  try {
    state = await db.one(sql.type(z.object({ applied: z.array(z.string()), graphile: z.boolean() }))`
      select
        coalesce((select array_agg(name::text) from ${sql.identifier([MIGRATIONS_TABLE])}), '{}') as applied,
        to_regclass('graphile_worker._private_jobs') is not null as graphile
    `);
  } catch (error) {
    // A missing migrations table means the database is reachable but empty.
    if (
      error instanceof Error &&
      /relation .* does not exist/.test(String((error.cause as Error | undefined)?.message ?? error.message))
    ) {
      return { ready: false, checks: { database: 'ok', migrations: 'pending', pending: EXPECTED } };
    }
    return { ready: false, checks: { database: 'unreachable', migrations: 'unknown' } };
  }
  const pending = EXPECTED.filter((name) => !state.applied.includes(name));
  if (!state.graphile) pending.unshift('graphile_worker schema');
  return pending.length === 0
    ? { ready: true, checks: { database: 'ok', migrations: 'ok' } }
    : { ready: false, checks: { database: 'ok', migrations: 'pending', pending } };
}
