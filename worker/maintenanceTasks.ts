import type { TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { pruneEventsByRetention } from '../shared/db/queries/eventOperations.ts';

/**
 * graphile-worker crontab (UTC). `id=` must never change (a new id means a new, duplicate
 * schedule). Nightly reconciliation joins this when `bin/sync` exists.
 */
export const CRONTAB = `
# ┌ min ┌ hour ┌ day ┌ month ┌ weekday  task                       options
  17    3      *     *       *          maintenance_prune_events   ?id=prune_events&max=1
`;

/** Periodic upkeep, idempotent: running twice does no harm. */
export function createMaintenanceTasks(deps: { db: DatabasePool; log: Logger }): TaskList {
  return {
    maintenance_prune_events: async () => {
      const deleted = await pruneEventsByRetention(deps.db);
      deps.log.info(deleted, 'old events pruned per events.retention');
    },
  };
}
