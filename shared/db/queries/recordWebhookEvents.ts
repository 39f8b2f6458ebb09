import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { maxAttemptsSql, type NewEvent } from './integrationEventsLog.ts';

const insertedSchema = z.object({ ord: z.coerce.number(), id: z.coerce.number() });

/**
 * Stores many events and their jobs in one statement (one transaction, one round trip, one
 * NOTIFY): the ingress's group commit. As `recordWebhookEvent` does for one: an event whose
 * `(source, event_id)` is already stored gets no row and no job, also when copies race in other
 * statements (the unique index makes them wait, then do nothing). The caller passes each
 * `(source, event_id)` at most once (it answers later copies in a batch as duplicates itself).
 * Jobs go through `graphile_worker.add_jobs`, which may see a job key only once per call: for
 * coalesced deliveries of one record the newest event's job is the one queued (as separate
 * `add_job` calls would leave it).
 * @returns for each event, in order, its new row id, or null when it was already recorded.
 */
export async function recordWebhookEvents(
  db: CommonQueryMethods,
  events: readonly NewEvent[],
  options: {
    /** false: the events get no job of their own (a bulk run's: its one job runs them, shared/db/queries/bulkRuns.ts). */
    jobs?: boolean;
  } = {},
): Promise<(number | null)[]> {
  if (events.length === 0) return [];
  const input = events.map((e, ord) => ({
    ord,
    source: e.source,
    event_id: e.eventId,
    event_type: e.eventType,
    entity: e.entity,
    module: e.module,
    record_id: e.recordId,
    dedupe: e.dedupe,
    task_identifier: e.taskIdentifier,
    payload: e.payload,
    job_key: e.jobKey,
  }));
  const rows = await db.any(sql.type(insertedSchema)`
    with input as (
      select * from jsonb_to_recordset(${sql.jsonb(input as never)}) as i(
        ord int, source text, event_id text, event_type text, entity text, module text, record_id text,
        dedupe text, task_identifier text, payload jsonb, job_key text)
    ),
    inserted as (
      insert into integration_events_log (source, event_id, event_type, entity, module, record_id, dedupe, task_identifier, payload)
      select source, event_id, event_type, entity, module, record_id, dedupe, task_identifier, payload from input order by ord
      on conflict (source, event_id) do nothing
      returning id, source, event_id
    ),
    keyed as (
      select i.ord, ins.id, i.task_identifier, coalesce(i.job_key, 'event:' || ins.id) as job_key
        from inserted ins join input i using (source, event_id)
    ),
    newest_per_key as (
      select distinct on (job_key) * from keyed order by job_key, ord desc
    ),
    jobs as (
      ${
        options.jobs === false
          ? sql.fragment`select 0 as added`
          : sql.fragment`select count(*) as added from graphile_worker.add_jobs((
        select array_agg(row(task_identifier, json_build_object('eventLogId', id), null, null, (${maxAttemptsSql()})::smallint, job_key, null, null)::graphile_worker.job_spec)
          from newest_per_key))`
      }
    )
    -- Referencing jobs makes it run (a SELECT in WITH runs only when read); with no new row
    -- there is no row here either, and no empty add_jobs call.
    select keyed.ord, keyed.id from keyed where (select added from jobs) >= 0
  `);
  const ids: (number | null)[] = events.map(() => null);
  for (const row of rows) ids[row.ord] = row.id;
  return ids;
}
