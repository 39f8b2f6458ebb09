import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import type { Logger } from 'pino';

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
      const method = LEVELS[level] ?? 'info';
      if (meta && 'error' in meta && meta.error instanceof Error) child[method]({ err: meta.error }, message);
      else child[method](message);
    };
  });
}
