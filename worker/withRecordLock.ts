import { sql, type DatabasePool, type DatabasePoolConnection } from 'slonik';
import { z } from 'zod';

/**
 * Runs `fn` while holding a session advisory lock on `key` (one record), on a
 * connection kept for the duration, so two events of the same record never apply at
 * once while different records run in parallel. Non-blocking: when another job holds
 * the record it returns `{ acquired: false }` and the caller re-schedules, instead of
 * parking a worker slot (graphile warns against a queue per record).
 *
 * If the worker dies, PostgreSQL ends its session and frees the lock; the short TCP
 * keepalives set here make that happen within about 30 s even when the machine
 * vanishes without closing its sockets.
 */
export async function withRecordLock<T>(
  db: DatabasePool,
  key: string,
  fn: (connection: DatabasePoolConnection) => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  return db.connect(async (connection) => {
    const { acquired } = await connection.one(sql.type(acquiredSchema)`
      select
        set_config('tcp_keepalives_idle', '15', false) is not null
        and set_config('tcp_keepalives_interval', '5', false) is not null
        and set_config('tcp_keepalives_count', '3', false) is not null
        and pg_try_advisory_lock(${RECORD_LOCK_CLASS}, hashtext(${key})) as acquired
    `);
    if (!acquired) return { acquired: false as const };
    try {
      return { acquired: true as const, value: await fn(connection) };
    } finally {
      await connection.query(sql.unsafe`select pg_advisory_unlock(${RECORD_LOCK_CLASS}, hashtext(${key}))`);
    }
  });
}

const acquiredSchema = z.object({ acquired: z.boolean() });

/** First half of the two-int advisory lock key, so our record locks never collide with others'. */
const RECORD_LOCK_CLASS = 7_301;

/** The lock key of an event's record: source, module and record id. */
export function recordLockKey(event: { source: string; module: string; record_id: string | null; id: number }): string {
  return `${event.source}:${event.module}:${event.record_id ?? `event-${event.id}`}`;
}
