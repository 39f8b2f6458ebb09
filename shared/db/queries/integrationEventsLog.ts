import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const EVENT_STATUSES = [
  'pending',
  'processing',
  'retrying',
  'completed',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const FINAL_STATUSES: readonly EventStatus[] = ['completed', 'failed', 'skipped', 'cancelled'];

const timestamp = z.coerce.date();

export const eventRowSchema = z.object({
  id: z.coerce.number(),
  source: z.enum(['zoho', 'moodle']),
  event_id: z.string(),
  event_type: z.string(),
  entity: z.string(),
  module: z.string(),
  record_id: z.string().nullable(),
  dedupe: z.enum(['event_id', 'content', 'coalesce']),
  task_identifier: z.string(),
  payload: z.unknown(),
  status: z.enum(EVENT_STATUSES),
  attempts: z.coerce.number(),
  last_error: z.string().nullable(),
  error_code: z.string().nullable(),
  result: z.unknown().nullable(),
  received_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  updated_at: timestamp,
});
export type EventRow = z.infer<typeof eventRowSchema>;

// Row schemas are built once: zod compiles a schema on first use, which is too costly
// to repeat per query on the ingress's hot path.
const insertedEventSchema = z.object({ id: z.coerce.number(), job_id: z.coerce.number() });
const orphanSchema = z.object({ id: z.coerce.number(), kind: z.string() });

export interface NewEvent {
  source: 'zoho' | 'moodle';
  eventId: string;
  eventType: string;
  entity: string;
  module: string;
  recordId: string | null;
  dedupe: 'event_id' | 'content' | 'coalesce';
  taskIdentifier: string;
  payload: Record<string, unknown>;
  /**
   * Set for coalesced deliveries: one waiting job per record, replaced by newer ones.
   * Otherwise the job's key is `event:<row id>` (see `eventJobKey`).
   */
  jobKey: string | null;
}

/** The job's whole payload: the events table is the source of truth. */
export const jobPayloadSchema = z.object({ eventLogId: z.number().int().positive() });
export type JobPayload = z.infer<typeof jobPayloadSchema>;

/**
 * Stores the event and enqueues its job atomically. It is one statement (and so one
 * transaction, and one round trip): the insert's CTE yields a row only when the
 * `(source, event_id)` is new, and `add_job` runs once per yielded row, so a duplicate
 * gets no job, even when twenty copies race (the unique index makes all but one wait
 * and then do nothing). `max_attempts` is read from `app_settings` on every insert, so
 * an admin's change applies to the next event without a restart.
 * @returns the new row's id, or null when the event was already recorded.
 */
export async function recordWebhookEvent(db: CommonQueryMethods, event: NewEvent): Promise<number | null> {
  const row = await db.maybeOne(sql.type(insertedEventSchema)`
    with inserted as (
      insert into integration_events_log
        (source, event_id, event_type, entity, module, record_id, dedupe, task_identifier, payload)
      values (${event.source}, ${event.eventId}, ${event.eventType}, ${event.entity}, ${event.module},
              ${event.recordId}, ${event.dedupe}, ${event.taskIdentifier}, ${sql.jsonb(event.payload as never)})
      on conflict (source, event_id) do nothing
      returning id
    )
    select inserted.id,
      (graphile_worker.add_job(
        identifier := ${event.taskIdentifier},
        payload := json_build_object('eventLogId', inserted.id),
        max_attempts := ${maxAttemptsSql()},
        job_key := coalesce(${event.jobKey}, 'event:' || inserted.id)
      )).id as job_id
    from inserted
  `);
  return row?.id ?? null;
}

/** `retry.policy.max_attempts` from app_settings, 12 when unset or unusable. */
export function maxAttemptsSql() {
  return sql.fragment`coalesce(
    (select least(greatest((value ->> 'max_attempts')::int, 1), 32767)
       from app_settings where key = 'retry.policy' and jsonb_typeof(value -> 'max_attempts') = 'number'),
    12)`;
}

/**
 * Every event's job has a known key, so operators can find, replace (retry) and remove
 * (cancel) it through graphile-worker's public API: the `jobs` view has no payload.
 */
export function eventJobKey(eventLogId: number): string {
  return `event:${eventLogId}`;
}

/** Whether a newer coalesced delivery of the same record waits (and will fetch it again). */
export async function hasNewerCoalescedEvent(db: CommonQueryMethods, event: EventRow): Promise<boolean> {
  if (event.record_id === null) return false;
  return db.exists(sql.unsafe`
    select 1 from integration_events_log
     where source = ${event.source} and module = ${event.module} and record_id = ${event.record_id}
       and dedupe = 'coalesce' and id > ${event.id} and status = 'pending'
  `);
}

/**
 * SQL condition: the event's job is running now (locked by a worker). Its job has the key
 * `event:<id>`, or for coalesced deliveries the record's key `<source>:<module>:<record>`.
 */
export function eventJobRunningSql(alias: string) {
  return sql.fragment`exists (
    select 1 from graphile_worker.jobs j
     where j.key in (${eventJobKeysSql(alias)})
       and j.locked_at is not null)`;
}

/**
 * SQL: the keys a job that runs the event `alias` may have: its own (`event:<id>`), its record's
 * (coalesced deliveries), and its bulk run's (`bulk:<run>`, shared/db/queries/bulkRuns.ts).
 */
function eventJobKeysSql(alias: string) {
  const e = sql.identifier([alias]);
  return sql.fragment`'event:' || ${e}.id, ${e}.source || ':' || ${e}.module || ':' || ${e}.record_id,
    'bulk:' || (${e}.payload ->> 'run')`;
}

/**
 * Events stuck `processing` or `retrying` with no job that will ever run them: their
 * worker died during the last attempt (graphile counts the attempt when it locks the
 * job, so the freed job is already exhausted), or the outcome could not be recorded.
 * They become `failed` (code `worker.lost`), visible and re-queueable.
 * @returns the events settled, with their kind (`zoho.student`).
 */
export async function failOrphanedEvents(
  db: CommonQueryMethods,
  olderThanSeconds: number,
): Promise<{ id: number; kind: string }[]> {
  const rows = await db.any(sql.type(orphanSchema)`
    update integration_events_log e
       set status = 'failed', error_code = 'worker.lost',
           last_error = 'the worker running this event stopped and no attempt is left; re-queue it with bin/jobs retry',
           finished_at = now(), updated_at = now()
     where e.status in ('processing', 'retrying')
       and e.updated_at < now() - make_interval(secs => ${olderThanSeconds})
       and not exists (
         select 1 from graphile_worker.jobs j
          where j.key in (${eventJobKeysSql('e')})
            and (j.locked_at is not null or j.attempts < j.max_attempts))
    returning e.id, e.source || '.' || e.entity as kind
  `);
  return [...rows];
}
