import { ZOHO_MODULES, isZohoEntity, taskIdentifierFor, type EventKind } from './events.ts';

/** An event the service queues itself: a follow-up of a run, the nightly rules, bin/sync, reconciliation. */
export interface InternalEventSpec {
  kind: EventKind;
  /** Unique per cause (it includes the causing event's id, or the rule, key and day): queuing it twice records it once. */
  eventId: string;
  eventType?: string;
  recordId: string;
  /** The Zoho module for Moodle kinds (Zoho kinds take their entity's module). */
  module?: string;
  payload: Record<string, unknown>;
}

/** The row `recordWebhookEvent` stores for it (shared/db/queries/integrationEventsLog.ts `NewEvent`). */
export interface InternalEventRow {
  source: 'zoho' | 'moodle';
  eventId: string;
  eventType: string;
  entity: string;
  module: string;
  recordId: string;
  dedupe: 'event_id';
  taskIdentifier: string;
  payload: Record<string, unknown>;
  jobKey: null;
}

/**
 * The one way to build an internal event: source, entity, module and task come from its kind;
 * it is deduplicated by its id (never coalesced), so a retried run queues nothing twice.
 */
export function internalEvent(spec: InternalEventSpec): InternalEventRow {
  const [source, entity] = spec.kind.split('.') as ['zoho' | 'moodle', string];
  const module = spec.module ?? (isZohoEntity(entity) ? ZOHO_MODULES[entity] : undefined);
  if (!module) throw new Error(`internalEvent: a ${spec.kind} event needs its module`);
  return {
    source,
    eventId: spec.eventId,
    eventType: spec.eventType ?? 'updated',
    entity,
    module,
    recordId: spec.recordId,
    dedupe: 'event_id',
    taskIdentifier: taskIdentifierFor(spec.kind),
    payload: spec.payload,
    jobKey: null,
  };
}
