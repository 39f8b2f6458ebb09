import type { JobHelpers, TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { RunOutcome } from '../shared/db/queries/eventRuns.ts';
import {
  eventJobKey,
  hasNewerCoalescedEvent,
  jobPayloadSchema,
  type EventRow,
} from '../shared/db/queries/integrationEventsLog.ts';
import { coerceError, PermanentError, SyncError } from '../shared/domain/errors.ts';
import { EVENT_KINDS, taskIdentifierFor, type EventKind } from '../shared/domain/events.ts';
import type { Metrics } from '../shared/metrics/createMetrics.ts';
import { flows } from './flows/index.ts';
import { runFlow } from './pipeline/runFlow.ts';
import type { StandInRunners, SyncClients, SyncOutcome } from './pipeline/runContext.ts';
import type { AttemptFacts, EventRuns } from './createEventRuns.ts';
import { holdRecordLock } from '../shared/db/queries/recordLocks.ts';
import { countCalls, noCalls } from '../shared/clients/callCounts.ts';

export interface RunSyncTaskDeps {
  db: DatabasePool;
  log: Logger;
  /** Stand-ins for the flows (tests and benchmarks); by default every event runs its flow. */
  standIns?: StandInRunners | undefined;
  clients?: SyncClients;
  /** The pool's claims and outcomes (createEventRuns). */
  runs: EventRuns;
  metrics?: Pick<Metrics, 'eventFinished' | 'eventRetrying'> | undefined;
}

/**
 * The worker's event tasks: one graphile-worker task per event kind (`zoho_student`,
 * `moodle_grade`, …), each running `runSyncTask`. Every kind gets a task, so an event whose
 * kind has no flow in this version fails visibly instead of waiting forever.
 */
export function createTaskList(deps: RunSyncTaskDeps): TaskList {
  const tasks: TaskList = {};
  for (const kind of EVENT_KINDS) {
    tasks[taskIdentifierFor(kind)] = (payload, helpers) => runSyncTask(deps, kind, payload, helpers);
  }
  return tasks;
}

/**
 * The body of every event task: assert the payload, claim the event (load it, hold its
 * record, mark it processing), run its flow, and record the outcome (which also settles
 * the events this run covers and releases the record). Claims and outcomes are statements
 * shared with the pool's other jobs (createEventRuns).
 *
 * graphile-worker retries every throw, so only transient failures are rethrown (it
 * backs off `exp(min(attempt,10))` s up to the job's max_attempts, set from
 * `retry.policy`). Permanent failures are recorded and the task returns. On the last
 * attempt a transient failure is recorded `failed` and the task returns too: the event
 * row is the dead-letter record and `bin/jobs retry` re-queues it.
 */
export async function runSyncTask(
  deps: RunSyncTaskDeps,
  kind: EventKind,
  payload: unknown,
  helpers: JobHelpers,
): Promise<void> {
  const { job } = helpers;
  const parsed = jobPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    // Not ours to retry: a job added by hand with a wrong payload never gets better.
    deps.log.error({ jobId: job.id, task: job.task_identifier }, 'job payload is not {eventLogId}; dropped');
    return;
  }
  const { eventLogId } = parsed.data;
  const claim = await deps.runs.claim({
    eventLogId,
    taskIdentifier: job.task_identifier,
    jobKey: job.key ?? eventJobKey(eventLogId),
  });
  const context = { jobId: job.id, task: job.task_identifier, eventLogId, attempt: job.attempts };
  if (claim?.state === 'started') {
    const { event } = claim;
    const log = deps.log.child({
      ...context,
      eventId: event.event_id,
      source: event.source,
      entity: event.entity,
      recordId: event.record_id,
    });
    const error = await runClaimed(deps, kind, event, helpers, log);
    if (error) throw error;
    return;
  }
  if (!claim) deps.log.error(context, 'event row not found (deleted by cleanup?); job dropped');
  else if (claim.state === 'final')
    deps.log.info({ ...context, status: claim.event.status }, 'event already settled; nothing to do');
  else if (claim.state === 'settled') deps.log.info(context, 'event settled while waiting; nothing to do');
  // Another event of the record is newer and waits: its run will apply the record and settle this one.
  else if (claim.state === 'deferred')
    deps.log.debug(
      { ...context, newerEventId: claim.newerEventId },
      'a newer event of the record will apply it; standing aside',
    );
  // Another job is applying this record. Come back shortly, without spending an attempt, and
  // ahead of fresh jobs (priority -1).
  else deps.log.debug(context, 'record busy; job re-scheduled');
}

/** Runs the flow of a started event and records its outcome. @returns the error to rethrow for a retry. */
async function runClaimed(
  deps: RunSyncTaskDeps,
  kind: EventKind,
  event: EventRow,
  helpers: JobHelpers,
  eventLog: Logger,
): Promise<Error | undefined> {
  let outcome: SyncOutcome;
  // Dependency locks a flow takes (lockRecord), each on a connection of its own: released when it ends.
  const dependencies: (() => Promise<void>)[] = [];
  // What this attempt cost in Zoho API and Moodle calls, recorded with it (success or not).
  const calls = noCalls();
  const attempt = { worker: helpers.job.locked_by, calls };
  try {
    const run = deps.standIns?.[kind] ?? ((ctx, e) => runFlow(flows, ctx, e));
    outcome = await countCalls(calls, () =>
      run(
        {
          db: deps.db,
          log: eventLog,
          clients: deps.clients ?? {},
          attempt: helpers.job.attempts,
          signal: helpers.abortSignal ?? new AbortController().signal,
          lockRecord: async (key) => {
            const release = await holdRecordLock(deps.db, key);
            dependencies.push(release);
            return release;
          },
        },
        event,
      ),
    );
  } catch (thrown) {
    await releaseAll(dependencies);
    return recordFailure(deps, event, helpers, eventLog, coerceError(thrown), attempt);
  }
  await releaseAll(dependencies);
  const covered = await deps.runs.finish(event, outcome, attempt);
  deps.metrics?.eventFinished(kind, outcome.status, '', 1 + covered);
  eventLog.info({ status: outcome.status, ...(covered ? { covered } : {}) }, `event ${outcome.status}`);
  return undefined;
}

/** Releases what a flow left locked (each release is a no-op when already called). */
async function releaseAll(releases: (() => Promise<void>)[]): Promise<void> {
  await Promise.allSettled(releases.map((release) => release()));
}

async function recordFailure(
  deps: RunSyncTaskDeps,
  event: EventRow,
  helpers: JobHelpers,
  log: Logger,
  error: Error,
  attempt: AttemptFacts,
): Promise<Error | undefined> {
  const code = error instanceof SyncError ? error.code : 'unexpected';
  const message = `${error.name}: ${error.message}`;
  const kind = `${event.source}.${event.entity}`;
  const finish = (outcome: RunOutcome) => deps.runs.finish(event, outcome, attempt);
  if (error instanceof PermanentError) {
    const covered = await finish({ status: 'failed', errorCode: code, error: message });
    deps.metrics?.eventFinished(kind, 'failed', code, 1 + covered);
    log.error({ err: error, code }, 'event failed permanently');
    return undefined;
  }
  const { attempts, max_attempts: maxAttempts } = helpers.job;
  if (attempts < maxAttempts) {
    await finish({ status: 'retrying', errorCode: code, error: message });
    deps.metrics?.eventRetrying(kind, code);
    log.warn({ err: error, code, attempts, maxAttempts }, 'event failed; will retry');
    return error;
  }
  // A coalesced delivery whose job was superseded by a newer one of the same record is
  // settled by that newer run; it did not exhaust anything.
  if (event.dedupe === 'coalesce' && (await hasNewerCoalescedEvent(deps.db, event))) {
    await finish({ status: 'retrying', errorCode: code, error: message });
    deps.metrics?.eventRetrying(kind, code);
    log.warn({ err: error, code }, 'event failed; a newer delivery of the record will settle it');
    return undefined;
  }
  const covered = await finish({
    status: 'failed',
    errorCode: code,
    error: `${message} (gave up after ${attempts} attempts)`,
  });
  deps.metrics?.eventFinished(kind, 'failed', code, 1 + covered);
  log.error({ err: error, code, attempts }, 'event failed; retries exhausted');
  return undefined;
}
