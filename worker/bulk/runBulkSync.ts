import type { JobHelpers, Task } from 'graphile-worker';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { countCalls, noCalls } from '../../shared/clients/callCounts.ts';
import { createBatchedMoodleClient } from '../../shared/clients/moodle/createBatchedMoodleClient.ts';
import { createBatchedZohoClient, listedKey } from '../../shared/clients/zoho/createBatchedZohoClient.ts';
import type { ZohoRecord } from '../../shared/clients/zoho/createZohoClient.ts';
import {
  addBulkRunCost,
  bulkJobPayloadSchema,
  dropListedRecords,
  finishBulkRun,
  nextBulkChunk,
  queueOwnJobs,
  startBulkRun,
  type BulkRun,
} from '../../shared/db/queries/bulkRuns.ts';
import type { RunOutcome } from '../../shared/db/queries/eventRuns.ts';
import { eventJobKey, type EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import { holdRecordLock } from '../../shared/db/queries/recordLocks.ts';
import { coerceError, PermanentError, SyncError } from '../../shared/domain/errors.ts';
import type { EventKind } from '../../shared/domain/events.ts';
import type { Metrics } from '../../shared/metrics/createMetrics.ts';
import type { EventRuns } from '../createEventRuns.ts';
import { flows } from '../flows/index.ts';
import type { RunContext, SyncClients } from '../pipeline/runContext.ts';
import { runFlow } from '../pipeline/runFlow.ts';
import { loadSyncSettings } from '../../shared/db/queries/appSettings.ts';
import { checkCourseEnrolments } from './checkCourseEnrolments.ts';

export interface BulkSyncDeps {
  db: DatabasePool;
  log: Logger;
  clients: SyncClients;
  /** The pool's claims and outcomes (createEventRuns): a chunk's hundred claims are one statement, its outcomes another. */
  runs: EventRuns;
  metrics?: Pick<Metrics, 'eventFinished' | 'eventRetrying'> | undefined;
  /** Records worked on at once (default BULK_CHUNK). */
  chunkSize?: number;
}

/** As many records as one batched Moodle or Zoho call takes: a chunk's writes are one call each. */
export const BULK_CHUNK = 100;

/**
 * At most this many records of a chunk sync a missing dependency at once (each holds a database
 * connection while it waits for that record's lock); normally none do, the run having synced
 * the dependencies first.
 */
const DEPENDENCY_LOCKS = 2;

/** The `bulk_sync` task: runs one bulk run's records (shared/db/queries/bulkRuns.ts). */
export function createBulkSyncTask(deps: BulkSyncDeps): Task {
  return (payload, helpers) => runBulkSync(deps, payload, helpers);
}

/**
 * The bulk path (docs/design.md "The bulk path"): works through a run's records in the order
 * they were listed (dependencies first), a chunk of one kind at a time. Each record is an
 * ordinary event, claimed (its record's lock held, its attempt counted) and settled as the worker
 * settles any event, with its own outcome and attempt row; what differs is the I/O: the flows run
 * side by side, the Zoho records come from the run's listing, and their Moodle lookups and
 * writes and their Zoho write-backs go out batched (createBatchedMoodleClient,
 * createBatchedZohoClient). A record that fails transiently gets a job of its own and retries as
 * a webhook's event does. Killed mid-way, the job is retried and resumes: what is settled stays
 * settled, and the records it left processing are run again (flows find what an attempt made).
 */
export async function runBulkSync(deps: BulkSyncDeps, payload: unknown, helpers: JobHelpers): Promise<void> {
  const parsed = bulkJobPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    deps.log.error({ jobId: helpers.job.id }, 'bulk_sync job payload is not {runId}; dropped');
    return;
  }
  const { runId } = parsed.data;
  const log = deps.log.child({ runId, jobId: helpers.job.id });
  const run = await startBulkRun(deps.db, runId);
  if (!run) {
    log.error('no such bulk run (sync_bulk_runs); job dropped');
    return;
  }
  // A run of every record of a module syncs them all in dependency order: no follow-ups for those.
  const covers = new Set<EventKind>(
    run.modified_since === null ? run.entities.map((entity) => `zoho.${entity}` as EventKind) : [],
  );
  const chunkSize = deps.chunkSize ?? BULK_CHUNK;
  let after = 0;
  for (;;) {
    if (helpers.abortSignal?.aborted)
      throw new Error('the worker is stopping; the bulk run resumes when this job runs again');
    const rows = await nextBulkChunk(deps.db, runId, after, chunkSize);
    if (rows.length === 0) break;
    // One kind a chunk: a record never waits for a dependency in its own chunk.
    const kind = rows[0]!.task_identifier;
    const end = rows.findIndex((row) => row.task_identifier !== kind);
    const chunk = end === -1 ? rows : rows.slice(0, end);
    after = chunk.at(-1)!.id;
    await runChunk(deps, run, chunk, { covers, helpers, log });
  }
  const report = await verifyReport(deps, run);
  await finishBulkRun(deps.db, runId, report);
  log.info(
    { records: run.records, ...(report ? { unlinkedEnrolments: report.unlinkedEnrolments.length } : {}) },
    'bulk run finished',
  );
}

/**
 * What a verify run of every enrolment finds besides its records' outcomes: the students Moodle
 * has in the classes' courses that no Zoho enrollment accounts for. Null for other runs.
 */
async function verifyReport(deps: BulkSyncDeps, run: BulkRun) {
  if (!run.verify || run.modified_since !== null || !run.entities.includes('enrollment') || !deps.clients.moodle)
    return null;
  const settings = await loadSyncSettings(deps.db);
  return { unlinkedEnrolments: await checkCourseEnrolments({ db: deps.db, moodle: deps.clients.moodle, settings }) };
}

async function runChunk(
  deps: BulkSyncDeps,
  run: BulkRun,
  rows: { id: number; task_identifier: string }[],
  options: { covers: ReadonlySet<EventKind>; helpers: JobHelpers; log: Logger },
): Promise<void> {
  const claims = await Promise.all(
    rows.map((row) =>
      deps.runs.claim({ eventLogId: row.id, taskIdentifier: row.task_identifier, jobKey: eventJobKey(row.id) }),
    ),
  );
  const started = claims.flatMap((claim) => (claim?.state === 'started' ? [claim.event] : []));
  if (started.length === 0) {
    await dropListedRecords(
      deps.db,
      rows.map((row) => row.id),
    );
    return;
  }
  const listed = new Map<string, ZohoRecord>();
  for (const event of started) {
    const record = listedRecordOf(event);
    if (record) listed.set(listedKey(event.module, record.id), record);
  }
  const clients: SyncClients = {
    ...(deps.clients.zoho ? { zoho: createBatchedZohoClient(deps.clients.zoho, listed) } : {}),
    ...(deps.clients.moodle ? { moodle: createBatchedMoodleClient(deps.clients.moodle) } : {}),
  };
  const calls = noCalls();
  const limitDependencies = pLimit(DEPENDENCY_LOCKS);
  const outcomes = await countCalls(calls, () =>
    Promise.all(started.map((event) => runRecord(deps, event, { ...options, clients, limitDependencies }))),
  );
  const worker = options.helpers.job.locked_by;
  const covered = await Promise.all(
    started.map((event, index) => deps.runs.finish(event, outcomes[index]!, { worker, calls: null })),
  );
  started.forEach((event, index) => {
    const outcome = outcomes[index]!;
    const kind = `${event.source}.${event.entity}`;
    if (outcome.status === 'retrying') deps.metrics?.eventRetrying(kind, outcome.errorCode);
    else
      deps.metrics?.eventFinished(
        kind,
        outcome.status,
        outcome.status === 'failed' ? outcome.errorCode : '',
        1 + covered[index]!,
      );
  });
  // A transient failure (Moodle or Zoho away for a moment) is retried per record, by a job of its own.
  await queueOwnJobs(
    deps.db,
    started.flatMap((event, index) =>
      outcomes[index]!.status === 'retrying'
        ? [{ id: event.id, taskIdentifier: event.task_identifier, runAt: retryAt(event.attempts) }]
        : [],
    ),
  );
  await dropListedRecords(
    deps.db,
    rows.map((row) => row.id),
  );
  await addBulkRunCost(deps.db, run.run_id, calls);
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
  options.log.info({ kind: rows[0]!.task_identifier, records: started.length, ...counts, calls }, 'bulk chunk done');
}

/** One record's flow, with the chunk's clients; its failure is its outcome (the chunk goes on). */
async function runRecord(
  deps: BulkSyncDeps,
  event: EventRow,
  options: {
    covers: ReadonlySet<EventKind>;
    helpers: JobHelpers;
    log: Logger;
    clients: SyncClients;
    limitDependencies: ReturnType<typeof pLimit>;
  },
): Promise<RunOutcome> {
  const dependencies: (() => Promise<void>)[] = [];
  // A record takes one of the chunk's slots the first time it needs a dependency's lock and keeps
  // it to the end; the locks its dependencies need in turn (an enrolment's class, that class's
  // program) take none, or two records each holding a slot and waiting for another would wait forever.
  let slot: Promise<void> | undefined;
  let releaseSlot: (() => void) | undefined;
  const takeSlot = () =>
    (slot ??= new Promise<void>((taken) => {
      void options.limitDependencies(
        () =>
          new Promise<void>((released) => {
            releaseSlot = released;
            taken();
          }),
      );
    }));
  const log = options.log.child({ eventLogId: event.id, entity: event.entity, recordId: event.record_id });
  const ctx: RunContext = {
    db: deps.db,
    log,
    clients: options.clients,
    attempt: event.attempts,
    signal: options.helpers.abortSignal ?? new AbortController().signal,
    covers: options.covers,
    lockRecord: async (key) => {
      await takeSlot();
      const release = await holdRecordLock(deps.db, key);
      let released: Promise<void> | undefined;
      const once = () => (released ??= release());
      dependencies.push(once);
      return once;
    },
  };
  try {
    const outcome = await runFlow(flows, ctx, event);
    log.debug({ status: outcome.status }, `event ${outcome.status}`);
    return outcome;
  } catch (thrown) {
    const error = coerceError(thrown);
    const code = error instanceof SyncError ? error.code : 'unexpected';
    const message = `${error.name}: ${error.message}`;
    if (error instanceof PermanentError) {
      log.warn({ err: error, code }, 'event failed permanently');
      return { status: 'failed', errorCode: code, error: message };
    }
    log.warn({ err: error, code }, 'event failed; will retry on its own');
    return { status: 'retrying', errorCode: code, error: message };
  } finally {
    await Promise.allSettled(dependencies.map((release) => release()));
    releaseSlot?.();
  }
}

/** graphile-worker's own back-off for an attempt (exp(min(attempt, 10)) s), for a record's own retry. */
function retryAt(attempts: number): Date {
  return new Date(Date.now() + Math.exp(Math.min(Math.max(attempts, 1), 10)) * 1000);
}

/** The Zoho record the run's listing stored with the event, when the listing could hold all of it. */
function listedRecordOf(event: EventRow): ZohoRecord | null {
  const record = (event.payload as { record?: unknown }).record;
  if (typeof record !== 'object' || record === null) return null;
  const id = (record as { id?: unknown }).id;
  return typeof id === 'string' && id === event.record_id ? (record as ZohoRecord) : null;
}
