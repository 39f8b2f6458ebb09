import t from 'tap';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { RetryableError } from '../../shared/domain/errors.ts';
import { lockAnotherRecord, withRecordLock } from '../../shared/db/queries/recordLocks.ts';
import { recordKey } from '../../shared/domain/recordKey.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

/**
 * A handler syncing a dependency takes that record's lock on its own connection: it waits for
 * a holder, gives up after `waitMs` with a retryable `dependency.busy` (the job backs off, not
 * fails), and the lock, once released, is free for the record's own event.
 */
const db = await createDbPool(await createTestDatabase(t));
t.teardown(() => db.end());

t.test('waits, gives up retryably, and releases', async (t) => {
  let release: (() => void) | undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding: (() => void) | undefined;
  const holderReady = new Promise<void>((resolve) => (holding = resolve));
  const holder = withRecordLock(db, recordKey('zoho', 'BTEC_Classes', '1'), async () => {
    holding!();
    await held;
  });
  await holderReady;

  await withRecordLock(db, recordKey('zoho', 'BTEC_Enrollments', '9'), async (connection) => {
    const error = await lockAnotherRecord(connection, recordKey('zoho', 'BTEC_Classes', '1'), 200).then(
      () => null,
      (e: unknown) => e,
    );
    t.ok(error instanceof RetryableError, 'a busy dependency is retryable');
    t.equal((error as RetryableError).code, 'dependency.busy');
    // The connection is still usable after the failed wait.
    const unlock = await lockAnotherRecord(connection, recordKey('zoho', 'Products', '5'), 200);
    await unlock();
  });
  release!();
  await holder;

  const taken = await withRecordLock(db, recordKey('zoho', 'BTEC_Enrollments', '9'), async (connection) => {
    const unlock = await lockAnotherRecord(connection, recordKey('zoho', 'BTEC_Classes', '1'), 200);
    const other = await withRecordLock(db, recordKey('zoho', 'BTEC_Classes', '1'), async () => 'ran');
    await unlock();
    const after = await withRecordLock(db, recordKey('zoho', 'BTEC_Classes', '1'), async () => 'ran');
    return { other, after };
  });
  t.same(
    taken,
    { acquired: true, value: { other: { acquired: false }, after: { acquired: true, value: 'ran' } } },
    'held while locked, free once released',
  );
});
