import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { eventRowSchema, FINAL_STATUSES, maxAttemptsSql, type EventRow } from './integrationEventsLog.ts';

/**
 * The two statements of event runs (worker/createEventRuns.ts batches them for a worker's
 * concurrent jobs): `claimEvents` before the flows run, `finishEvents` after them, both on the
 * session that holds the records' advisory locks. They also apply "newest wins" (README
 * "Guarantees"): which events of a record may stand in for one another is `coverableSql`.
 */

/** First half of the two-int advisory lock key, so our record locks never collide with others'. */
export const RECORD_LOCK_CLASS = 7_301;

/**
 * Moodle events whose `data` is the whole state of the row they are about, built when the
 * plugin sends them (moodle-plugin/README.md "What is sent"): a later delivery for the same
 * row (`module` = its table, `record_id` = its id) carries a later state of the same thing,
 * whatever the event class. Everything else from Moodle never covers or is covered: the
 * nightly BTEC rules' `btec_rule` events are actions (an F, an RR), not states, and an event
 * class not listed here is not known to be a snapshot.
 */
export const MOODLE_SNAPSHOT_EVENT_TYPES = [
  '\\core\\event\\user_created',
  '\\core\\event\\user_updated',
  '\\core\\event\\user_deleted',
  '\\core\\event\\user_enrolment_created',
  '\\core\\event\\user_enrolment_updated',
  '\\core\\event\\user_enrolment_deleted',
  '\\core\\event\\role_assigned',
  '\\mod_assign\\event\\submission_graded',
  '\\core\\event\\user_graded',
  '\\core\\event\\course_created',
  '\\core\\event\\course_updated',
] as const;

/** Seconds after which an event that stood aside for a newer one looks again (a safety net: see claimEvents). */
export const COVER_RECHECK_SECONDS = 60;

/** Constant lists are written into the statements (they are prepared once per session). */
const literalList = (values: readonly string[]) =>
  sql.join(
    values.map((value) => sql.literalValue(value)),
    sql.fragment`, `,
  );
const FINAL = sql.fragment`array[${literalList(FINAL_STATUSES)}]`;
const SNAPSHOT_TYPES = sql.fragment`array[${literalList(MOODLE_SNAPSHOT_EVENT_TYPES)}]`;

/**
 * Both statements commit without waiting for their WAL to reach disk (`synchronous_commit` for
 * this transaction only). They record what the worker does, never what a sender was told: the
 * job's completion that follows each run is a normal commit, and flushing it flushes these, so
 * only a PostgreSQL crash within a fraction of a second can undo one, and then the run's job,
 * not completed either, runs again (flows find what a first attempt made).
 */
const ASYNC_COMMIT = sql.fragment`set_config('synchronous_commit', 'off', true)`;

/** SQL: the record lock key of the row `alias`, exactly as shared/domain/recordKey.ts `eventRecordKey` builds it. */
export function recordLockKeySql(alias: string) {
  const e = sql.identifier([alias]);
  return sql.fragment`${e}.source || ':' || ${e}.module || ':' || coalesce(${e}.record_id, 'event-' || ${e}.id)`;
}

/**
 * SQL: whether the row `alias` may cover, or be covered by, another event of its record.
 * Zoho events never trust their content: every flow fetches the record, so the run of
 * any of them applies what all the earlier ones announced, except `bin/sync --dry-run`
 * events, which write nothing. Moodle events: only the snapshots listed above.
 */
function coverableSql(alias: string) {
  const e = sql.identifier([alias]);
  return sql.fragment`(${e}.record_id is not null and (
    (${e}.source = 'zoho' and ${e}.payload -> 'dry_run' is distinct from 'true'::jsonb)
    or (${e}.source = 'moodle' and ${e}.event_type = any(${SNAPSHOT_TYPES}))))`;
}

/** SQL: `a` and `b` are events of the same record and task. */
function sameRecordSql(a: string, b: string) {
  const [x, y] = [sql.identifier([a]), sql.identifier([b])];
  return sql.fragment`${x}.record_id = ${y}.record_id and ${x}.source = ${y}.source and ${x}.module = ${y}.module
    and ${x}.task_identifier = ${y}.task_identifier`;
}

export type ClaimState =
  /** Marked processing, attempt counted; the record's lock is held by the session. */
  | 'started'
  /** Already completed, failed, skipped or cancelled: nothing to do. */
  | 'final'
  /** Settled by another run between this statement's start and its lock: nothing to do. */
  | 'settled'
  /** A newer event of the record waits and will apply it; a re-check job is queued. */
  | 'deferred'
  /** The record is held (by another job, here or elsewhere); the job is queued again shortly, at priority -1. */
  | 'busy';

export interface ClaimRequest {
  eventLogId: number;
  /** The running job's task and key: a busy record re-adds the job under the same key. */
  taskIdentifier: string;
  jobKey: string;
}

export type Claim = { state: ClaimState; event: EventRow; newerEventId: string | null };

const claimSchema = z.object({
  ord: z.coerce.number(),
  state: z.enum(['started', 'final', 'settled', 'deferred', 'busy']),
  newer_event_id: z.string().nullable(),
  event: eventRowSchema,
});

/**
 * One statement for a batch of jobs, on the session that holds the records: loads each event
 * and, unless it is final, either stands it aside for a newer event of its record (one that
 * may cover it and still waits: that run will apply the record and settle this one), or takes
 * its record's advisory lock and marks it processing (attempt counted). A record that is
 * busy — locked by another session, held by this session for another job (`heldKeys`: a
 * session may take its own lock twice), or wanted by an earlier job of the batch — re-adds
 * the job shortly, at priority -1, without spending an attempt.
 *
 * Standing aside keeps a job for the event, `COVER_RECHECK_SECONDS` later, that the newer
 * run removes when it covers it or brings forward when it does not complete; so the event is
 * run after all if the newer one is cancelled. The newer row is read `for share`, so it cannot
 * start before this statement has committed that job: its end always sees it.
 * @returns one claim per request, in order; null for a row that does not exist (deleted by cleanup).
 */
export async function claimEvents(
  db: CommonQueryMethods,
  requests: readonly ClaimRequest[],
  options: { heldKeys: readonly string[]; busyDelayMs: number },
): Promise<(Claim | null)[]> {
  const rows = await db.any(sql.prepared('mzsync_claim_events', claimSchema)`
    with input as (
      select * from unnest(${sql.array(
        requests.map((r) => r.eventLogId),
        'int8',
      )}, ${sql.array(
        requests.map((r) => r.taskIdentifier),
        'text',
      )},
                           ${sql.array(
                             requests.map((r) => r.jobKey),
                             'text',
                           )}) with ordinality as i(id, job_task, job_key, ord)
    ), target as (
      select e.*, i.ord, i.job_task, i.job_key, ${recordLockKeySql('e')} as lock_key, e.status = any(${FINAL}) as final
        from input i join integration_events_log e on e.id = i.id
    ), newer as (
      select t.ord, n.event_id as newer_event_id
        from target t cross join lateral (
          select n.event_id from integration_events_log n
           where ${sameRecordSql('n', 't')} and n.id > t.id and n.status = 'pending' and ${coverableSql('n')}
           order by n.id desc
           limit 1
           for share of n) n
       where not t.final and ${coverableSql('t')}
    ), ranked as (
      select t.ord, t.id, t.lock_key, t.final, n.newer_event_id,
             row_number() over (partition by t.lock_key, t.final or n.newer_event_id is not null order by t.id, t.ord) as key_rank
        from target t left join newer n on n.ord = t.ord
    ), decided as (
      select r.*,
             case when r.final then 'final'
                  when r.newer_event_id is not null then 'deferred'
                  when r.key_rank > 1 or r.lock_key = any(${sql.array([...options.heldKeys], 'text')}) then 'busy'
                  when pg_try_advisory_lock(${RECORD_LOCK_CLASS}, hashtext(r.lock_key)) then 'locked'
                  else 'busy' end as decision
        from ranked r
    ), started as (
      update integration_events_log e
         set status = 'processing', attempts = e.attempts + 1, started_at = clock_timestamp(),
             finished_at = null, updated_at = clock_timestamp()
        from decided d
       where e.id = d.id and d.decision = 'locked' and e.status <> all(${FINAL})
      returning e.*, d.ord
    ), interrupted as (
      -- A run that never recorded its outcome (its worker died or lost the database) left the row
      -- processing: that attempt gets its row now, before this one starts.
      insert into integration_event_attempts (event_log_id, attempt, started_at, outcome, error)
      select t.id, t.attempts, t.started_at, 'interrupted',
             'the attempt ended without an outcome: its worker stopped or lost the database mid-run'
        from started s join target t on t.ord = s.ord
       where t.status = 'processing' and t.started_at is not null
    ), requeued as (
      select case when exists (select 1 from decided where decision in ('busy', 'deferred')) then (
      select count(*) from graphile_worker.add_jobs(array(
        select row(t.job_task, json_build_object('eventLogId', t.id), null,
                   now() + case when d.decision = 'busy' then make_interval(secs => ${options.busyDelayMs / 1000})
                                else make_interval(secs => ${COVER_RECHECK_SECONDS}) end,
                   ${maxAttemptsSql()},
                   case when d.decision = 'busy' then t.job_key else 'event:' || t.id end,
                   case when d.decision = 'busy' then -1 else 0 end,
                   null)::graphile_worker.job_spec
          from decided d join target t on t.ord = d.ord
         where d.decision in ('busy', 'deferred')))
      ) else 0 end as n
    )
    select d.ord,
           ${ASYNC_COMMIT} as async_commit,
           case when s.id is not null then 'started' when d.decision = 'locked' then 'settled' else d.decision end as state,
           d.newer_event_id,
           coalesce(to_jsonb(s), to_jsonb(t)) as event,
           (select n from requeued) as requeued,
           case when s.id is null and d.decision = 'locked' then pg_advisory_unlock(${RECORD_LOCK_CLASS}, hashtext(d.lock_key)) end as unlocked
      from decided d join target t on t.ord = d.ord left join started s on s.ord = d.ord
  `);
  const byOrd = new Map(
    rows.map((row) => [
      row.ord,
      { state: row.state, event: row.event, newerEventId: row.newer_event_id } satisfies Claim,
    ]),
  );
  return requests.map((_request, index) => byOrd.get(index + 1) ?? null);
}

/** How a run ended, as `finishEvents` records it. */
export type RunOutcome =
  | { status: 'completed' | 'skipped'; result: Record<string, unknown> }
  | { status: 'failed' | 'retrying'; errorCode: string; error: string };

export interface FinishRequest {
  eventLogId: number;
  outcome: RunOutcome;
  /** graphile-worker's id of the pool that ran it, for the attempt's row. */
  worker: string | null;
  /** The calls the run made (shared/clients/callCounts.ts counts them), for the attempt's row. */
  calls?: { zoho: number; moodle: number; zohoCreditsRemaining: number | null } | null;
}

const finishedSchema = z.object({ id: z.coerce.number(), covered: z.coerce.number() });

/**
 * One statement for a batch of started runs: records each outcome (on the event row, and as the
 * attempt's own row of integration_event_attempts), settles the events each run stands for, and
 * releases each record's advisory lock. @returns per request, how many other
 * events its run settled.
 *
 * - `completed`: the record is applied, so every event of the record that may be covered
 *   (`coverableSql`) and still waits (or was left processing by a dead worker: this run holds
 *   the lock, so no other can be alive) is settled `completed` with `{covered_by, action}`: for
 *   Zoho those received before this run started (it fetched the record after they arrived),
 *   for Moodle those older than this one (its data is the later state). Their waiting jobs go.
 * - `skipped` / `failed`: coalesced deliveries received before the run started take its
 *   outcome, as they always did (their jobs were replaced by this one's). Nothing else is
 *   covered: a run skipped (a disabled workflow, a dry run, its own write coming back) or
 *   failed did not apply what older events carry, so those that stood aside for it run now.
 * - `retrying`: only that last part.
 */
export async function finishEvents(db: CommonQueryMethods, requests: readonly FinishRequest[]): Promise<number[]> {
  const field = (pick: (outcome: RunOutcome) => string | null) =>
    sql.array(
      requests.map((r) => pick(r.outcome)),
      'text',
    );
  const rows = await db.any(sql.prepared('mzsync_finish_events', finishedSchema)`
    with input as (
      select * from unnest(${sql.array(
        requests.map((r) => r.eventLogId),
        'int8',
      )},
                           ${field((o) => o.status)},
                           ${field((o) => ('result' in o ? JSON.stringify(o.result) : null))},
                           ${field((o) => ('error' in o ? o.error.slice(0, 4000) : null))},
                           ${field((o) => ('errorCode' in o ? o.errorCode : null))},
                           ${sql.array(
                             requests.map((r) => r.worker),
                             'text',
                           )},
                           ${sql.array(
                             requests.map((r) => r.calls?.zoho ?? null),
                             'int4',
                           )},
                           ${sql.array(
                             requests.map((r) => r.calls?.moodle ?? null),
                             'int4',
                           )},
                           ${sql.array(
                             requests.map((r) => r.calls?.zohoCreditsRemaining ?? null),
                             'int4',
                           )}) as i(id, status, result, last_error, error_code, worker, zoho_calls, moodle_calls,
                                    zoho_credits_remaining)
    ), done as (
      update integration_events_log e
         set status = i.status, result = coalesce(i.result::jsonb, e.result), last_error = i.last_error, error_code = i.error_code,
             finished_at = case when i.status = 'retrying' then null else clock_timestamp() end, updated_at = clock_timestamp()
        from input i
       where e.id = i.id
      returning e.*, case when i.status = 'completed' then 'all'
                          when i.status <> 'retrying' and e.dedupe = 'coalesce' then 'coalesced'
                          else 'none' end as covers
    ), covered as (
      update integration_events_log c
         set status = d.status, last_error = d.last_error, error_code = d.error_code,
             result = jsonb_build_object('covered_by', d.event_id)
                      || case when d.result ? 'action' then jsonb_build_object('action', d.result -> 'action') else '{}' end,
             finished_at = clock_timestamp(), updated_at = clock_timestamp()
        from done d
       where d.covers <> 'none' and ${sameRecordSql('c', 'd')} and c.id <> d.id
         and c.status in ('pending', 'retrying', 'processing')
         and ((c.dedupe = 'coalesce' and d.dedupe = 'coalesce' and c.received_at <= d.started_at)
           or (d.covers = 'all' and ${coverableSql('c')} and ${coverableSql('d')}
               and case when d.source = 'zoho' then c.received_at <= d.started_at else c.id < d.id end))
      returning c.id, d.id as by_id
    ), attempts as (
      -- The attempt's own row (sql/11_event_attempts.sql): the event row keeps only the last one.
      insert into integration_event_attempts
             (event_log_id, attempt, worker, started_at, finished_at, duration_ms, outcome, action, reason, error_code, error,
              plan, covered, zoho_calls, moodle_calls, zoho_credits_remaining)
      select d.id, d.attempts, i.worker, d.started_at, clock_timestamp(),
             round(extract(epoch from clock_timestamp() - d.started_at) * 1000)::int, i.status,
             i.result::jsonb ->> 'action', i.result::jsonb ->> 'reason', i.error_code, i.last_error,
             i.result::jsonb -> 'plan', (select count(*) from covered c where c.by_id = d.id),
             i.zoho_calls, i.moodle_calls, i.zoho_credits_remaining
        from done d join input i on i.id = d.id
       where d.started_at is not null
    ), waiting as (
      -- Events that stood aside for a run that did not complete (their job waits COVER_RECHECK_SECONDS).
      select j.id from graphile_worker.jobs j
       where j.locked_at is null and j.run_at > now()
         and j.key = any(array(
           select 'event:' || w.id from integration_events_log w join done d on ${sameRecordSql('w', 'd')}
            where d.covers <> 'all' and w.id < d.id and w.status in ('pending', 'retrying')
              and ${coverableSql('w')} and ${coverableSql('d')} and w.id not in (select id from covered)))
    ), removed as (
      select case when exists (select 1 from covered) then (
        select count(*) from graphile_worker.complete_jobs(array(
          select j.id from graphile_worker.jobs j
           where j.key = any(array(select 'event:' || id from covered)) and j.locked_at is null))
      ) else 0 end as n
    ), released as (
      select case when exists (select 1 from waiting) then (
        select count(*) from graphile_worker.reschedule_jobs(array(select id from waiting), run_at := now())
      ) else 0 end as n
    )
    select d.id, ${ASYNC_COMMIT} as async_commit, (select count(*) from covered c where c.by_id = d.id) as covered,
           (select n from removed) as removed, (select n from released) as released,
           pg_advisory_unlock(${RECORD_LOCK_CLASS}, hashtext(${recordLockKeySql('d')})) as unlocked
      from done d
  `);
  const covered = new Map(rows.map((row) => [row.id, row.covered]));
  return requests.map((r) => covered.get(r.eventLogId) ?? 0);
}
