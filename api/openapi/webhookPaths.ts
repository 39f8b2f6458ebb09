import { z } from 'zod';
import type { ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import {
  MOODLE_ENTITIES,
  moodleEventEnvelopeSchema,
  ZOHO_ENTITIES,
  ZOHO_MODULES,
  zohoEventEnvelopeSchema,
  zohoPlainWebhookSchema,
} from '../../shared/domain/events.ts';
import { NOTIFY_PATH, zohoNotificationSchema } from '../../shared/domain/zoho/zohoNotifications.ts';
import { zohoOperationQuerySchema } from '../events/toZohoEvent.ts';
import { WEBHOOK_TIMESTAMP_PATTERN } from '../verify/standardWebhook.ts';
import {
  errorResponse,
  eventAcceptedSchema,
  eventDuplicateSchema,
  notificationAcceptedSchema,
  pingSchema,
} from './responseSchemas.ts';

/** The Standard Webhooks headers (api/verify/standardWebhook.ts checks them; the signature covers the raw body). */
const signatureHeaders = z.object({
  'webhook-id': z
    .string()
    .min(1)
    .meta({
      description:
        'The delivery id, the same on every retry of one delivery: the idempotency key unless the body has its own event_id.',
      examples: ['msg_2mQxV0b1'],
    }),
  'webhook-timestamp': z
    .string()
    .regex(WEBHOOK_TIMESTAMP_PATTERN)
    .meta({
      description: "Unix seconds; more than 5 minutes off the server's clock is refused (401).",
      examples: ['1790000000'],
    }),
  'webhook-signature': z
    .string()
    .min(1)
    .meta({
      description:
        'Space-separated `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">` entries; any one matching is enough (key rotation).',
      examples: ['v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='],
    }),
});

/** Example bodies: the test posts them signed, so they stay valid. */
const ZOHO_ENVELOPE_EXAMPLE = {
  event_id: 'BTEC_Students:5725767000003000064:updated:2026-12-03T19:10:00+00:00',
  event_type: 'updated',
  module: ZOHO_MODULES.student,
  record_id: '5725767000003000064',
} as const;
const MOODLE_ENVELOPE_EXAMPLE = {
  event_id: '6c1e0d7e-0000-4000-8000-000000000001',
  event_type: '\\mod_assign\\event\\submission_graded',
  entity_type: 'assign_grades',
  entity_id: 77,
  user_id: 5,
  course_id: 9,
  timestamp: 1_790_000_000,
  data: { grade: '3.00000' },
} as const;

/** What every event route answers. */
function eventResponses(unauthorized: string): ZodOpenApiResponsesObject {
  return {
    202: {
      description: 'Stored with its job (sent only after the commit).',
      content: { 'application/json': { schema: eventAcceptedSchema } },
    },
    200: {
      description: 'A duplicate: this idempotency key was stored before; no second job.',
      content: { 'application/json': { schema: eventDuplicateSchema } },
    },
    400: errorResponse(
      'Not valid UTF-8 JSON (or form data), not an object, or the envelope is wrong (`issues` names the paths).',
    ),
    401: errorResponse(unauthorized),
    404: errorResponse('Unknown entity in the path.'),
    413: errorResponse('Body larger than WEBHOOK_BODY_LIMIT_BYTES (256 KiB by default).'),
    415: errorResponse('Wrong Content-Type, or a compressed body.'),
    503: errorResponse('The database is unavailable: nothing was stored; retry later.'),
  };
}

/** `POST /v1/events/zoho/{entity}`, the Zoho notification callbacks, `POST /v1/events/moodle/{entity}` and `POST /v1/ping/moodle`. */
export const webhookPaths: ZodOpenApiPathsObject = {
  '/v1/events/zoho/{entity}': {
    post: {
      operationId: 'postZohoEvent',
      tags: ['webhooks'],
      summary: 'A change of a Zoho CRM record (a Deluge function, or a plain workflow webhook)',
      description:
        "Signed with Standard Webhooks (the recommended Deluge function), or, only when ZOHO_WEBHOOK_TOKEN is set, a plain workflow webhook with `Authorization: Bearer <token>` and the body `{zoho_id, module}` (JSON or form data). A request carrying `webhook-signature` is always checked as signed. The body's `module` must be the module of the entity. Only the record id is used: the worker fetches the record from Zoho.",
      security: [{ standardWebhooks: [] }, { zohoToken: [] }],
      requestParams: {
        path: z.object({
          entity: z.enum(ZOHO_ENTITIES).meta({
            description: `Zoho entity: ${Object.entries(ZOHO_MODULES)
              .map(([entity, module]) => `${entity} (${module})`)
              .join(', ')}.`,
          }),
        }),
        query: z.object({
          event: zohoOperationQuerySchema.meta({
            description: 'The operation, for a plain workflow webhook (its body has none).',
          }),
        }),
        header: signatureHeaders.partial(),
      },
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: z.union([zohoEventEnvelopeSchema, zohoPlainWebhookSchema]),
            examples: {
              signed: { summary: "What the README's Deluge function sends", value: ZOHO_ENVELOPE_EXAMPLE },
              plain: {
                summary: 'A plain workflow webhook (token mode)',
                value: {
                  zoho_id: '5725767000003000064',
                  module: ZOHO_MODULES.student,
                  Modified_Time: '2026-12-03T19:25:00+00:00',
                },
              },
            },
          },
          'application/x-www-form-urlencoded': { schema: zohoPlainWebhookSchema },
        },
      },
      responses: eventResponses('Signature missing, expired or wrong, or bearer token missing or wrong.'),
    },
  },
  [NOTIFY_PATH]: {
    post: {
      operationId: 'postZohoNotification',
      tags: ['webhooks'],
      summary: 'A Zoho Notifications API callback (channels made by `bin/zoho connect`)',
      description:
        "Unsigned: the proof is the channel's `token` in the body, checked against the stored digest before anything is written, so no HTTP-level security applies. One event per record id, all in one transaction.",
      security: [],
      requestBody: { required: true, content: { 'application/json': { schema: zohoNotificationSchema } } },
      responses: {
        202: {
          description: "At least one record's event stored (after the commit).",
          content: { 'application/json': { schema: notificationAcceptedSchema } },
        },
        200: {
          description: "Every record's event was stored before.",
          content: { 'application/json': { schema: notificationAcceptedSchema } },
        },
        400: errorResponse('Not JSON, or not a valid notification, or a module the channel does not watch.'),
        401: errorResponse('Unknown channel, wrong token, or an expired channel.'),
        413: errorResponse('Body larger than WEBHOOK_BODY_LIMIT_BYTES.'),
        415: errorResponse('Content-Type is not JSON.'),
        503: errorResponse('The database is unavailable: nothing was stored.'),
      },
    },
  },
  '/v1/events/moodle/{entity}': {
    post: {
      operationId: 'postMoodleEvent',
      tags: ['webhooks'],
      summary: 'A Moodle event, sent by the local_zohosync plugin',
      security: [{ standardWebhooks: [] }],
      requestParams: {
        path: z.object({ entity: z.enum(MOODLE_ENTITIES).meta({ description: 'Moodle entity.' }) }),
        header: signatureHeaders,
      },
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: moodleEventEnvelopeSchema,
            examples: { grade: { summary: 'A graded assignment', value: MOODLE_ENVELOPE_EXAMPLE } },
          },
        },
      },
      responses: eventResponses('Signature missing, expired or wrong (signed with MOODLE_WEBHOOK_SECRET).'),
    },
  },
  '/v1/ping/moodle': {
    post: {
      operationId: 'pingMoodle',
      tags: ['webhooks'],
      summary: 'The plugin\'s "Test connection": checks the signature, stores nothing',
      security: [{ standardWebhooks: [] }],
      requestParams: { header: signatureHeaders },
      requestBody: {
        required: true,
        content: { 'application/json': { schema: {}, examples: { empty: { value: {} } } } },
      },
      responses: {
        200: {
          description: 'URL, reachability and secret are right.',
          content: { 'application/json': { schema: pingSchema } },
        },
        401: errorResponse("Signature missing, expired or wrong: the plugin's secret must be MOODLE_WEBHOOK_SECRET."),
        413: errorResponse('Body too large.'),
        415: errorResponse('Content-Type is not JSON.'),
      },
    },
  },
};
