import { sql, type DatabasePool, type DatabasePoolConnection } from 'slonik';
import { z } from 'zod';
import { RetryableError } from '../shared/domain/errors.ts';

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

/**
 * Takes a second record's lock on a connection that already holds one (a handler syncing a
 * dependency): waits up to `waitMs`, then gives up with a retryable error. Dependencies only
 * point one way (enrolment → class → program / teacher, enrolment → student), so two jobs
 * never wait on each other in a circle; PostgreSQL would report it as a deadlock if they did.
 */
export async function lockAnotherRecord(
  connection: DatabasePoolConnection,
  key: string,
  waitMs = 10_000,
): Promise<() => Promise<void>> {
  try {
    await connection.transaction(async (transaction) => {
      await transaction.query(sql.unsafe`select set_config('lock_timeout', ${`${waitMs}ms`}, true)`);
      await transaction.query(sql.unsafe`select pg_advisory_lock(${RECORD_LOCK_CLASS}, hashtext(${key}))`);
    });
  } catch (error) {
    if (lockTimedOut(error)) throw new RetryableError('dependency.busy', `${key} is being synced by another job; will try again`);
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await connection.query(sql.unsafe`select pg_advisory_unlock(${RECORD_LOCK_CLASS}, hashtext(${key}))`);
  };
}

function lockTimedOut(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

const acquiredSchema = z.object({ acquired: z.boolean() });

/** First half of the two-int advisory lock key, so our record locks never collide with others'. */
const RECORD_LOCK_CLASS = 7_301;

/** The lock key of an event's record: source, module and record id. */
export function recordLockKey(event: { source: string; module: string; record_id: string | null; id: number }): string {
  return `${event.source}:${event.module}:${event.record_id ?? `event-${event.id}`}`;
}
