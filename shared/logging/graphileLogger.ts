import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import type { Logger } from 'pino';
import { isConnectionLoss } from '../db/isConnectionLoss.ts';

const LEVELS: Record<LogLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  error: 'error',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
};

/** Routes graphile-worker's own log lines into our pino logger (graphile docs/library/logger.md). */
export function createGraphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => {
    const child = log.child({
      component: 'graphile-worker',
      ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}),
      ...(scope.jobId ? { jobId: scope.jobId } : {}),
      ...(scope.workerId ? { workerId: scope.workerId } : {}),
    });
    return (level, message, meta) => {
      const error =
        meta?.error instanceof Error ? meta.error : meta?.fatalError instanceof Error ? meta.fatalError : undefined;
      // During a database outage graphile reports every job and every connection it loses;
      // the worker's supervisor says it once (startWorker), so these are detail for debugging.
      // An abandoned pool (startWorker) may still try to record a job on its ended pg pool;
      // that job runs again in the new pool.
      const quiet =
        error && (isConnectionLoss(error) || /Cannot use a pool after calling end on the pool/.test(error.message));
      const method = quiet ? 'debug' : (LEVELS[level] ?? 'info');
      if (error) child[method]({ err: error }, message);
      else child[method](message);
    };
  });
}
