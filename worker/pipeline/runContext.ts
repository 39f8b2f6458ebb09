import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import type { EventKind } from '../../shared/domain/events.ts';
import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';

/** Present when configured (MOODLE_URL / MOODLE_TOKEN, …). */
export interface SyncClients {
  moodle?: MoodleClient;
  zoho?: ZohoClient;
}

/** What the runner of an event gets besides the event: its I/O, and how to stop early. */
export interface RunContext {
  db: DatabasePool;
  log: Logger;
  /** The external systems; a flow that needs one that is not configured fails with a configuration error. */
  clients: SyncClients;
  /** 1-based attempt of this event's job. */
  attempt: number;
  /** Aborted when the worker is shutting down forcefully. */
  signal: AbortSignal;
  /**
   * Holds another record's lock (a key of shared/domain/recordKey.ts) while the flow syncs that
   * record as a dependency, so it never applies twice at once with that record's own event.
   * Waits a few seconds for it; returns the release function.
   * @throws RetryableError `dependency.busy` when the record stays busy.
   */
  lockRecord: (key: string) => Promise<() => Promise<void>>;
  /**
   * Kinds whose every record this run syncs itself (a bulk run of whole modules, in dependency
   * order): a step that would queue follow-up events for records of these kinds queues none.
   */
  covers?: ReadonlySet<EventKind>;
}

/** What a run did; stored in `integration_events_log.result`. Failures are thrown, not returned. */
export type SyncOutcome =
  | { status: 'completed'; result: Record<string, unknown> }
  | { status: 'skipped'; result: Record<string, unknown> & { reason: string } };

/**
 * What runs one event: `runFlow` with the registry of worker/flows, or a stand-in given by a
 * test or a benchmark (`RunSyncTaskDeps.standIns`).
 * @throws RetryableError for transient trouble, PermanentError for what will never work.
 */
export type EventRunner = (ctx: RunContext, event: EventRow) => Promise<SyncOutcome>;

/** Stand-in runners by event kind, in place of the flows (tests and benchmarks only). */
export type StandInRunners = Partial<Record<EventKind, EventRunner>>;
