import { sql, type DatabasePool, type DatabasePoolConnection } from 'slonik';
import { z } from 'zod';
import { RECORD_LOCK_CLASS } from './eventRuns.ts';
import { RetryableError } from '../../domain/errors.ts';

/**
 * Runs `fn` while holding a session advisory lock on `key` (one record), on a
 * connection kept for the duration. Non-blocking: when another job holds the record it
 * returns `{ acquired: false }`. Event runs take the same lock inside their claim statement
 * (shared/db/queries/eventRuns.ts `claimEvents`, with the key built in SQL by `recordLockKeySql`
 * builds it, as shared/domain/recordKey.ts does); this is the same lock for code that holds a record outside an event run.
 *
 * If the process dies, PostgreSQL ends its session and frees the lock; the short TCP
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
 * Takes a record's lock on `connection` (a flow syncing a dependency: see holdRecordLock):
 * waits up to `waitMs`, then gives up with a retryable error. Dependencies only point one way
 * (enrolment → class → program / teacher, enrolment → student), so two jobs never wait on each
 * other in a circle; if they did, each would give up after `waitMs` and retry.
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
    if (lockTimedOut(error))
      throw new RetryableError('dependency.busy', `${key} is being synced by another job; will try again`);
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await connection.query(sql.unsafe`select pg_advisory_unlock(${RECORD_LOCK_CLASS}, hashtext(${key}))`);
  };
}

/**
 * `lockAnotherRecord` on a pool connection of its own, held until the returned function is
 * called: a flow's dependency lock, while its own record is held by the worker's lock
 * session (worker/createEventRuns.ts), which must never wait. @throws like lockAnotherRecord.
 */
export async function holdRecordLock(db: DatabasePool, key: string, waitMs = 10_000): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    let locked = false;
    const held = db.connect(async (connection) => {
      let unlock: () => Promise<void>;
      try {
        unlock = await lockAnotherRecord(connection, key, waitMs);
      } catch (error) {
        reject(error);
        return;
      }
      locked = true;
      // Returns the connection to the pool once unlocked; a failed unlock throws here, and
      // slonik destroys the connection (and with its session, the lock) instead.
      await new Promise<void>((unlocked, failed) => {
        let released: Promise<void> | undefined;
        resolve(
          () =>
            (released ??= unlock()
              .then(unlocked, (error: unknown) => {
                failed(error);
                throw error;
              })
              .then(() => held)),
        );
      });
    });
    // Lost before the lock was taken; after, PostgreSQL freed the lock with the session.
    held.catch((error: unknown) => {
      if (!locked) reject(error);
    });
  });
}

function lockTimedOut(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

const acquiredSchema = z.object({ acquired: z.boolean() });

/**
 * Short TCP keepalives for a session that holds record locks, so that a vanished worker's
 * session (and with it its locks) ends within about 30 s (15 s idle, then 3 probes 5 s apart).
 */
export async function keepSessionAlive(connection: DatabasePoolConnection): Promise<void> {
  await connection.query(sql.unsafe`
    select set_config('tcp_keepalives_idle', '15', false), set_config('tcp_keepalives_interval', '5', false),
           set_config('tcp_keepalives_count', '3', false)`);
}
