// npm run bench:worker — how fast the worker drains its queue when the sync itself costs
// nothing, against graphile-worker running bare no-op jobs with the same batching options
// (startWorker.ts `graphileBatching`: local queue, batched completions): the price of our
// per-job bookkeeping, two statements on the job's connection (claim: load the event, take the
// record's advisory lock, mark it processing; finish: record the outcome, settle the events it
// covers, release the lock).
//
// At each concurrency in BENCH_CONCURRENCY (default 1,4), from empty tables:
//   a. bare:   BENCH_JOBS (default 5000) `noop` jobs, drained by graphile-worker's `run()`
//              with an empty task and the worker's batching options.
//   b. ours:   as many events inserted with their jobs the way the ingress stores them, each
//              for a different record, drained by worker/startWorker.ts (its slonik pool set up
//              as worker/main.ts sets it up) with a no-op `moodle.grade` handler.
//   c. ours, one record: BENCH_SAME_RECORD_JOBS (default 500) grade events all for the SAME
//              record: newest wins, so the newest runs and covers the others, which stand
//              aside without running; the table says how many ran and how many were covered,
//              and whether any run started after that of a newer event.
// Time runs from starting the runner (its start-up included, the same for all three) until
// the queue is empty — and, for ours, no event is still pending or processing — polled
// every 100 ms. Figures only: nothing here asserts a timing.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { run } from 'graphile-worker';
import pg from 'pg';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { createLogger, type Logger } from '../../shared/logging/createLogger.ts';
import { createGraphileLogger } from '../../shared/logging/graphileLogger.ts';
import { graphileBatching, startWorker, workerDbPoolOptions } from '../../worker/startWorker.ts';
import { createBenchDatabase, resetTables } from './benchDatabase.ts';
import {
  describeLoad,
  describeMachine,
  envInt,
  envIntList,
  formatPercent,
  formatRate,
  printTable,
  runBenchmark,
  sleep,
  type Cleanup,
} from './benchSupport.ts';

const JOBS = envInt('BENCH_JOBS', 5000);
const SAME_RECORD_JOBS = envInt('BENCH_SAME_RECORD_JOBS', 500);
const CONCURRENCY = envIntList('BENCH_CONCURRENCY', [1, 4]);
/** A drain that takes longer than this is reported as a failure, not waited for forever. */
const TIMEOUT_MS = envInt('BENCH_TIMEOUT_SECONDS', 600) * 1000;
const POLL_MS = 100;
const POLL_INTERVAL_MS = 1000;

type Scenario = 'bare' | 'ours' | 'ours, one record';

interface Row {
  concurrency: number;
  scenario: Scenario;
  jobs: number;
  seconds: number;
  /** What the tables hold afterwards, e.g. `5000 completed`. */
  outcome: string;
}

interface Context {
  url: string;
  /** Benchmark's own connections: enqueueing and polling. */
  admin: pg.Pool;
  log: Logger;
}

async function main(cleanup: Cleanup): Promise<void> {
  console.log(`bench:worker — ${describeMachine()}`);
  console.log(`${JOBS} jobs (${SAME_RECORD_JOBS} on one record), concurrency ${CONCURRENCY.join(' and ')}`);
  const batching = graphileBatching(1);
  console.log(
    `graphile-worker batching, bare and ours alike: local queue of ${batching.localQueue.size} jobs per slot (ttl ${batching.localQueue.ttl / 1000} s), ` +
      `completions and failures batched over ${batching.completeJobBatchDelay} / ${batching.failJobBatchDelay} ms\n`,
  );
  const log = createLogger({ service: 'bench', level: 'warn' });
  const database = await createBenchDatabase(log);
  cleanup.defer(() => database.drop());
  const admin = new pg.Pool({ connectionString: database.url, max: 2 });
  cleanup.defer(() => admin.end());
  const context: Context = { url: database.url, admin, log };

  const rows: Row[] = [];
  for (const concurrency of CONCURRENCY) {
    rows.push(await benchBare(context, concurrency));
    rows.push(await benchOurs(context, concurrency, JOBS, false));
    rows.push(await benchOurs(context, concurrency, SAME_RECORD_JOBS, true));
    console.log(`  done: concurrency ${concurrency}`);
  }
  printResults(rows);
  console.log(`\nafter the run: ${describeLoad()}`);
}

/** a. graphile-worker alone: enqueue `noop` jobs in one statement, drain them with an empty task. */
async function benchBare(context: Context, concurrency: number): Promise<Row> {
  await resetTables(context.url);
  await context.admin.query(
    `select count(graphile_worker.add_job('noop', json_build_object('i', g))) from generate_series(1, $1::int) g`,
    [JOBS],
  );
  const started = performance.now();
  const runner = await run({
    connectionString: context.url,
    concurrency,
    // As startWorker sizes graphile's pool.
    maxPoolSize: concurrency + 2,
    taskList: { noop: async () => {} },
    noHandleSignals: true,
    pollInterval: POLL_INTERVAL_MS,
    crontab: '',
    logger: createGraphileLogger(context.log),
    preset: { worker: graphileBatching(concurrency) },
  });
  try {
    await waitUntil(context.admin, `select not exists (select 1 from graphile_worker.jobs) as done`);
  } finally {
    await runner.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  return { concurrency, scenario: 'bare', jobs: JOBS, seconds, outcome: await remainingJobs(context.admin) };
}

/** b. and c. our worker with a handler that does nothing, over events stored as the ingress stores them. */
async function benchOurs(context: Context, concurrency: number, jobs: number, sameRecord: boolean): Promise<Row> {
  await resetTables(context.url);
  await insertEventsWithJobs(context.admin, jobs, sameRecord);
  const db = await createDbPool(context.url, workerDbPoolOptions(concurrency));
  try {
    const started = performance.now();
    const worker = await startWorker({
      connectionString: context.url,
      db,
      log: context.log,
      standIns: { 'moodle.grade': async () => ({ status: 'completed', result: { noop: true } }) },
      concurrency,
      deadAfterSeconds: 30,
      pollInterval: POLL_INTERVAL_MS,
      ...(sameRecord ? { recordBusyDelayMs: 50 } : {}),
      withCrontab: false,
    });
    try {
      await waitUntil(
        context.admin,
        `select not exists (select 1 from integration_events_log where status in ('pending', 'processing'))
            and not exists (select 1 from graphile_worker.jobs) as done`,
      );
    } finally {
      await worker.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const scenario: Scenario = sameRecord ? 'ours, one record' : 'ours';
    const outcome = [await eventOutcomes(context.admin), ...(sameRecord ? [await coveredAndRun(context.admin)] : [])];
    return { concurrency, scenario, jobs, seconds, outcome: outcome.join('; ') };
  } finally {
    await db.end();
  }
}

/**
 * What the ingress stores per delivery, for `count` events in one statement: the row (a
 * plugin grade, `submission_graded`), then its job (payload {eventLogId}, key `event:<id>`,
 * 12 attempts).
 */
async function insertEventsWithJobs(admin: pg.Pool, count: number, sameRecord: boolean): Promise<void> {
  await admin.query(
    `with inserted as (
       insert into integration_events_log
         (source, event_id, event_type, entity, module, record_id, dedupe, task_identifier, payload)
       select 'moodle', $2 || '-' || g, '\\mod_assign\\event\\submission_graded', 'grade', 'assign_grades',
              case when $3::boolean then '1' else g::text end, 'event_id', 'moodle_grade', '{}'::jsonb
         from generate_series(1, $1::int) g
       returning id
     )
     select count(graphile_worker.add_job(
       'moodle_grade', json_build_object('eventLogId', id), max_attempts := 12, job_key := 'event:' || id))
       from inserted`,
    [count, `bench-${randomBytes(4).toString('hex')}`, sameRecord],
  );
}

/** Polls `sql` (one boolean column `done`) every POLL_MS until true; throws after TIMEOUT_MS. */
async function waitUntil(admin: pg.Pool, sql: string): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    const { rows } = await admin.query<{ done: boolean }>(sql);
    if (rows[0]?.done) return;
    if (performance.now() > deadline) throw new Error(`queue not drained after ${TIMEOUT_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}

async function remainingJobs(admin: pg.Pool): Promise<string> {
  const { rows } = await admin.query<{ n: string }>('select count(*) as n from graphile_worker.jobs');
  return `${rows[0]!.n} jobs left`;
}

/** Events by status, e.g. `5000 completed`; anything but completed means the run went wrong. */
async function eventOutcomes(admin: pg.Pool): Promise<string> {
  const { rows } = await admin.query<{ status: string; n: string }>(
    'select status, count(*) as n from integration_events_log group by status order by status',
  );
  return rows.map((r) => `${r.n} ${r.status}`).join(', ') || 'no events';
}

/**
 * How one record's events were settled: run (their handler was called) or covered by a newer
 * event's run; and how many runs started after that of an event received later (0 when
 * newest wins: before it, busy jobs were re-scheduled behind newer ones and most were).
 */
async function coveredAndRun(admin: pg.Pool): Promise<string> {
  const { rows } = await admin.query<{ covered: string; run: string; late: string }>(`
    select count(*) filter (where result ? 'covered_by') as covered,
           count(*) filter (where started_at is not null) as run,
           (select count(*)
              from (select id, max(id) over (order by started_at rows between unbounded preceding and 1 preceding) as newest_before
                      from integration_events_log where started_at is not null) runs
             where newest_before > id) as late
      from integration_events_log`);
  const row = rows[0]!;
  return `${row.run} run, ${row.covered} covered; ${row.late} started after a newer one`;
}

function printResults(rows: Row[]): void {
  const bareRate = (concurrency: number) => {
    const bare = rows.find((r) => r.scenario === 'bare' && r.concurrency === concurrency);
    return bare ? bare.jobs / bare.seconds : 0;
  };
  printTable(
    ['concurrency', 'scenario', 'jobs', 'seconds', 'jobs/s', '% of bare', 'afterwards'],
    rows.map((r) => [
      r.concurrency,
      r.scenario,
      r.jobs,
      r.seconds.toFixed(2),
      formatRate(r.jobs / r.seconds),
      r.scenario === 'bare' ? '100%' : formatPercent(r.jobs / r.seconds, bareRate(r.concurrency)),
      r.outcome,
    ]),
  );
  console.log('');
  for (const concurrency of CONCURRENCY) {
    const ours = rows.find((r) => r.scenario === 'ours' && r.concurrency === concurrency);
    if (!ours) continue;
    console.log(
      `concurrency ${concurrency}: ours ${formatRate(ours.jobs / ours.seconds)} jobs/s = ` +
        `${formatPercent(ours.jobs / ours.seconds, bareRate(concurrency))} of bare graphile-worker (${formatRate(bareRate(concurrency))} jobs/s)`,
    );
  }
}

// Last, so that every constant above is initialised before it runs.
await runBenchmark('bench:worker', main);
