import { taskIdentifierFor, moodleEventEnvelopeSchema, type MoodleEntity } from '../../shared/domain/events.ts';
import type { NewEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { describeZodIssues, HttpError } from '../httpError.ts';

/**
 * Turns a verified Moodle plugin delivery into the event row to store. The plugin's
 * `event_id` is its delivery id, the same on every retry: the idempotency key.
 * @throws HttpError 400 naming the fields that are wrong.
 */
export function toMoodleEvent(entity: MoodleEntity, body: Record<string, unknown>): NewEvent {
  const parsed = moodleEventEnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(
      400,
      'invalid_envelope',
      'the event envelope is not valid',
      describeZodIssues(parsed.error.issues),
    );
  }
  const envelope = parsed.data;
  return {
    source: 'moodle',
    eventId: envelope.event_id,
    eventType: envelope.event_type,
    entity,
    module: envelope.entity_type,
    recordId: String(envelope.entity_id),
    dedupe: 'event_id',
    taskIdentifier: taskIdentifierFor(`moodle.${entity}`),
    payload: body,
    jobKey: null,
  };
}
