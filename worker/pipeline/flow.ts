import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { ZodType } from 'zod';
import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import type { EventKind } from '../../shared/domain/events.ts';
import type { FlowGate } from '../../shared/domain/sync/flowGate.ts';
import type { EntityResult, SyncPlan } from '../../shared/domain/sync/syncPlan.ts';

/** What a flow's `read` may use: the clients and the database (through shared/db queries), never to write. */
export interface FlowIO {
  db: DatabasePool;
  log: Logger;
  zoho: ZohoClient;
  /** Throws Moodle's configuration error when used without MOODLE_URL / MOODLE_TOKEN. */
  moodle: MoodleClient;
  settings: SyncSettings;
  event: EventRow;
  /**
   * A verify run (bin/sync --check, --repair): links' fingerprints are not trusted (`linkToTrust`),
   * so flows compare the record with what Moodle has now, and find what was changed by hand there.
   */
  verify: boolean;
  /**
   * Another record this one needs first (a class's program and teacher, an enrolment's class
   * and student): its own flow runs now, under that record's lock, and this gives its result
   * (in a dry run, its plan's result: a record it would create has no id). Dependencies only
   * point one way (enrolment → class → program / teacher), so two runs never wait in a circle.
   */
  ensure(kind: EventKind, recordId: string): Promise<EntityResult>;
}

/** What a flow works on: the event's record id, and for Moodle events the plugin's data, validated. */
export interface FlowSubject<D> {
  recordId: string;
  data: D;
}

/**
 * One sync flow, declared (docs/pipeline.md): which settings gate it, how to read the state of
 * one record, and how to plan from that state (pure). The runner (runFlow) does the rest for
 * every flow: gating, locks, dry run, applying the plan (applySteps), recording the outcome.
 */
export interface Flow<S = unknown, D = unknown> {
  kind: EventKind;
  gate: FlowGate;
  /** Moodle events: where the flow's data is in the payload (the plugin's envelope, or the payload itself for events we queue). */
  data?: { schema: ZodType<D>; in: 'envelope' | 'payload' };
  /**
   * Another record key to hold while this flow runs, besides the event's own (which the worker
   * holds): a grade's composite key, since each new attempt is another assign_grades row (another
   * event record) of the same Zoho grade. Null: none.
   */
  lock?(subject: FlowSubject<D>): string | null;
  read(io: FlowIO, subject: FlowSubject<D>): Promise<S>;
  plan(state: S, settings: SyncSettings): SyncPlan;
}

/** The flow of an event: most kinds have one; `moodle.grade` has two (a grade, a nightly BTEC rule). */
export type FlowRegistry = Record<EventKind, Flow<never, never> | ((event: EventRow) => Flow<never, never>)>;

/** Declares a flow with its state and data types checked against each other. */
export function defineFlow<S, D = undefined>(flow: Flow<S, D>): Flow<never, never> {
  return flow as unknown as Flow<never, never>;
}

/**
 * A link as the flow may trust it. A link's fingerprint says what the flow last wrote; in a
 * verify run it is dropped, so the flow reads Moodle and plans against what is there now (a
 * course renamed or an account unsuspended by hand is drift to report or repair).
 */
export function linkToTrust<L extends { fingerprint: string | null }>(
  io: Pick<FlowIO, 'verify'>,
  link: L | null,
): L | null {
  return link && io.verify ? { ...link, fingerprint: null } : link;
}
