import type { Response } from 'express';
import type { Logger } from 'pino';
import type { NewEvent } from '../../shared/db/queries/integrationEventsLog.ts';

/** Stores an event with its job (the ingress's group commit); resolves after the commit. */
export type StoreEvent = (event: NewEvent) => Promise<number | null>;

/**
 * Stores the event with its job and answers: 202 only after the commit, 200 for a
 * duplicate (no second job). A database failure propagates to the error handler (503).
 */
export async function acceptEvent(store: StoreEvent, log: Logger, res: Response, event: NewEvent): Promise<void> {
  const id = await store(event);
  const fields = { source: event.source, entity: event.entity, eventId: event.eventId, recordId: event.recordId };
  if (id === null) {
    log.info(fields, 'duplicate event acknowledged');
    res.status(200).json({ status: 'duplicate', event_id: event.eventId });
    return;
  }
  log.info({ ...fields, eventLogId: id, dedupe: event.dedupe }, 'event accepted');
  res.status(202).json({ status: 'accepted', event_id: event.eventId });
}
