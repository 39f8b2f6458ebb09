import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { lastZohoDeliveryAt, queueZohoCatchUp } from '../shared/db/queries/zohoCatchUp.ts';

/**
 * Zoho does not retry a workflow webhook or function whose delivery failed (it only logs the
 * failure), so every delivery sent while the ingress was down, or answered 503 because the
 * database was, is lost. This notices both and queues a catch-up (the worker's `zoho_catch_up`:
 * the records modified in Zoho since the last delivery before the gap are synced again):
 * - at start, from the last delivery the database holds (the ingress was not running since);
 * - when a delivery is accepted again after the ingress refused some, from the last one
 *   accepted before the refusals.
 * Queueing never fails a request: a catch-up that cannot be queued is logged.
 */
export function createZohoDeliveryGaps(deps: { db: DatabasePool; log: Logger }) {
  let lastAccepted: Date | null = null;
  let refusedSince: Date | null = null;

  const queue = async (since: Date, reason: string) => {
    try {
      await queueZohoCatchUp(deps.db, { since: since.toISOString(), reason });
      deps.log.warn(
        { since: since.toISOString() },
        `Zoho deliveries may have been lost since ${since.toISOString()} (${reason}): a catch-up of the records modified since then is queued`,
      );
    } catch (error) {
      deps.log.error(
        { err: error, since: since.toISOString() },
        'the Zoho catch-up could not be queued: run bin/sync --all --since <hours since then>h',
      );
    }
  };

  return {
    /** At ingress start, once the database is reachable. */
    async start(): Promise<void> {
      try {
        lastAccepted = await lastZohoDeliveryAt(deps.db);
      } catch (error) {
        deps.log.error(
          { err: error },
          'the last Zoho delivery could not be read: no catch-up queued for the time the ingress was down',
        );
        return;
      }
      if (lastAccepted)
        await queue(lastAccepted, 'the ingress started; deliveries Zoho sent while it was not running were lost');
    },
    /** A Zoho delivery was stored (202) or recognised as a duplicate (200). */
    accepted(): void {
      const now = new Date();
      if (refusedSince) {
        const from = lastAccepted ?? refusedSince;
        const reason = `the ingress refused Zoho deliveries from ${refusedSince.toISOString()} to ${now.toISOString()} (database unavailable)`;
        refusedSince = null;
        void queue(from, reason);
      }
      lastAccepted = now;
    },
    /** A Zoho delivery was answered 503: Zoho will not send it again. */
    refused(): void {
      refusedSince ??= new Date();
    },
  };
}

export type ZohoDeliveryGaps = ReturnType<typeof createZohoDeliveryGaps>;
