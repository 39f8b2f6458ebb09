import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { settingChangeSchema } from '../../shared/db/queries/appSettings.ts';
import { SETTING_KEYS } from '../../shared/domain/settings/syncSettings.ts';
import { eventRowSchema } from '../../shared/db/queries/integrationEventsLog.ts';
import { eventListQuerySchema, settingBodySchema, settingHistoryQuerySchema } from '../routes/admin.ts';
import { errorResponse, queueStatusSchema, settingChangeResultSchema, settingRowSchema } from './responseSchemas.ts';

const settingKeyPath = z.object({
  key: z.enum(SETTING_KEYS).meta({ description: 'A setting key (README "Configuration"); any other answers 404.' }),
});

/** Common to every admin operation: the token, and the tag. */
function adminOperation(
  operation: Omit<ZodOpenApiOperationObject, 'responses'> & { responses: ZodOpenApiResponsesObject },
): ZodOpenApiOperationObject {
  return {
    tags: ['admin'],
    security: [{ adminToken: [] }],
    ...operation,
    responses: {
      ...operation.responses,
      401: errorResponse('`Authorization: Bearer <ADMIN_TOKEN>` missing or wrong.'),
      503: errorResponse('The database is unavailable.'),
    },
  };
}

const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

/** The admin API (api/routes/admin.ts): mounted only when ADMIN_TOKEN is set; 404 for every path otherwise. */
export const adminPaths: ZodOpenApiPathsObject = {
  '/v1/admin/status': {
    get: adminOperation({
      operationId: 'getQueueStatus',
      summary: 'Event counts by status (all, last 24 h), the queue and the live workers: `bin/jobs status`',
      responses: { 200: json('The numbers.', queueStatusSchema) },
    }),
  },
  '/v1/admin/events': {
    get: adminOperation({
      operationId: 'listEvents',
      summary: 'Events, newest first: `bin/jobs list`',
      requestParams: { query: eventListQuerySchema },
      responses: {
        200: json('Rows of integration_events_log.', z.array(eventRowSchema)),
        400: errorResponse('A query parameter is not valid (`issues` names it).'),
      },
    }),
  },
  '/v1/admin/settings': {
    get: adminOperation({
      operationId: 'listSettings',
      summary: 'Every setting: its value (or default) and who changed it last',
      responses: { 200: json('One row per key.', z.array(settingRowSchema)) },
    }),
  },
  '/v1/admin/settings-history': {
    get: adminOperation({
      operationId: 'listSettingHistory',
      summary: 'The recorded setting changes, newest first',
      requestParams: { query: settingHistoryQuerySchema },
      responses: {
        200: json('Rows of app_settings_history.', z.array(settingChangeSchema)),
        400: errorResponse('A query parameter is not valid.'),
        404: errorResponse('Unknown key.'),
      },
    }),
  },
  '/v1/admin/settings/{key}': {
    get: adminOperation({
      operationId: 'getSetting',
      summary: 'One setting',
      requestParams: { path: settingKeyPath },
      responses: { 200: json('The setting.', settingRowSchema), 404: errorResponse('Unknown key.') },
    }),
    put: adminOperation({
      operationId: 'changeSetting',
      summary: 'Change a setting (validated with the worker\'s schema; recorded as "admin API")',
      requestParams: { path: settingKeyPath },
      requestBody: {
        required: true,
        description:
          'JSON `{"value": …}`; the value must match the key\'s schema in components.schemas.SettingValues (any Content-Type is read as JSON).',
        content: {
          'application/json': {
            schema: settingBodySchema,
            examples: {
              'sync.reconcile': {
                summary: 'For the key sync.reconcile',
                value: { value: { enabled: false, since_hours: 48 } },
              },
            },
          },
        },
      },
      responses: {
        200: json('The value before and after.', settingChangeResultSchema),
        400: errorResponse(
          "Not JSON, no `value`, or a value the key's schema refuses (the reason in `message`); nothing is written.",
        ),
        404: errorResponse('Unknown key.'),
        413: errorResponse('Body larger than 64 KiB.'),
      },
    }),
  },
  '/v1/admin/settings/{key}/reset': {
    post: adminOperation({
      operationId: 'resetSetting',
      summary: 'Set a key back to its default (recorded like any change)',
      requestParams: { path: settingKeyPath },
      responses: {
        200: json('The value before and after.', settingChangeResultSchema),
        404: errorResponse('Unknown key.'),
      },
    }),
  },
};
