import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import {
  eventRowSchema,
  recordWebhookEvent,
  type EventRow,
  type NewEvent,
} from '../../shared/db/queries/integrationEventsLog.ts';

/** Stores an event with its job, as the ingress does. @returns the row id. */
export async function addTestEvent(db: DatabasePool, overrides: Partial<NewEvent> = {}): Promise<number> {
  const event: NewEvent = {
    source: 'zoho',
    eventId: randomUUID(),
    eventType: 'updated',
    entity: 'student',
    module: 'BTEC_Students',
    recordId: String(Math.floor(Math.random() * 1e12)),
    dedupe: 'event_id',
    taskIdentifier: 'zoho_student',
    payload: {},
    jobKey: null,
    ...overrides,
  };
  const id = await recordWebhookEvent(db, event);
  if (id === null) throw new Error('test event was a duplicate');
  return id;
}

export async function eventById(db: DatabasePool, id: number): Promise<EventRow> {
  return db.one(sql.type(eventRowSchema)`select * from integration_events_log where id = ${id}`);
}
