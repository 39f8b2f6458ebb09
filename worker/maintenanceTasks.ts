import type { TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { MoodleClient } from '../shared/clients/moodle/createMoodleClient.ts';
import { pruneEventsByRetention } from '../shared/db/queries/eventOperations.ts';
import { queueBtecRules } from './btecRules/queueBtecRules.ts';

/**
 * graphile-worker crontab (UTC). `id=` must never change (a new id means a new, duplicate
 * schedule). Nightly reconciliation joins this when `bin/sync` exists.
 */
export const CRONTAB = `
# ┌ min ┌ hour ┌ day ┌ month ┌ weekday  task                       options
  17    3      *     *       *          maintenance_prune_events   ?id=prune_events&max=1
  40    2      *     *       *          grades_btec_rules          ?id=btec_rules&max=1
`;

/** Periodic upkeep, idempotent: running twice does no harm. */
export function createMaintenanceTasks(deps: { db: DatabasePool; log: Logger; moodle?: MoodleClient }): TaskList {
  return {
    maintenance_prune_events: async () => {
      const deleted = await pruneEventsByRetention(deps.db);
      deps.log.info(deleted, 'old events pruned per events.retention');
    },
    // F for no submission after the due date, RR for no second attempt after a Refer: planned
    // here, applied as queued events (visible and retried like any other).
    grades_btec_rules: async () => {
      const report = await queueBtecRules({ db: deps.db, log: deps.log, moodle: deps.moodle });
      if (report.skippedBecause) deps.log.info({ reason: report.skippedBecause }, 'BTEC rules not run');
    },
  };
}
