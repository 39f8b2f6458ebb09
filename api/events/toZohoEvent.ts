import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  taskIdentifierFor,
  ZOHO_EVENT_TYPES,
  ZOHO_MODULES,
  zohoEventEnvelopeSchema,
  zohoPlainWebhookSchema,
  type ZohoEntity,
} from '../../shared/domain/events.ts';
import type { NewEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { recordKey } from '../../shared/domain/recordKey.ts';
import { describeZodIssues, HttpError } from '../httpError.ts';

/** The same rule as an envelope's `event_id`: it becomes one. */
const EVENT_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** `?event=` of a plain workflow webhook (also rendered in /openapi.json). */
export const zohoOperationQuerySchema = z.enum(ZOHO_EVENT_TYPES).default('updated');

export interface ZohoDelivery {
  entity: ZohoEntity;
  body: Record<string, unknown>;
  /** `?event=` of the URL, used by plain workflow webhooks. */
  eventQuery: unknown;
  /** `webhook-id` when the delivery was signed with Standard Webhooks. */
  webhookId: string | undefined;
}

/**
 * Turns a verified Zoho delivery into the event row to store (docs/design.md "Webhook
 * contract"). Two body shapes: the full envelope (Deluge function / signing sender)
 * and the plain workflow webhook `{zoho_id, module}` with the operation in `?event=`.
 * The idempotency key is, in order: the body's `event_id`, the `webhook-id`, module +
 * record + operation + `Modified_Time`; failing all three the delivery cannot be
 * deduplicated by content, so it gets a generated id and coalesces in the queue
 * instead (one waiting job per record).
 * @throws HttpError 400 naming the fields that are wrong.
 */
export function toZohoEvent(
  { entity, body, eventQuery, webhookId }: ZohoDelivery,
  generateId: () => string = randomUUID,
): NewEvent {
  const module = ZOHO_MODULES[entity];
  const isPlain = 'zoho_id' in body && !('record_id' in body);
  let recordId: string;
  let eventType: string;
  let explicitId: string | undefined;
  let modifiedTime: string | undefined;

  if (isPlain) {
    const plain = zohoPlainWebhookSchema.safeParse(body);
    if (!plain.success) throw invalid(plain.error.issues);
    const operation = zohoOperationQuerySchema.safeParse(eventQuery ?? undefined);
    if (!operation.success) {
      throw new HttpError(400, 'invalid_envelope', 'query parameter event must be created, updated or deleted');
    }
    assertModule(plain.data.module, module, entity);
    recordId = plain.data.zoho_id;
    eventType = operation.data;
    modifiedTime = plain.data.Modified_Time;
  } else {
    const envelope = zohoEventEnvelopeSchema.safeParse(body);
    if (!envelope.success) throw invalid(envelope.error.issues);
    assertModule(envelope.data.module, module, entity);
    recordId = envelope.data.record_id;
    eventType = envelope.data.event_type;
    explicitId = envelope.data.event_id;
  }

  const base = {
    source: 'zoho' as const,
    eventType,
    entity,
    module,
    recordId,
    taskIdentifier: taskIdentifierFor(`zoho.${entity}`),
    payload: body,
  };
  const senderId = explicitId ?? webhookId;
  if (senderId !== undefined && !EVENT_ID_PATTERN.test(senderId)) {
    throw new HttpError(400, 'invalid_envelope', 'webhook-id must be 1–200 printable characters without spaces', [
      { path: 'webhook-id', message: 'too long or not printable' },
    ]);
  }
  if (senderId) return { ...base, eventId: senderId, dedupe: 'event_id', jobKey: null };
  if (modifiedTime) {
    return { ...base, eventId: `${module}:${recordId}:${eventType}:${modifiedTime}`, dedupe: 'content', jobKey: null };
  }
  return { ...base, eventId: `gen:${generateId()}`, dedupe: 'coalesce', jobKey: recordKey('zoho', module, recordId) };
}

function assertModule(received: string, expected: string, entity: string): void {
  if (received !== expected) {
    throw new HttpError(400, 'invalid_envelope', `module must be ${expected} for /v1/events/zoho/${entity}`, [
      { path: 'module', message: `expected ${expected}` },
    ]);
  }
}

function invalid(issues: z.core.$ZodIssue[]): HttpError {
  return new HttpError(400, 'invalid_envelope', 'the event envelope is not valid', describeZodIssues(issues));
}
