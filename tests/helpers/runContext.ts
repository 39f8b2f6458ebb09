import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { RunContext, SyncClients } from '../../worker/pipeline/runContext.ts';

/**
 * What the worker hands a handler, for calling one directly (tests, benchmarks): the first
 * attempt, never aborted, and record locks that are always free (no other job runs).
 */
export function testRunContext(db: DatabasePool, log: Logger, clients: SyncClients): RunContext {
  return { db, log, clients, attempt: 1, signal: new AbortController().signal, lockRecord: async () => async () => {} };
}
