import { Writable } from 'node:stream';
import type { Test } from 'tap';
import { createDbPool, type DatabasePool } from '../../shared/db/createDbPool.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import type { Metrics } from '../../shared/metrics/createMetrics.ts';
import type { StandInRunners } from '../../worker/pipeline/runContext.ts';
import { startWorker, workerDbPoolOptions, type RunningWorker } from '../../worker/startWorker.ts';

export interface TestWorker extends RunningWorker {
  db: DatabasePool;
  logs: Record<string, unknown>[];
}

/** Our worker in-process against `databaseUrl`, polling fast; stopped in teardown. */
export async function startTestWorker(
  t: Test,
  databaseUrl: string,
  standIns: StandInRunners,
  options: { concurrency?: number; deadAfterSeconds?: number; recordBusyDelayMs?: number; metrics?: Metrics } = {},
): Promise<TestWorker> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  const log = createLogger({ service: 'worker', level: 'debug', destination });
  const concurrency = options.concurrency ?? 2;
  const db = await createDbPool(databaseUrl, workerDbPoolOptions(concurrency));
  const worker = await startWorker({
    connectionString: databaseUrl,
    db,
    log,
    standIns,
    concurrency,
    deadAfterSeconds: options.deadAfterSeconds ?? 30,
    pollInterval: 200,
    recordBusyDelayMs: options.recordBusyDelayMs ?? 50,
    withCrontab: false,
    metrics: options.metrics,
  });
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await worker.stop();
    await db.end();
  });
  return {
    ...worker,
    db,
    logs,
    async stop() {
      stopped = true;
      await worker.stop();
    },
  };
}
