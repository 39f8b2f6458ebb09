import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { CallCounts } from '../../clients/callCounts.ts';
import { maxAttemptsSql, type NewEvent } from './integrationEventsLog.ts';
import { recordWebhookEvents } from './recordWebhookEvents.ts';

/**
 * Bulk runs (sql/12_bulk_runs.sql, docs/design.md "The bulk path"): bin/sync and the nightly
 * reconciliation store every listed record as an event of the run, without a job of its own,
 * and one `bulk_sync` job that works through them in chunks (worker/bulk/runBulkSync.ts).
 */

/** The task of a run's one job; its key is `bulk:<run id>`. */
export const BULK_TASK = 'bulk_sync';

/**
 * A bulk job is worth retrying for a long while (it resumes where it stopped): graphile-worker
 * waits exp(min(attempt, 10)) s between tries, so this is about four days.
 */
const BULK_MAX_ATTEMPTS = 60;

export const bulkJobPayloadSchema = z.object({ runId: z.string().min(1).max(100) });

export interface NewBulkRun {
  runId: string;
  entities: readonly string[];
  modifiedSince: Date | null;
  dryRun: boolean;
  /** bin/sync --check / --repair: compare with Moodle as it is now (sql/12_bulk_runs.sql `verify`). */
  verify: boolean;
  /** The Zoho API calls the listing made. */
  listingZohoCalls: number;
}

/** Rows per insert statement: a page of the listing's worth, kept well under PostgreSQL's limits. */
const INSERT_SLICE = 500;

/**
 * Stores a run in one transaction: its events (`sync:<run>:<record>`, payload `run`), its row,
 * and its job. Either all of it is queued or nothing is, so a listing interrupted half-way
 * leaves nothing to clean up. @returns for each event, its new row id, or null when the run
 * already had it.
 */
export async function recordBulkRun(
  db: DatabasePool,
  run: NewBulkRun,
  events: readonly NewEvent[],
): Promise<(number | null)[]> {
  return db.transaction(async (transaction) => {
    const ids: (number | null)[] = [];
    for (let start = 0; start < events.length; start += INSERT_SLICE)
      ids.push(...(await recordWebhookEvents(transaction, events.slice(start, start + INSERT_SLICE), { jobs: false })));
    await transaction.query(sql.unsafe`
      insert into sync_bulk_runs (run_id, entities, modified_since, dry_run, verify, records, listing_zoho_calls)
      values (${run.runId}, ${sql.array([...run.entities], 'text')}, ${run.modifiedSince?.toISOString() ?? null},
              ${run.dryRun}, ${run.verify}, ${ids.filter((id) => id !== null).length}, ${run.listingZohoCalls})
      on conflict (run_id) do nothing
    `);
    await transaction.query(sql.unsafe`
      select graphile_worker.add_job(${BULK_TASK}, json_build_object('runId', ${run.runId}::text),
                                     max_attempts := ${BULK_MAX_ATTEMPTS}, job_key := ${`bulk:${run.runId}`})
    `);
    return ids;
  });
}

const bulkRunSchema = z.object({
  run_id: z.string(),
  entities: z.array(z.string()),
  modified_since: z.coerce.date().nullable(),
  dry_run: z.boolean(),
  verify: z.boolean(),
  records: z.coerce.number(),
});
export type BulkRun = z.infer<typeof bulkRunSchema>;

/** Marks the run started (the first time) and returns it; null when no such run is stored. */
export async function startBulkRun(db: CommonQueryMethods, runId: string): Promise<BulkRun | null> {
  return db.maybeOne(sql.type(bulkRunSchema)`
    update sync_bulk_runs set started_at = coalesce(started_at, now()), finished_at = null
     where run_id = ${runId}
    returning run_id, entities, modified_since, dry_run, verify, records
  `);
}

/** Marks the run finished, with what a verify run found besides its records' outcomes. */
export async function finishBulkRun(
  db: CommonQueryMethods,
  runId: string,
  report: Record<string, unknown> | null = null,
): Promise<void> {
  await db.query(sql.unsafe`
    update sync_bulk_runs set finished_at = now(), report = coalesce(${report === null ? null : sql.jsonb(report as never)}, report)
     where run_id = ${runId}
  `);
}

const chunkRowSchema = z.object({ id: z.coerce.number(), task_identifier: z.string() });

/**
 * The next events of the run to work on, after `afterId`, in the order they were listed:
 * those waiting, and those left processing by an attempt that never finished (a killed run).
 * Events that failed and wait for a retry of their own (`retrying`) have their own job.
 */
export async function nextBulkChunk(
  db: CommonQueryMethods,
  runId: string,
  afterId: number,
  limit: number,
): Promise<{ id: number; task_identifier: string }[]> {
  return [
    ...(await db.any(sql.type(chunkRowSchema)`
      select id, task_identifier from integration_events_log
       where payload ? 'run' and payload ->> 'run' = ${runId} and id > ${afterId}
         and status in ('pending', 'processing')
       order by id
       limit ${limit}
    `)),
  ];
}

/** Adds what a chunk cost to its run. */
export async function addBulkRunCost(db: CommonQueryMethods, runId: string, calls: CallCounts): Promise<void> {
  await db.query(sql.unsafe`
    update sync_bulk_runs
       set zoho_calls = zoho_calls + ${calls.zoho}, moodle_calls = moodle_calls + ${calls.moodle},
           zoho_credits_remaining = coalesce(${calls.zohoCreditsRemaining}::int, zoho_credits_remaining)
     where run_id = ${runId}
  `);
}

const runCostSchema = z.object({
  listing_zoho_calls: z.coerce.number(),
  zoho_calls: z.coerce.number(),
  moodle_calls: z.coerce.number(),
  zoho_credits_remaining: z.coerce.number().nullable(),
  finished: z.boolean(),
  report: z.record(z.string(), z.unknown()).nullable(),
});
export type BulkRunCost = z.infer<typeof runCostSchema>;

/**
 * What a run's chunks cost so far (its records' own retries are in their attempts), whether its
 * job has finished, and what a verify run reported.
 */
export async function bulkRunCost(db: CommonQueryMethods, runId: string): Promise<BulkRunCost | null> {
  return db.maybeOne(sql.type(runCostSchema)`
    select listing_zoho_calls, zoho_calls, moodle_calls, zoho_credits_remaining, finished_at is not null as finished, report
      from sync_bulk_runs where run_id = ${runId}
  `);
}

/**
 * Gives events of a run a job of their own, as a webhook's event has (a record that failed and
 * waits for its retry, or one whose record another job holds): `event:<id>`, run at `runAt`.
 */
export async function queueOwnJobs(
  db: CommonQueryMethods,
  jobs: readonly { id: number; taskIdentifier: string; runAt: Date }[],
): Promise<void> {
  if (jobs.length === 0) return;
  await db.query(sql.unsafe`
    select count(*) from graphile_worker.add_jobs(array(
      select row(j.task, json_build_object('eventLogId', j.id), null, j.run_at, (${maxAttemptsSql()})::smallint,
                 'event:' || j.id, null, null)::graphile_worker.job_spec
        from unnest(${sql.array(
          jobs.map((j) => j.id),
          'int8',
        )}, ${sql.array(
          jobs.map((j) => j.taskIdentifier),
          'text',
        )}, ${sql.array(
          jobs.map((j) => j.runAt.toISOString()),
          'timestamptz',
        )}) as j(id, task, run_at)))
  `);
}

/**
 * Drops the listing's copy of the records from settled chunk events: it served the run, and the
 * event log need not keep a second copy of every student's record (a retry fetches it afresh).
 */
export async function dropListedRecords(db: CommonQueryMethods, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(sql.unsafe`
    update integration_events_log set payload = payload - 'record'
     where id = any(${sql.array([...ids], 'int8')}) and payload ? 'record'
  `);
}
