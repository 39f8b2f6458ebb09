import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** What the queue looks like now: the source of the queue gauges of every scrape. */
export interface QueueSnapshot {
  events: Record<'pending' | 'processing' | 'retrying' | 'failed', number>;
  /** Since the oldest such event was received; 0 when none waits. */
  oldestWaitingSeconds: Record<'pending' | 'retrying', number>;
  liveWorkers: number;
  /** The Zoho notification channels (bin/zoho connect): seconds left (negative once expired), and whether renewal fails. */
  zohoChannels: { module: string; expiresInSeconds: number; renewalFailing: boolean }[];
}

const count = z.coerce.number();
const snapshotSchema = z.object({
  pending: count,
  processing: count,
  retrying: count,
  failed: count,
  oldest_pending_seconds: count,
  oldest_retrying_seconds: count,
  live_workers: count,
  zoho_channels: z.array(z.object({ module: z.string(), expires_in_seconds: count, renewal_failing: z.boolean() })),
});

/**
 * One statement, run on each scrape. Only the live statuses and `failed` are counted: each is
 * a range of the (status, received_at) index, while completed events pile up for 90 days.
 * A worker counts as live while its heartbeat is younger than `deadAfterSeconds`: when every
 * worker is dead, nobody deletes their rows.
 */
export async function readQueueMetrics(db: CommonQueryMethods, deadAfterSeconds: number): Promise<QueueSnapshot> {
  const row = await db.one(sql.type(snapshotSchema)`
    with waiting as (
      select status, count(*) as n, min(received_at) as oldest
        from integration_events_log
       where status in ('pending', 'processing', 'retrying', 'failed')
       group by status
    )
    select
      coalesce((select n from waiting where status = 'pending'), 0) as pending,
      coalesce((select n from waiting where status = 'processing'), 0) as processing,
      coalesce((select n from waiting where status = 'retrying'), 0) as retrying,
      coalesce((select n from waiting where status = 'failed'), 0) as failed,
      coalesce(extract(epoch from now() - (select oldest from waiting where status = 'pending')), 0) as oldest_pending_seconds,
      coalesce(extract(epoch from now() - (select oldest from waiting where status = 'retrying')), 0) as oldest_retrying_seconds,
      (select count(*) from worker_heartbeats where last_seen_at >= now() - make_interval(secs => ${deadAfterSeconds})) as live_workers,
      (select coalesce(json_agg(json_build_object(
                'module', module, 'expires_in_seconds', extract(epoch from expires_at - now()),
                'renewal_failing', renewal_error is not null) order by module), '[]'::json)
         from zoho_notification_channels) as zoho_channels
  `);
  return {
    events: { pending: row.pending, processing: row.processing, retrying: row.retrying, failed: row.failed },
    oldestWaitingSeconds: {
      pending: Math.max(0, row.oldest_pending_seconds),
      retrying: Math.max(0, row.oldest_retrying_seconds),
    },
    liveWorkers: row.live_workers,
    zohoChannels: row.zoho_channels.map((c) => ({
      module: c.module,
      expiresInSeconds: c.expires_in_seconds,
      renewalFailing: c.renewal_failing,
    })),
  };
}
