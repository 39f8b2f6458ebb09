import { EventEmitter } from 'node:events';
import { run, type Runner, type WorkerEvents } from 'graphile-worker';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { createGraphileLogger } from '../shared/logging/graphileLogger.ts';
import { createTaskList } from './createTaskList.ts';
import type { HandlerRegistry, SyncClients } from './handlers/syncHandler.ts';
import { createMaintenanceTasks, CRONTAB } from './maintenanceTasks.ts';
import { startHeartbeat } from './startHeartbeat.ts';

export interface WorkerDeps {
  connectionString: string;
  db: DatabasePool;
  log: Logger;
  handlers: HandlerRegistry;
  clients?: SyncClients;
  concurrency: number;
  deadAfterSeconds: number;
  /** How often idle workers look for jobs that NOTIFY did not announce (ms). */
  pollInterval?: number;
  recordBusyDelayMs?: number;
  /** false in tests that must not schedule cron jobs. */
  withCrontab?: boolean;
}

export interface RunningWorker {
  workerId: string;
  runner: Runner;
  /** Graceful: stops taking jobs, lets those in hand finish, removes the heartbeat. */
  stop(): Promise<void>;
}

/** Starts graphile-worker with our task list, crontab and heartbeat. */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const events: WorkerEvents = new EventEmitter();
  let workerId: string | undefined;
  events.on('pool:create', ({ workerPool }) => {
    workerId = workerPool.id;
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
    taskList: {
      ...createTaskList({ db: deps.db, log: deps.log, handlers: deps.handlers, clients: deps.clients, recordBusyDelayMs: deps.recordBusyDelayMs }),
      ...createMaintenanceTasks({ db: deps.db, log: deps.log, moodle: deps.clients?.moodle, zoho: deps.clients?.zoho }),
    },
    crontab: deps.withCrontab === false ? '' : CRONTAB,
  });
  if (!workerId) {
    await runner.stop();
    throw new Error('graphile-worker started without announcing its pool id');
  }
  const id = workerId;
  const stopHeartbeat = await startHeartbeat({ db: deps.db, log: deps.log, workerId: id, deadAfterSeconds: deps.deadAfterSeconds });
  deps.log.info({ workerId: id, concurrency: deps.concurrency }, 'worker started');
  return {
    workerId: id,
    runner,
    async stop() {
      await runner.stop();
      await stopHeartbeat();
      deps.log.info({ workerId: id }, 'worker stopped');
    },
  };
}
