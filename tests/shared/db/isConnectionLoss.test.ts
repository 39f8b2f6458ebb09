import pg from 'pg';
import t from 'tap';
import { isConnectionLoss } from '../../../shared/db/isConnectionLoss.ts';

t.test('a refused connection, from the real driver, is a connection loss', async (t) => {
  // Port 1 on loopback: nothing listens there.
  const client = new pg.Client({
    host: '127.0.0.1',
    port: 1,
    user: 'nobody',
    database: 'none',
    connectionTimeoutMillis: 2000,
  });
  const error = await client.connect().then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof Error, 'connect failed');
  t.ok(isConnectionLoss(error), String((error as Error).message));
});

t.test(
  'server shutdown, startup and connection-exception SQLSTATEs are losses; a statement error is not',
  async (t) => {
    const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    t.ok(isConnectionLoss(withCode('57P01')), 'admin_shutdown (pg_ctl stop -m fast)');
    t.ok(isConnectionLoss(withCode('57P03')), 'cannot_connect_now (starting up)');
    t.ok(isConnectionLoss(withCode('08006')), 'connection_failure');
    t.ok(isConnectionLoss(withCode('ECONNRESET')), 'socket reset');
    t.notOk(isConnectionLoss(withCode('23505', 'duplicate key value violates unique constraint')), 'unique violation');
    t.notOk(isConnectionLoss(withCode('42P01', 'relation "x" does not exist')), 'undefined table');
    t.notOk(isConnectionLoss('a string'), 'not an error at all');
  },
);

t.test('driver messages without a code, and causes wrapped by slonik, are found', async (t) => {
  t.ok(isConnectionLoss(new Error('Connection terminated unexpectedly')));
  t.ok(isConnectionLoss(new Error('Client has encountered a connection error and is not queryable')));
  const wrapped = new Error('Backend has been terminated.', {
    cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
  });
  t.ok(isConnectionLoss(wrapped), 'through the cause chain');
  const named = new Error('boom');
  named.name = 'BackendTerminatedError';
  t.ok(isConnectionLoss(named), "slonik's error class by name");
});

t.test('several failures reported together are a loss only when each of them is', async (t) => {
  const lost = new Error(
    'Error occurred whilst returning jobs from local queue to database queue: the database system is shutting down',
  );
  t.ok(
    isConnectionLoss(
      new AggregateError(
        [lost, new Error('Connection terminated unexpectedly')],
        'Errors occurred whilst deactivating queue',
      ),
    ),
  );
  t.notOk(
    isConnectionLoss(
      new AggregateError([lost, new Error('relation "x" does not exist')], 'Errors occurred whilst deactivating queue'),
    ),
    'one real error among them',
  );
  t.notOk(isConnectionLoss(new AggregateError([], 'nothing')), 'none at all');
});
