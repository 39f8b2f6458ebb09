import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { INVALID_CODES, type DriftRecord } from '../../domain/sync/driftReport.ts';

const rowSchema = z.object({
  entity: z.string(),
  status: z.string(),
  action: z.string(),
  error_code: z.string().nullable(),
  n: z.coerce.number(),
});
export type RunOutcomeRow = z.infer<typeof rowSchema>;

export const RUN_COLUMNS = ['new', 'updated', 'unchanged', 'invalid', 'skipped', 'failed', 'waiting'] as const;
export type RunColumn = (typeof RUN_COLUMNS)[number];
export type RunSummary = Record<string, Record<RunColumn, number>>;

const costSchema = z.object({
  zoho_calls: z.coerce.number(),
  moodle_calls: z.coerce.number(),
  zoho_credits_remaining: z.coerce.number().nullable(),
});
export type RunCost = z.infer<typeof costSchema>;

/**
 * What the worker spent on one `bin/sync` run's events so far: the Zoho API and Moodle calls of
 * all their attempts, and the credits Zoho said remain after the latest of them.
 */
export async function reconcileRunCost(db: CommonQueryMethods, runId: string): Promise<RunCost> {
  return db.one(sql.type(costSchema)`
    select coalesce(sum(a.zoho_calls), 0) as zoho_calls, coalesce(sum(a.moodle_calls), 0) as moodle_calls,
           (array_agg(a.zoho_credits_remaining order by a.finished_at desc)
              filter (where a.zoho_credits_remaining is not null))[1] as zoho_credits_remaining
      from integration_event_attempts a join integration_events_log e on e.id = a.event_log_id
     where e.source = 'zoho' and e.event_id like ${`sync:${runId}:%`}
  `);
}

/** How the events of one `bin/sync` run stand, grouped by entity, status and what was done. */
export async function reconcileRunOutcomes(db: CommonQueryMethods, runId: string): Promise<RunOutcomeRow[]> {
  return [
    ...(await db.any(sql.type(rowSchema)`
    select entity, status, coalesce(result ->> 'action', '') as action, error_code, count(*) as n
      from integration_events_log
     where source = 'zoho' and event_id like ${`sync:${runId}:%`}
     group by 1, 2, 3, 4
  `)),
  ];
}

/**
 * A run's outcome per entity, in the columns an operator reads: new (created in Moodle), updated
 * (also suspended, hidden, removed), unchanged, invalid (the Zoho record must be fixed), skipped
 * (disabled, not ready, dry run), failed (a sync that went wrong), waiting (not settled yet).
 */
export function summariseRun(rows: readonly RunOutcomeRow[]): RunSummary {
  const summary: RunSummary = {};
  for (const row of rows) {
    const counts = (summary[row.entity] ??= Object.fromEntries(RUN_COLUMNS.map((c) => [c, 0])) as Record<
      RunColumn,
      number
    >);
    counts[columnOf(row)] += row.n;
  }
  return summary;
}

function columnOf(row: RunOutcomeRow): RunColumn {
  if (row.status === 'failed') return row.error_code && INVALID_CODES.has(row.error_code) ? 'invalid' : 'failed';
  if (row.status === 'skipped' || row.status === 'cancelled') return 'skipped';
  if (row.status !== 'completed') return 'waiting';
  if (row.action === 'created') return 'new';
  if (row.action === 'unchanged') return 'unchanged';
  return 'updated';
}

const driftRowSchema = z.object({
  entity: z.string(),
  record_id: z.string(),
  status: z.string(),
  action: z.string().nullable(),
  changes: z.array(z.string()).nullable(),
  error_code: z.string().nullable(),
  last_error: z.string().nullable(),
  reason: z.string().nullable(),
  gone: z.boolean(),
  linked: z.boolean(),
});

/** Each record of a run as its event ended, for the drift report (shared/domain/sync/driftReport.ts). */
export async function runRecords(db: CommonQueryMethods, runId: string): Promise<DriftRecord[]> {
  const rows = await db.any(sql.type(driftRowSchema)`
    select e.entity, e.record_id, e.status, e.result ->> 'action' as action,
           case when jsonb_typeof(e.result -> 'changes') = 'array'
                then array(select jsonb_array_elements_text(e.result -> 'changes')) end as changes,
           e.error_code, e.last_error, e.result ->> 'reason' as reason,
           coalesce((e.payload ->> 'gone')::boolean, false) as gone,
           exists (select 1 from sync_links l where l.entity = e.entity and l.zoho_id = e.record_id) as linked
      from integration_events_log e
     where e.payload ? 'run' and e.payload ->> 'run' = ${runId} and e.source = 'zoho' and e.record_id is not null
     order by e.id
  `);
  return rows.map((row) => ({
    entity: row.entity,
    recordId: row.record_id,
    status: row.status,
    action: row.action,
    changes: row.changes,
    errorCode: row.error_code,
    error: row.last_error,
    reason: row.reason,
    gone: row.gone,
    linked: row.linked,
  }));
}

const followUpSchema = z.object({ total: z.coerce.number(), waiting: z.coerce.number() });

/**
 * The events a run's records queued in turn (a new class course's enrolments, when the run did
 * not cover them all): part of what the run caused, so bin/sync counts them and waits for them.
 */
export async function runFollowUps(db: CommonQueryMethods, runId: string): Promise<z.infer<typeof followUpSchema>> {
  return db.one(sql.type(followUpSchema)`
    select count(*) as total, count(*) filter (where f.status in ('pending', 'processing', 'retrying')) as waiting
      from integration_events_log f
     where f.payload ? 'caused_by_event'
       and f.payload ->> 'caused_by_event' in (
         select e.id::text from integration_events_log e where e.payload ? 'run' and e.payload ->> 'run' = ${runId})
  `);
}
