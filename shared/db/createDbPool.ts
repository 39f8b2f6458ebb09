import { createPool, SchemaValidationError, type DatabasePool, type Interceptor } from 'slonik';

/**
 * slonik does not validate rows by itself (README "Runtime validation"): this
 * interceptor runs each row through the zod schema given with `sql.type(schema)`.
 */
const resultParserInterceptor: Interceptor = {
  name: 'zod-result-parser',
  transformRowAsync: async (queryContext, query, row) => {
    const parser = queryContext.resultParser;
    if (!parser) return row;
    const validation = await parser['~standard'].validate(row);
    if (validation.issues) throw new SchemaValidationError(query, row, validation.issues);
    return validation.value as typeof row;
  },
};

export interface DbPoolOptions {
  /**
   * What to run when a connection goes back to the pool. slonik's default, DISCARD ALL,
   * costs a round trip per query and drops PostgreSQL's cached plans (add_job's too).
   * 'none' for the ingress (it leaves no session state) and the worker (its connections that
   * hold record locks are destroyed, never handed back: worker/startWorker.ts
   * `workerDbPoolOptions`); 'advisory-locks': a safety net for code that leaves session locks.
   */
  resetConnection?: 'none' | 'advisory-locks';
  /** Connections kept at most; each worker job holds one while it runs. */
  maximumPoolSize?: number;
  /** Milliseconds before a query is cancelled. */
  statementTimeout?: number;
}

/** Opens the slonik pool every process uses for its own tables. */
export async function createDbPool(connectionString: string, options: DbPoolOptions = {}): Promise<DatabasePool> {
  return createPool(connectionString, {
    interceptors: [resultParserInterceptor],
    maximumPoolSize: options.maximumPoolSize ?? 10,
    statementTimeout: options.statementTimeout ?? 30_000,
    connectionTimeout: 10_000,
    idleTimeout: 30_000,
    captureStackTrace: false,
    resetConnection:
      options.resetConnection === 'advisory-locks'
        ? async (connection) => {
            await connection.query('select pg_advisory_unlock_all()');
          }
        : async () => {},
  });
}

export type { DatabasePool };
