import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createDocument, type oas32, type ZodOpenApiPathsObject } from 'zod-openapi';
import { settingChangeSchema } from '../../shared/db/queries/appSettings.ts';
import { ALL_SETTING_SCHEMAS } from '../../shared/domain/settings/syncSettings.ts';
import { eventRowSchema } from '../../shared/db/queries/integrationEventsLog.ts';
import {
  moodleEventEnvelopeSchema,
  zohoEventEnvelopeSchema,
  zohoPlainWebhookSchema,
} from '../../shared/domain/events.ts';
import { adminPaths } from './adminPaths.ts';
import {
  errorResponseSchema,
  healthSchema,
  queueStatusSchema,
  readinessSchema,
  settingChangeResultSchema,
  settingRowSchema,
} from './responseSchemas.ts';
import { webhookPaths } from './webhookPaths.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const DESCRIPTION = `The ingress of the Moodle ↔ Zoho CRM sync: it verifies webhooks, stores each event with its job in PostgreSQL and answers at once; a separate worker does the syncing.

Every answer carries \`x-request-id\` (the request's, when it sent a safe one). Errors are JSON \`{status: "error", error, message, issues?}\`. The admin API exists only when ADMIN_TOKEN is set and GET /metrics only when METRICS_TOKEN is set (otherwise their paths answer 404); the Zoho bearer-token mode only when ZOHO_WEBHOOK_TOKEN is set. This document is the same on every installation: it holds no configuration and no secret.`;

const healthPaths: ZodOpenApiPathsObject = {
  '/health': {
    get: {
      operationId: 'getHealth',
      tags: ['health'],
      summary: 'The process is up (no database check)',
      security: [],
      responses: { 200: { description: 'Up.', content: { 'application/json': { schema: healthSchema } } } },
    },
  },
  '/health/ready': {
    get: {
      operationId: 'getReadiness',
      tags: ['health'],
      summary: "Database reachable and every migration applied; Moodle's state reported, not counted",
      security: [],
      responses: {
        200: { description: 'Ready.', content: { 'application/json': { schema: readinessSchema } } },
        503: {
          description: 'Not ready: the database is unreachable or migrations are pending.',
          content: { 'application/json': { schema: readinessSchema } },
        },
      },
    },
  },
};

const metaPaths: ZodOpenApiPathsObject = {
  '/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['meta'],
      summary: 'This document',
      security: [],
      responses: {
        200: {
          description: 'OpenAPI 3.1.',
          content: { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document.' } } },
        },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      tags: ['meta'],
      summary: 'Prometheus metrics (only when METRICS_TOKEN is set)',
      description:
        'Mounted only when METRICS_TOKEN is set (otherwise 404); each scrape reads the queue from the database.',
      security: [{ metricsToken: [] }],
      responses: {
        200: {
          description: 'The Prometheus text exposition format.',
          content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
        },
        401: {
          description: '`Authorization: Bearer <METRICS_TOKEN>` missing or wrong.',
          content: { 'application/json': { schema: errorResponseSchema } },
        },
      },
    },
  },
};

/**
 * The OpenAPI 3.1 description of every route createApp serves, generated from the zod
 * schemas the routes validate with (and the response schemas in responseSchemas.ts).
 * Build it once at startup: zod-openapi walks every schema.
 */
export function createOpenApiDocument(): oas32.OpenAPIObject {
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'moodle-zoho-sync ingress',
        version,
        description: DESCRIPTION,
        license: { name: 'GPL-3.0-or-later', identifier: 'GPL-3.0-or-later' },
      },
      // Relative: the document is served by the ingress it describes, behind whatever host name.
      servers: [{ url: '/', description: 'The ingress that served this document' }],
      tags: [
        { name: 'webhooks', description: 'Deliveries from Zoho CRM and the Moodle plugin' },
        { name: 'health', description: 'For load balancers and uptime monitors' },
        { name: 'admin', description: 'Monitoring and settings; only with ADMIN_TOKEN set' },
        { name: 'meta', description: 'This document and the metrics' },
      ],
      paths: { ...webhookPaths, ...healthPaths, ...adminPaths, ...metaPaths },
      components: {
        // Named here so every use renders as a $ref to one definition.
        schemas: {
          ZohoEventEnvelope: zohoEventEnvelopeSchema,
          ZohoPlainWebhook: zohoPlainWebhookSchema,
          MoodleEventEnvelope: moodleEventEnvelopeSchema,
          Error: errorResponseSchema,
          Readiness: readinessSchema,
          QueueStatus: queueStatusSchema,
          SettingRow: settingRowSchema,
          SettingChangeResult: settingChangeResultSchema,
          EventRow: eventRowSchema,
          SettingChange: settingChangeSchema,
          SettingValues: z.object(ALL_SETTING_SCHEMAS).partial().meta({
            unusedIO: 'input',
            description:
              'Each setting key with the schema its value must match in PUT /v1/admin/settings/{key} (as bin/settings checks it).',
          }),
        },
        securitySchemes: {
          standardWebhooks: {
            type: 'apiKey',
            in: 'header',
            name: 'webhook-signature',
            description:
              'Standard Webhooks (https://www.standardwebhooks.com): `webhook-signature` holds `v1,<base64 HMAC-SHA256>` over `<webhook-id>.<webhook-timestamp>.<raw body>` keyed with the decoded whsec_ secret (ZOHO_WEBHOOK_SECRET for Zoho, MOODLE_WEBHOOK_SECRET for Moodle), together with the webhook-id and webhook-timestamp headers; ±5 minutes.',
          },
          zohoToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'ZOHO_WEBHOOK_TOKEN, for plain Zoho workflow webhooks; accepted only when it is set. No replay protection.',
          },
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'ADMIN_TOKEN; the admin API is mounted only when it is set.',
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'METRICS_TOKEN, for Prometheus; GET /metrics is mounted only when it is set.',
          },
        },
      },
    },
    {
      // Rows are read with z.coerce.date(); res.json sends them as ISO strings.
      override: ({ jsonSchema, zodSchema, io }) => {
        if (zodSchema._zod.def.type === 'date' && io === 'output') {
          jsonSchema.type = 'string';
          jsonSchema.format = 'date-time';
        }
      },
    },
  );
}
