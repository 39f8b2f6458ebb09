import type { TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { MoodleClient } from '../shared/clients/moodle/createMoodleClient.ts';
import type { ZohoClient } from '../shared/clients/zoho/createZohoClient.ts';
import { loadSyncSettings } from '../shared/db/queries/appSettings.ts';
import { pruneEventsByRetention } from '../shared/db/queries/eventOperations.ts';
import { ZOHO_CATCH_UP_TASK, zohoCatchUpPayloadSchema } from '../shared/db/queries/zohoCatchUp.ts';
import { queueBtecRules } from './flows/nightlyBtecRules.ts';
import { queueReconciliation } from './reconcile/queueReconciliation.ts';
import { pruneOwnWrites } from '../shared/db/queries/zohoOwnWrites.ts';
import { renewZohoChannels } from './zohoChannels/manageZohoChannels.ts';

/**
 * graphile-worker crontab (UTC). `id=` must never change (a new id means a new, duplicate
 * schedule).
 */
export const CRONTAB = `
# ┌ min ┌ hour ┌ day ┌ month ┌ weekday  task                       options
  17    3      *     *       *          maintenance_prune_events   ?id=prune_events&max=1
  40    2      *     *       *          grades_btec_rules          ?id=btec_rules&max=1
  30    1      *     *       *          sync_recent_changes        ?id=sync_recent&max=1
  7     *      *     *       *          zoho_channels_renew        ?id=zoho_channels_renew&max=1
`;

/** Periodic upkeep, idempotent: running twice does no harm. */
export function createMaintenanceTasks(deps: {
  db: DatabasePool;
  log: Logger;
  moodle?: MoodleClient;
  zoho?: ZohoClient;
}): TaskList {
  return {
    maintenance_prune_events: async () => {
      const deleted = await pruneEventsByRetention(deps.db);
      deps.log.info(deleted, 'old events pruned per events.retention');
      // A callback of our own write arrives within seconds; two days is plenty.
      await pruneOwnWrites(deps.db, 48);
    },
    // Zoho notification channels last a week at most: renewed two days ahead, every hour
    // until it works (a failure is logged as an error and shown by bin/zoho status and bin/doctor).
    zoho_channels_renew: async () => {
      if (!deps.zoho) return;
      await renewZohoChannels({ db: deps.db, zoho: deps.zoho, log: deps.log });
    },
    // F for no submission after the due date, RR for no second attempt after a Refer: planned
    // here, applied as queued events (visible and retried like any other).
    // Catches up what webhooks missed: every record modified in Zoho lately is synced again.
    sync_recent_changes: async () => {
      const { 'sync.reconcile': reconcile } = await loadSyncSettings(deps.db);
      if (!reconcile.enabled) return deps.log.info('nightly reconciliation off (sync.reconcile.enabled is false)');
      if (!deps.zoho) return deps.log.warn('nightly reconciliation skipped: Zoho is not configured');
      const day = new Date().toISOString().slice(0, 10);
      await queueReconciliation(
        { db: deps.db, zoho: deps.zoho, log: deps.log },
        {
          runId: `nightly-${day}`,
          modifiedSince: new Date(Date.now() - reconcile.since_hours * 3_600_000),
        },
      );
    },
    // Zoho drops a delivery it could not make: after the ingress was down, or answered 503, what
    // changed in Zoho meanwhile is synced again (api/createZohoDeliveryGaps.ts queues this).
    [ZOHO_CATCH_UP_TASK]: async (rawPayload) => {
      const payload = zohoCatchUpPayloadSchema.parse(rawPayload);
      const { 'sync.reconcile': reconcile } = await loadSyncSettings(deps.db);
      if (!reconcile.enabled)
        return deps.log.info({ since: payload.since }, 'Zoho catch-up off (sync.reconcile.enabled is false)');
      if (!deps.zoho) return deps.log.warn('Zoho catch-up skipped: Zoho is not configured');
      // A minute early for clocks that differ; never further back than the nightly run covers.
      const since = Math.max(Date.parse(payload.since) - 60_000, Date.now() - reconcile.since_hours * 3_600_000);
      const queued = await queueReconciliation(
        { db: deps.db, zoho: deps.zoho, log: deps.log },
        {
          runId: `catchup-${Date.parse(payload.since)}`,
          modifiedSince: new Date(since),
        },
      );
      deps.log.info(
        { since: new Date(since).toISOString(), reason: payload.reason, queued: queued.queued },
        `Zoho catch-up: ${queued.total} records modified since then queued`,
      );
    },
    grades_btec_rules: async () => {
      const report = await queueBtecRules({ db: deps.db, log: deps.log, moodle: deps.moodle });
      if (report.skippedBecause) deps.log.info({ reason: report.skippedBecause }, 'BTEC rules not run');
    },
  };
}
