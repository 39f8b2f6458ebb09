import { EventEmitter } from 'node:events';
import { run, type WorkerEvents } from 'graphile-worker';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { DbPoolOptions } from '../shared/db/createDbPool.ts';
import { isConnectionLoss } from '../shared/db/isConnectionLoss.ts';
import { recoverJobsOf } from '../shared/db/queries/workerHeartbeats.ts';
import { createGraphileLogger } from '../shared/logging/graphileLogger.ts';
import type { Metrics } from '../shared/metrics/createMetrics.ts';
import { createEventRuns, lockSessionsFor } from './createEventRuns.ts';
import type { StandInRunners, SyncClients } from './pipeline/runContext.ts';
import { createMaintenanceTasks, CRONTAB } from './maintenanceTasks.ts';
import { mendLocalQueueRelease } from './mendLocalQueueRelease.ts';
import { recordJobMetrics } from './recordJobMetrics.ts';
import { createTaskList } from './runSyncTask.ts';
import { createBulkSyncTask } from './bulk/runBulkSync.ts';
import { BULK_TASK } from '../shared/db/queries/bulkRuns.ts';
import { startHeartbeat } from './startHeartbeat.ts';

export interface WorkerDeps {
  connectionString: string;
  db: DatabasePool;
  log: Logger;
  /** Stand-ins for the flows (tests and benchmarks); by default every event runs its flow. */
  standIns?: StandInRunners;
  clients?: SyncClients;
  concurrency: number;
  deadAfterSeconds: number;
  /** How often idle workers look for jobs that NOTIFY did not announce (ms). */
  pollInterval?: number;
  recordBusyDelayMs?: number;
  /** false in tests that must not schedule cron jobs. */
  withCrontab?: boolean;
  metrics?: Metrics;
}

export interface RunningWorker {
  /** graphile-worker's pool id now (a new pool, and id, after each database outage). */
  readonly workerId: string;
  /** Graceful: stops taking jobs, lets those in hand finish, removes the heartbeat. */
  stop(): Promise<void>;
}

/**
 * Starts graphile-worker with our task list, crontab and heartbeat, and keeps it running
 * through database outages of any length.
 *
 * graphile-worker gives up on its pool when it cannot record a job's end ("queue is in an
 * inconsistent state"), so a lost database ends the pool, not just a job. Its completions and
 * failures are batched (`graphileBatching`) — for throughput, and because only the batched
 * path reports that to the pool; the unbatched path drops the rejection, and Node then exits.
 * When the pool ends without being asked to, this supervisor says so once, waits for the
 * database with capped backoff, frees the jobs the old pool held (it is gone; nothing else
 * would free them for 4 hours, and its stale heartbeat would wait for another worker) and
 * starts a new pool. A job that was in hand runs again: flows find what a first attempt
 * made, so nothing is created twice.
 */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  let current = await startPool(deps);
  let stopping = false;
  let wake: (() => void) | undefined;
  deps.log.info({ workerId: current.workerId, concurrency: deps.concurrency, pid: process.pid }, 'worker started');

  const supervise = async (): Promise<void> => {
    for (;;) {
      const error = await current.ended;
      if (stopping) return;
      const lostAt = Date.now();
      const lost = current;
      const databaseLost = isConnectionLoss(error);
      deps.log.error(
        { err: error, workerId: lost.workerId },
        databaseLost
          ? 'lost the database: stopped taking jobs; reconnecting with backoff'
          : 'the job pool stopped unexpectedly; starting a new one with backoff',
      );
      lost.abandon();
      let recovered = false;
      for (let attempt = 0; !stopping; attempt++) {
        try {
          await recoverJobsOf(deps.db, lost.workerId);
          if (!recovered) deps.metrics?.deadWorkersRecovered('pool_lost', 1);
          recovered = true;
          current = await startPool(deps);
          break;
        } catch (retryError) {
          deps.log.debug({ err: retryError, attempt }, 'database still unreachable');
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, Math.min(250 * 2 ** attempt, MAX_RECONNECT_DELAY_MS));
          });
        }
      }
      if (stopping) return;
      deps.log.info(
        { workerId: current.workerId, previousWorkerId: lost.workerId, downSeconds: (Date.now() - lostAt) / 1000 },
        databaseLost
          ? 'database is back: worker resumed; the jobs in hand at the outage run again'
          : 'new job pool started',
      );
    }
  };
  const supervising = supervise();

  return {
    get workerId() {
      return current.workerId;
    },
    async stop() {
      stopping = true;
      wake?.();
      await current.stop();
      await supervising;
      deps.log.info({ workerId: current.workerId }, 'worker stopped');
    },
  };
}

/**
 * graphile-worker's batching (0.17+), also used by the bench's bare baseline. The local queue
 * fetches (and locks, as this pool: `locked_by` is the pool id, the one the heartbeat names)
 * up to `size` jobs in one query and hands them to the slots as they free up; jobs left in it
 * go back to the queue, their attempt refunded, after `ttl` or at a graceful stop. A killed
 * worker's queued jobs are freed with its running ones (workerHeartbeats.ts), also refunded.
 * Completions and failures are written in batches gathered over a few milliseconds.
 */
export function graphileBatching(concurrency: number) {
  return {
    localQueue: { size: concurrency * LOCAL_QUEUE_JOBS_PER_SLOT, ttl: LOCAL_QUEUE_TTL_MS },
    completeJobBatchDelay: JOB_BATCH_DELAY_MS,
    failJobBatchDelay: JOB_BATCH_DELAY_MS,
  };
}

/**
 * The worker's slonik pool: the lock sessions (createEventRuns) hold a connection each for the
 * pool's life; each running job's flow takes one for its queries and, when it syncs a
 * dependency, another that holds that record's lock; plus the heartbeat and the metrics.
 * Nothing is reset when a connection goes back: a connection that may still hold advisory locks
 * (a lock session, a dependency lock whose release failed) is destroyed, never handed back.
 */
export function workerDbPoolOptions(concurrency: number): DbPoolOptions {
  return { maximumPoolSize: concurrency * 2 + lockSessionsFor(concurrency) + 2, resetConnection: 'none' };
}

/** Jobs fetched at once per slot: enough to keep the slots fed without holding much back from other workers. */
const LOCAL_QUEUE_JOBS_PER_SLOT = 4;
/** Locally queued jobs not started within this go back to the queue, for another worker to take. */
const LOCAL_QUEUE_TTL_MS = 30_000;
/** How long completions and failures wait to be written together. */
const JOB_BATCH_DELAY_MS = 10;

/** How long a pool that reported a fatal error may take to shut down before it is given up. */
const POOL_SHUTDOWN_GRACE_MS = 30_000;

/** Short enough that the worker resumes within about 2 s of the database's return. */
const MAX_RECONNECT_DELAY_MS = 2000;

interface Pool {
  workerId: string;
  /** Resolves when the pool has ended, with the error that ended it if one did. */
  ended: Promise<unknown>;
  stop(): Promise<void>;
  /** After it ended by itself: ends its heartbeat timer (the database is gone) and whatever of it still runs. */
  abandon(): void;
}

async function startPool(deps: WorkerDeps): Promise<Pool> {
  const events: WorkerEvents = new EventEmitter();
  let workerId: string | undefined;
  events.on('pool:create', ({ workerPool }) => {
    workerId = workerPool.id;
  });
  // The runner's promise resolves even when its pool died of an error: keep the first reason.
  let fatal: unknown;
  let settle: (error: unknown) => void = () => undefined;
  const ended = new Promise<unknown>((resolve) => {
    settle = resolve;
  });
  let fallback: NodeJS.Timeout | undefined;
  const onFatal = ({ error }: { error: unknown }) => {
    if (fatal !== undefined) return;
    fatal = error ?? new Error('graphile-worker reported a fatal error');
    fallback = setTimeout(() => settle(fatal), POOL_SHUTDOWN_GRACE_MS);
  };
  mendLocalQueueRelease(events);
  if (deps.metrics) recordJobMetrics(events, deps.metrics);
  events.on('pool:fatalError', onFatal);
  events.on('worker:fatalError', onFatal);
  // graphile-worker 0.18 can hang after a failed completion batch: the pool finishes its
  // graceful shutdown, then waits forever for the failed batch to drain (its backpressure
  // lifts only on a success that never comes), so runner.promise never settles. A pool that
  // reported a fatal error and then finished (or failed) its shutdown is over regardless.
  const shutdownFinished = () => {
    if (fatal !== undefined) settle(fatal);
  };
  for (const name of [
    'pool:gracefulShutdown:complete',
    'pool:gracefulShutdown:error',
    'pool:forcefulShutdown:complete',
    'pool:forcefulShutdown:error',
  ] as const) {
    events.on(name, shutdownFinished);
  }
  // This pool's record locks, claims and outcomes (one database session, batched statements).
  const runs = createEventRuns({
    db: deps.db,
    log: deps.log,
    busyDelayMs: deps.recordBusyDelayMs ?? 1000,
    sessions: lockSessionsFor(deps.concurrency),
  });
  const runner = await run({
    connectionString: deps.connectionString,
    concurrency: deps.concurrency,
    // graphile's pool: one connection per concurrent job for its own bookkeeping, plus LISTEN.
    maxPoolSize: deps.concurrency + 2,
    pollInterval: deps.pollInterval ?? 2000,
    noHandleSignals: true,
    logger: createGraphileLogger(deps.log),
    events,
    preset: { worker: graphileBatching(deps.concurrency) },
    taskList: {
      ...createTaskList({
        db: deps.db,
        log: deps.log,
        standIns: deps.standIns,
        clients: deps.clients,
        runs,
        metrics: deps.metrics,
      }),
      [BULK_TASK]: createBulkSyncTask({
        db: deps.db,
        log: deps.log,
        clients: deps.clients ?? {},
        runs,
        metrics: deps.metrics,
      }),
      ...createMaintenanceTasks({ db: deps.db, log: deps.log, moodle: deps.clients?.moodle, zoho: deps.clients?.zoho }),
    },
    crontab: deps.withCrontab === false ? '' : CRONTAB,
  });
  runner.promise.then(
    () => settle(fatal),
    (error: unknown) => settle(fatal ?? error ?? new Error('graphile-worker stopped')),
  );
  void ended.then(() => clearTimeout(fallback));
  if (!workerId) {
    await runner.stop();
    await runs.close();
    throw new Error('graphile-worker started without announcing its pool id');
  }
  const id = workerId;
  let heartbeat: Awaited<ReturnType<typeof startHeartbeat>>;
  try {
    heartbeat = await startHeartbeat({
      db: deps.db,
      log: deps.log,
      workerId: id,
      deadAfterSeconds: deps.deadAfterSeconds,
      metrics: deps.metrics,
    });
  } catch (error) {
    await runner.stop().catch(() => undefined);
    await runs.close();
    throw error;
  }
  return {
    workerId: id,
    ended,
    async stop() {
      await runner
        .stop()
        .catch((error: unknown) => deps.log.warn({ err: error }, 'graphile-worker did not stop cleanly'));
      await runs.close();
      await heartbeat.stop();
      // Nothing of this pool runs now, so a job it still holds is one it failed to hand back
      // (its local queue's return failed, mendLocalQueueRelease.ts): free it now rather than
      // after WORKER_DEAD_AFTER_SECONDS, its attempt given back.
      await recoverJobsOf(deps.db, id).catch((error: unknown) =>
        deps.log.warn({ err: error }, 'could not free the jobs the stopped pool still held'),
      );
    },
    abandon() {
      heartbeat.cancel();
      void runs.close();
      // Stops its cron and its LISTEN connection if it has not stopped them itself; it may
      // never finish doing so (the hang above), so this is not awaited.
      runner.stop().catch(() => undefined);
    },
  };
}
