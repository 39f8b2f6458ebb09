import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export interface OwnWrite {
  recordId: string;
  /** Zoho's `Modified_Time` in its answer to the write, as Zoho wrote it. */
  modifiedTime: string;
  /** The API names of the fields written. */
  fields: readonly string[];
}

/** Remembers the records this service just wrote (one statement for a whole batch). */
export async function saveOwnWrites(
  db: CommonQueryMethods,
  module: string,
  writes: readonly OwnWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  await db.query(sql.unsafe`
    insert into zoho_own_writes (module, record_id, modified_time, fields, written_at)
    select ${module}, w.record_id, w.modified_time, array(select jsonb_array_elements_text(w.fields)), now()
      from unnest(${sql.array(
        writes.map((w) => w.recordId),
        'text',
      )}::text[], ${sql.array(
        writes.map((w) => w.modifiedTime),
        'text',
      )}::text[],
                  ${sql.array(
                    writes.map((w) => JSON.stringify(w.fields)),
                    'jsonb',
                  )}::jsonb[])
        as w(record_id, modified_time, fields)
    on conflict (module, record_id) do update
      set modified_time = excluded.modified_time, fields = excluded.fields, written_at = excluded.written_at
  `);
}

const ownWriteSchema = z.object({
  modified_time: z.string(),
  fields: z.array(z.string()),
  written_at: z.coerce.date(),
});

export async function findOwnWrite(
  db: CommonQueryMethods,
  module: string,
  recordId: string,
): Promise<z.infer<typeof ownWriteSchema> | null> {
  return db.maybeOne(sql.type(ownWriteSchema)`
    select modified_time, fields, written_at from zoho_own_writes where module = ${module} and record_id = ${recordId}`);
}

/** Drops what is too old to come back as a callback. @returns how many rows went. */
export async function pruneOwnWrites(db: CommonQueryMethods, olderThanHours: number): Promise<number> {
  const result = await db.query(sql.unsafe`
    delete from zoho_own_writes where written_at < now() - make_interval(hours => ${olderThanHours})`);
  return result.rowCount;
}
