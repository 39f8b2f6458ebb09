import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** The worker task that syncs again what Zoho changed while its deliveries could not reach us. */
export const ZOHO_CATCH_UP_TASK = 'zoho_catch_up';

export const zohoCatchUpPayloadSchema = z.object({
  /** Deliveries may have been lost from this moment (ISO 8601). */
  since: z.iso.datetime({ offset: true }),
  /** Why, for the log: the ingress started, or it refused deliveries for a while. */
  reason: z.string().min(1).max(500),
});
export type ZohoCatchUpPayload = z.infer<typeof zohoCatchUpPayloadSchema>;

const lastSchema = z.object({ last: z.coerce.date().nullable() });

/**
 * When the last Zoho delivery was received: the newest `zoho` event that came from Zoho (not
 * one we queued ourselves — those carry a `cause`). Null before the first delivery.
 */
export async function lastZohoDeliveryAt(db: CommonQueryMethods): Promise<Date | null> {
  const row = await db.one(sql.type(lastSchema)`
    select max(received_at) as last from integration_events_log
     where source = 'zoho' and not (payload ? 'cause')`);
  return row.last;
}

/**
 * Queues one catch-up from `since`. The job key holds the moment, so the same gap reported twice
 * (two ingress processes starting together) is one job.
 */
export async function queueZohoCatchUp(db: CommonQueryMethods, payload: ZohoCatchUpPayload): Promise<void> {
  await db.query(sql.unsafe`
    select graphile_worker.add_job(
      identifier := ${ZOHO_CATCH_UP_TASK},
      payload := ${sql.json(payload)},
      job_key := ${`${ZOHO_CATCH_UP_TASK}:${payload.since}`},
      max_attempts := 10
    )`);
}
