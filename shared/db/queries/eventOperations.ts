import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import {
  EVENT_STATUSES,
  eventJobRunningSql,
  eventRowSchema,
  maxAttemptsSql,
  type EventRow,
  type EventStatus,
} from './integrationEventsLog.ts';

/**
 * What operators do to events (`bin/jobs`, the admin endpoint, cron). Each function is
 * one or two SQL statements, documented as plain SQL in the README.
 */

export interface QueueStatus {
  events: Record<EventStatus, number>;
  last24h: Record<EventStatus, number>;
  oldestWaitingAt: Date | null;
  jobs: { waiting: number; running: number; failed: number };
  workers: { workerId: string; hostname: string; pid: number; lastSeenAt: Date }[];
}

export async function getQueueStatus(db: CommonQueryMethods): Promise<QueueStatus> {
  const counts = await db.any(sql.type(
    z.object({ status: z.enum(EVENT_STATUSES), total: z.coerce.number(), recent: z.coerce.number() }),
  )`
    select status, count(*) as total, count(*) filter (where received_at > now() - interval '24 hours') as recent
      from integration_events_log group by status
  `);
  const empty = () => Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>;
  const events = empty();
  const last24h = empty();
  for (const row of counts) {
    events[row.status] = row.total;
    last24h[row.status] = row.recent;
  }
  const queue = await db.one(sql.type(
    z.object({
      oldest: z.coerce.date().nullable(),
      waiting: z.coerce.number(),
      running: z.coerce.number(),
      failed: z.coerce.number(),
    }),
  )`
    select
      (select min(received_at) from integration_events_log where status in ('pending', 'retrying')) as oldest,
      count(*) filter (where locked_at is null and attempts < max_attempts) as waiting,
      count(*) filter (where locked_at is not null) as running,
      count(*) filter (where locked_at is null and attempts >= max_attempts) as failed
    from graphile_worker.jobs
  `);
  const workers = await db.any(
    sql.type(
      z.object({
        worker_id: z.string(),
        hostname: z.string(),
        pid: z.number(),
        last_seen_at: z.coerce.date(),
      }),
    )`select worker_id, hostname, pid, last_seen_at from worker_heartbeats order by started_at`,
  );
  return {
    events,
    last24h,
    oldestWaitingAt: queue.oldest,
    jobs: { waiting: queue.waiting, running: queue.running, failed: queue.failed },
    workers: workers.map((w) => ({
      workerId: w.worker_id,
      hostname: w.hostname,
      pid: w.pid,
      lastSeenAt: w.last_seen_at,
    })),
  };
}

export interface ListFilter {
  status?: EventStatus[];
  /** PostgreSQL interval, e.g. '24 hours'. */
  since?: string;
  source?: 'zoho' | 'moodle';
  entity?: string;
  recordId?: string;
  limit: number;
}

export async function listEvents(db: CommonQueryMethods, filter: ListFilter): Promise<EventRow[]> {
  const conditions = [sql.fragment`true`];
  if (filter.status?.length) conditions.push(sql.fragment`status = any(${sql.array(filter.status, 'text')})`);
  if (filter.since) conditions.push(sql.fragment`received_at > now() - ${filter.since}::interval`);
  if (filter.source) conditions.push(sql.fragment`source = ${filter.source}`);
  if (filter.entity) conditions.push(sql.fragment`entity = ${filter.entity}`);
  if (filter.recordId) conditions.push(sql.fragment`record_id = ${filter.recordId}`);
  const rows = await db.any(sql.type(eventRowSchema)`
    select * from integration_events_log
     where ${sql.join(conditions, sql.fragment` and `)}
     order by received_at desc, id desc
     limit ${filter.limit}
  `);
  return [...rows];
}

/**
 * Finds events by the sender's event id (unique per source, so up to two), or by the
 * row id when given as `#42`.
 */
export async function findEvents(db: CommonQueryMethods, reference: string): Promise<EventRow[]> {
  const rowId = /^#(\d{1,18})$/.exec(reference)?.[1];
  const rows = rowId
    ? await db.any(sql.type(eventRowSchema)`select * from integration_events_log where id = ${rowId}::bigint`)
    : await db.any(
        sql.type(eventRowSchema)`select * from integration_events_log where event_id = ${reference} order by id`,
      );
  return [...rows];
}

/** Whether a worker is running the event's job right now. */
export async function isEventRunning(db: CommonQueryMethods, id: number): Promise<boolean> {
  return db.exists(
    sql.unsafe`select 1 from integration_events_log e where e.id = ${id} and ${eventJobRunningSql('e')}`,
  );
}

/** The graphile-worker job of an event, if one exists (waiting, running or failed). */
export async function getEventJob(db: CommonQueryMethods, event: EventRow) {
  return db.maybeOne(sql.type(
    z.object({
      id: z.coerce.number(),
      key: z.string().nullable(),
      run_at: z.coerce.date(),
      attempts: z.number(),
      max_attempts: z.number(),
      locked_at: z.coerce.date().nullable(),
      locked_by: z.string().nullable(),
      last_error: z.string().nullable(),
    }),
  )`
    select id, key, run_at, attempts, max_attempts, locked_at, locked_by, last_error
      from graphile_worker.jobs where key = ${`event:${event.id}`}
  `);
}

/**
 * Puts events back in the queue: status `pending` and a fresh job (`max_attempts` from
 * `retry.policy`; a failed or waiting job of the event is replaced, not duplicated).
 * Events whose job is running now are left alone; an event left `processing` by a
 * dead worker is re-queued. @returns the row ids re-queued.
 */
export async function retryEvents(db: CommonQueryMethods, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.any(sql.type(z.object({ id: z.coerce.number() }))`
    with requeued as (
      update integration_events_log
         set status = 'pending', finished_at = null, updated_at = now()
       where id = any(${sql.array(ids, 'int8')})
         and not ${eventJobRunningSql('integration_events_log')}
      returning id, task_identifier
    )
    select id, (graphile_worker.add_job(
      identifier := task_identifier,
      payload := json_build_object('eventLogId', id),
      max_attempts := ${maxAttemptsSql()},
      job_key := 'event:' || id
    )).id as job_id
    from requeued
  `);
  return rows.map((r) => r.id);
}

/** Ids of failed events, optionally only those received within `since` (an interval). */
export async function failedEventIds(db: CommonQueryMethods, since: string | undefined): Promise<number[]> {
  const rows = await db.any(sql.type(z.object({ id: z.coerce.number() }))`
    select id from integration_events_log
     where status = 'failed' ${since ? sql.fragment`and received_at > now() - ${since}::interval` : sql.fragment``}
     order by id
  `);
  return rows.map((r) => r.id);
}

/**
 * Cancels an event that has not settled: status `cancelled` and its waiting job removed.
 * @returns false when the event is running or already settled.
 */
export async function cancelEvent(db: CommonQueryMethods, id: number): Promise<boolean> {
  const row = await db.maybeOne(sql.type(z.object({ id: z.coerce.number() }))`
    update integration_events_log
       set status = 'cancelled', finished_at = now(), updated_at = now(),
           result = coalesce(result, '{}'::jsonb) || jsonb_build_object('cancelled_by', 'operator')
     where id = ${id}
       and (status in ('pending', 'retrying', 'failed')
            or (status = 'processing' and not ${eventJobRunningSql('integration_events_log')}))
    returning id
  `);
  if (!row) return false;
  // remove_job deletes a waiting job; a coalesced event's job belongs to its record and
  // settles the event as already cancelled when it runs.
  await db.query(sql.unsafe`select graphile_worker.remove_job(${`event:${id}`})`);
  return true;
}

/**
 * Deletes settled events older than `days` (by when they finished): completed, skipped
 * and cancelled, plus failed when asked. With `countOnly` it only counts them.
 * @returns how many rows were (or would be) deleted.
 */
export async function deleteSettledEvents(
  db: CommonQueryMethods,
  days: number,
  options: { includeFailed?: boolean; countOnly?: boolean } = {},
): Promise<number> {
  const statuses = ['completed', 'skipped', 'cancelled', ...(options.includeFailed ? ['failed'] : [])];
  const where = sql.fragment`status = any(${sql.array(statuses, 'text')})
       and coalesce(finished_at, received_at) < now() - make_interval(days => ${days})`;
  if (options.countOnly) {
    return db.oneFirst(
      sql.type(z.object({ count: z.coerce.number() }))`select count(*) from integration_events_log where ${where}`,
    );
  }
  const result = await db.query(sql.unsafe`delete from integration_events_log where ${where}`);
  return result.rowCount;
}

/** Retention per `events.retention`: settled events after `completed_days`, failed after `failed_days`. */
export async function pruneEventsByRetention(db: CommonQueryMethods): Promise<{ settled: number; failed: number }> {
  const retention = await db.maybeOne(sql.type(
    z.object({
      completed_days: z.coerce.number().int().positive().catch(90),
      failed_days: z.coerce.number().int().positive().catch(365),
    }),
  )`
    select value ->> 'completed_days' as completed_days, value ->> 'failed_days' as failed_days
      from app_settings where key = 'events.retention'
  `);
  const settled = await deleteSettledEvents(db, retention?.completed_days ?? 90);
  const failed = await db.query(sql.unsafe`
    delete from integration_events_log
     where status = 'failed' and coalesce(finished_at, received_at) < now() - make_interval(days => ${retention?.failed_days ?? 365})
  `);
  return { settled, failed: failed.rowCount };
}
