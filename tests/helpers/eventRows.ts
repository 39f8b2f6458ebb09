import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

/** Rows written so far: events and their graphile-worker jobs (tests assert on both). */
export async function countRows(db: DatabasePool): Promise<{ events: number; jobs: number }> {
  return db.one(sql.type(z.object({ events: z.coerce.number(), jobs: z.coerce.number() }))`
    select (select count(*) from integration_events_log) as events,
           (select count(*) from graphile_worker.jobs) as jobs
  `);
}

export async function jobKeys(db: DatabasePool): Promise<string[]> {
  const rows = await db.any(
    sql.type(z.object({ key: z.string().nullable() }))`select key from graphile_worker.jobs order by id`,
  );
  return rows.map((r) => r.key ?? '(none)');
}
