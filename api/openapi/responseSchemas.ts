import { z } from 'zod';
import type { ZodOpenApiResponseObject } from 'zod-openapi';
import { SETTING_KEYS } from '../../shared/domain/settings/syncSettings.ts';
import { EVENT_STATUSES } from '../../shared/db/queries/integrationEventsLog.ts';

/**
 * What the ingress answers, as zod schemas: the routes build these bodies by hand (no parse
 * on the hot path), so the schemas live here once, render into /openapi.json, and
 * tests/api/openapi.test.ts parses real answers with them to keep both in step.
 */

/** Every refusal and failure (api/app.ts errorHandler, api/httpError.ts). */
export const errorResponseSchema = z.object({
  status: z.literal('error'),
  error: z.string().meta({
    description:
      'A stable code: invalid_signature, invalid_token, invalid_envelope, invalid_json, invalid_body, invalid_query, unknown_entity, unsupported_media_type, payload_too_large, not_found, setting_invalid, setting_unknown_key, unavailable, …',
    examples: ['invalid_envelope'],
  }),
  message: z.string().meta({ description: 'For people; do not match on it.' }),
  issues: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .meta({ description: 'What is wrong where (paths and reasons, never the received values).' }),
});

/** `202`: stored with its job, after the commit. */
export const eventAcceptedSchema = z.object({
  status: z.literal('accepted'),
  event_id: z.string().meta({ description: 'The idempotency key the event was stored under.' }),
});
/** `200`: that idempotency key was seen before; no second job. */
export const eventDuplicateSchema = z.object({ status: z.literal('duplicate'), event_id: z.string() });

/** A Zoho notification callback: one event per record id. */
export const notificationAcceptedSchema = z.object({
  status: z.enum(['accepted', 'duplicate']),
  accepted: z.number().int().meta({ description: 'Events stored now.' }),
  duplicates: z.number().int().meta({ description: 'Events stored before (no second job).' }),
});

export const healthSchema = z.object({ status: z.literal('ok') });

/** shared/clients/moodle/createMoodleHealthCheck.ts, or `not_configured` without MOODLE_URL. */
const moodleHealthSchema = z.union([
  z.object({
    state: z.literal('ok'),
    site: z.string(),
    release: z.string().optional(),
    missingFunctions: z.array(z.string()),
  }),
  z.object({ state: z.enum(['unreachable', 'misconfigured', 'error']), code: z.string(), message: z.string() }),
  z.object({ state: z.literal('not_configured') }),
]);

/** shared/db/checkReadiness.ts plus Moodle's state (reported, not counted). */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  database: z.enum(['ok', 'unreachable']),
  migrations: z.enum(['ok', 'pending', 'unknown']),
  pending: z.array(z.string()).optional().meta({ description: 'Migrations not applied yet.' }),
  moodle: moodleHealthSchema,
});

/** The Moodle plugin's "Test connection". */
export const pingSchema = z.object({ status: z.literal('ok'), service: z.string(), version: z.string() });

const timestamp = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });
const countsByStatus = z.object(Object.fromEntries(EVENT_STATUSES.map((status) => [status, z.number().int()])));

/** `getQueueStatus` (shared/db/queries/eventOperations.ts), as `bin/jobs status` shows it. */
export const queueStatusSchema = z.object({
  events: countsByStatus,
  last24h: countsByStatus,
  oldestWaitingAt: timestamp.nullable(),
  jobs: z.object({ waiting: z.number().int(), running: z.number().int(), failed: z.number().int() }),
  workers: z.array(
    z.object({ workerId: z.string(), hostname: z.string(), pid: z.number().int(), lastSeenAt: timestamp }),
  ),
});

/** `listSettings` (shared/db/queries/appSettings.ts): the stored value, or the default. */
export const settingRowSchema = z.object({
  key: z.enum(SETTING_KEYS),
  value: z.unknown().meta({ description: "The value, of the key's schema in components.schemas.SettingValues." }),
  isDefault: z.boolean(),
  description: z.string(),
  updatedAt: timestamp.nullable(),
  updatedBy: z.string().nullable(),
});

/** `changeSetting` / `resetSetting`: `before` is absent when no row held the key. */
export const settingChangeResultSchema = z.object({
  key: z.enum(SETTING_KEYS),
  before: z.unknown().optional(),
  after: z.unknown(),
  changed: z
    .boolean()
    .meta({ description: 'false when the value equalled the stored one (nothing written or recorded).' }),
});

/** A response of `errorResponseSchema` with what causes it here. */
export function errorResponse(description: string): ZodOpenApiResponseObject {
  return { description, content: { 'application/json': { schema: errorResponseSchema } } };
}
