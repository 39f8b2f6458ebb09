import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startTestWorker } from '../helpers/startTestWorker.ts';
import { waitFor } from '../helpers/waitFor.ts';

/**
 * graphile-worker's local queue (startWorker.ts `graphileBatching`) fetches and locks more jobs
 * than the pool has slots. A graceful stop must hand the ones it has not started back to the
 * queue, unlocked and with the attempt graphile counted when it locked them given back.
 */
const databaseUrl = await createTestDatabase(t);
const db = await createDbPool(databaseUrl);
t.teardown(() => db.end());

const jobSchema = z.object({ key: z.string(), attempts: z.number(), locked_by: z.string().nullable() });

t.test('a graceful stop returns the locally queued jobs unstarted, and the next worker runs them', async (t) => {
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) ids.push(await addTestEvent(db, { recordId: `7100${i}` }));
  const keys = sql.array(
    ids.map((id) => `event:${id}`),
    'text',
  );
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const started: number[] = [];
  const worker = await startTestWorker(
    t,
    databaseUrl,
    {
      'zoho.student': async (_ctx, event) => {
        started.push(event.id);
        await gate;
        return { status: 'completed', result: { by: 'first' } };
      },
    },
    { concurrency: 2 },
  );
  await waitFor(async () => started.length === 2 || undefined, 20_000, 'both slots to be busy');
  const locked = await db.any(
    sql.type(jobSchema)`select key, attempts, locked_by from graphile_worker.jobs where key = any(${keys})`,
  );
  t.equal(
    locked.filter((job) => job.locked_by === worker.workerId).length,
    6,
    'the worker locked all six: two running, four queued locally',
  );

  const stopping = worker.stop();
  open();
  await stopping;
  const left = await db.any(
    sql.type(
      jobSchema,
    )`select key, attempts, locked_by from graphile_worker.jobs where key = any(${keys}) order by key`,
  );
  t.equal(left.length, 4, 'the jobs of the two runs completed; four remain');
  t.same(
    left.map((job) => [job.locked_by, job.attempts]),
    left.map(() => [null, 0]),
    'returned unlocked, their attempt given back',
  );
  for (const id of ids) {
    const row = await eventById(db, id);
    if (started.includes(id)) t.match(row, { status: 'completed', attempts: 1 }, `event ${id} ran`);
    else t.match(row, { status: 'pending', attempts: 0 }, `event ${id} was not started`);
  }

  await startTestWorker(t, databaseUrl, {
    'zoho.student': async () => ({ status: 'completed', result: { by: 'second' } }),
  });
  const rows = await waitFor(
    async () => {
      const all = await Promise.all(ids.map((id) => eventById(db, id)));
      return all.every((row) => row.status === 'completed') ? all : undefined;
    },
    20_000,
    'the returned jobs to run',
  );
  t.same(
    rows.filter((row) => !started.includes(row.id)).map((row) => row.result),
    [{ by: 'second' }, { by: 'second' }, { by: 'second' }, { by: 'second' }],
  );
});
