import type { JobHelpers } from 'graphile-worker';
import type { Logger } from 'pino';
import type { DatabasePool, DatabasePoolConnection } from 'slonik';
import {
  enqueueEventJob,
  eventJobKey,
  FINAL_STATUSES,
  getEvent,
  hasNewerCoalescedEvent,
  jobPayloadSchema,
  markEventOutcome,
  markEventStarted,
  settleCoalescedEvents,
  type EventRow,
} from '../shared/db/queries/integrationEventsLog.ts';
import { coerceError, PermanentError, SyncError } from '../shared/domain/errors.ts';
import type { EventKind } from '../shared/domain/events.ts';
import type { Metrics } from '../shared/metrics/createMetrics.ts';
import type { HandlerRegistry, SyncClients, SyncOutcome } from './handlers/syncHandler.ts';
import { lockAnotherRecord, recordLockKey, withRecordLock } from './withRecordLock.ts';

export interface RunSyncTaskDeps {
  db: DatabasePool;
  log: Logger;
  handlers: HandlerRegistry;
  clients?: SyncClients;
  /** Delay before trying again when another job holds the same record (ms). */
  recordBusyDelayMs?: number;
  metrics?: Pick<Metrics, 'eventFinished' | 'eventRetrying'> | undefined;
}

/**
 * The body of every event task: assert the payload, load the event, hold its record,
 * run the handler and record the outcome on the event row.
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
  const log = deps.log.child({ jobId: job.id, task: job.task_identifier, eventLogId, attempt: job.attempts });
  const event = await getEvent(deps.db, eventLogId);
  if (!event) {
    log.error('event row not found (deleted by cleanup?); job dropped');
    return;
  }
  if (FINAL_STATUSES.includes(event.status)) {
    log.info({ status: event.status }, 'event already settled; nothing to do');
    return;
  }

  const locked = await withRecordLock(deps.db, recordLockKey(event), (connection) =>
    runLocked({ ...deps, connection }, kind, event, helpers, log),
  );
  if (!locked.acquired) {
    // Another job is applying this record. Come back shortly, without spending an attempt,
    // and ahead of fresh jobs (priority -1) so that a record's events keep roughly the
    // order they came in when they pile up.
    const runAt = new Date(Date.now() + (deps.recordBusyDelayMs ?? 1000));
    await enqueueEventJob(deps.db, { id: event.id, taskIdentifier: job.task_identifier }, {
      runAt,
      jobKey: job.key ?? eventJobKey(event.id),
      priority: -1,
    });
    log.debug({ runAt }, 'record busy; job re-scheduled');
  }
}

/** While the record is locked, every write goes through the lock's own connection. */
type LockedDeps = RunSyncTaskDeps & { connection: DatabasePoolConnection };

async function runLocked(
  deps: LockedDeps,
  kind: EventKind,
  event: EventRow,
  helpers: JobHelpers,
  log: Logger,
): Promise<void> {
  const startedAt = await markEventStarted(deps.connection, event.id);
  if (!startedAt) {
    log.info('event settled while waiting; nothing to do');
    return;
  }
  const eventLog = log.child({ eventId: event.event_id, source: event.source, entity: event.entity, recordId: event.record_id });
  let outcome: SyncOutcome;
  try {
    const handler = deps.handlers[kind];
    if (!handler) throw new PermanentError('handler.missing', `no handler for ${kind} events in this version`);
    outcome = await handler(
      {
        db: deps.db,
        log: eventLog,
        clients: deps.clients ?? {},
        attempt: helpers.job.attempts,
        signal: helpers.abortSignal ?? new AbortController().signal,
        lockRecord: (key) => lockAnotherRecord(deps.connection, key),
      },
      event,
    );
  } catch (thrown) {
    await recordFailure(deps, event, startedAt, helpers, eventLog, coerceError(thrown));
    return;
  }
  await markEventOutcome(deps.connection, event.id, outcome);
  const covered = event.dedupe === 'coalesce' ? await settleCoalescedEvents(deps.connection, event, startedAt, outcome) : 0;
  deps.metrics?.eventFinished(kind, outcome.status, '', 1 + covered);
  eventLog.info({ status: outcome.status, ...(covered ? { covered } : {}) }, `event ${outcome.status}`);
}

async function recordFailure(
  deps: LockedDeps,
  event: EventRow,
  startedAt: Date,
  helpers: JobHelpers,
  log: Logger,
  error: Error,
): Promise<void> {
  const code = error instanceof SyncError ? error.code : 'unexpected';
  const message = `${error.name}: ${error.message}`;
  const kind = `${event.source}.${event.entity}`;
  if (error instanceof PermanentError) {
    await markEventOutcome(deps.connection, event.id, { status: 'failed', errorCode: code, error: message });
    const covered = event.dedupe === 'coalesce' ? await settleCoalescedEvents(deps.connection, event, startedAt, { status: 'failed', lastError: message }) : 0;
    deps.metrics?.eventFinished(kind, 'failed', code, 1 + covered);
    log.error({ err: error, code }, 'event failed permanently');
    return;
  }
  const { attempts, max_attempts: maxAttempts } = helpers.job;
  if (attempts < maxAttempts) {
    await markEventOutcome(deps.connection, event.id, { status: 'retrying', errorCode: code, error: message });
    deps.metrics?.eventRetrying(kind, code);
    log.warn({ err: error, code, attempts, maxAttempts }, 'event failed; will retry');
    throw error;
  }
  // A coalesced delivery whose job was superseded by a newer one of the same record is
  // settled by that newer run; it did not exhaust anything.
  if (event.dedupe === 'coalesce' && (await hasNewerCoalescedEvent(deps.connection, event))) {
    await markEventOutcome(deps.connection, event.id, { status: 'retrying', errorCode: code, error: message });
    deps.metrics?.eventRetrying(kind, code);
    log.warn({ err: error, code }, 'event failed; a newer delivery of the record will settle it');
    return;
  }
  await markEventOutcome(deps.connection, event.id, {
    status: 'failed',
    errorCode: code,
    error: `${message} (gave up after ${attempts} attempts)`,
  });
  deps.metrics?.eventFinished(kind, 'failed', code);
  log.error({ err: error, code, attempts }, 'event failed; retries exhausted');
}
