import express, { Router } from 'express';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { getQueueStatus, listEvents } from '../../shared/db/queries/eventOperations.ts';
import { EVENT_STATUSES } from '../../shared/db/queries/integrationEventsLog.ts';
import { changeSetting, listSettingHistory, listSettings, resetSetting } from '../../shared/db/queries/appSettings.ts';
import { SettingError, validateSetting } from '../../shared/domain/settings/syncSettings.ts';
import { timeWindowSchema } from '../../shared/domain/timeWindow.ts';
import { describeZodIssues, HttpError } from '../httpError.ts';

/** `GET /v1/admin/events` query (also rendered in /openapi.json). */
export const eventListQuerySchema = z.object({
  status: z.enum(EVENT_STATUSES).optional(),
  since: timeWindowSchema.optional(),
  record: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const settingHistoryQuerySchema = z.object({
  key: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(50),
});
/** The body of `PUT /v1/admin/settings/:key`; the value itself is checked by the key's own schema. */
export const settingBodySchema = z.object({ value: z.unknown().refine((value) => value !== undefined, 'is required') });
/** Who changes a setting through this API, in app_settings_history. */
const ADMIN_API = 'admin API';

/** A refused setting change as HTTP: an unknown key is 404, a value its schema refuses 400; nothing is written. */
function settingError(error: unknown): never {
  if (error instanceof SettingError)
    throw new HttpError(
      error.code === 'settings.unknown_key' ? 404 : 400,
      error.code.replace('settings.', 'setting_'),
      error.message,
    );
  throw error;
}

/**
 * Admin API behind `Authorization: Bearer <ADMIN_TOKEN>`, mounted only when ADMIN_TOKEN is set:
 * monitoring (the same data as `bin/jobs status` / `list`) and the settings (as `bin/settings`:
 * validated with the worker's schemas, each change recorded with "admin API" as who).
 */
export function createAdminRouter(deps: {
  db: DatabasePool;
  verifyAdminToken: (authorization: string | undefined) => boolean;
}): Router {
  const router = Router();
  router.use('/v1/admin', (req, _res, next) => {
    if (!deps.verifyAdminToken(req.headers.authorization)) {
      throw new HttpError(401, 'invalid_token', 'Authorization bearer token missing or wrong');
    }
    next();
  });
  router.get('/v1/admin/status', async (_req, res) => {
    res.json(await getQueueStatus(deps.db));
  });
  router.get('/v1/admin/events', async (req, res) => {
    const query = eventListQuerySchema.safeParse(req.query);
    if (!query.success)
      throw new HttpError(
        400,
        'invalid_query',
        'query parameters are not valid',
        describeZodIssues(query.error.issues),
      );
    const { status, since, record, limit } = query.data;
    res.json(await listEvents(deps.db, { status: status ? [status] : undefined, since, recordId: record, limit }));
  });
  router.get('/v1/admin/settings', async (_req, res) => {
    res.json(await listSettings(deps.db));
  });
  router.get('/v1/admin/settings-history', async (req, res) => {
    const query = settingHistoryQuerySchema.safeParse(req.query);
    if (!query.success)
      throw new HttpError(
        400,
        'invalid_query',
        'query parameters are not valid',
        describeZodIssues(query.error.issues),
      );
    res.json(await listSettingHistory(deps.db, query.data).catch(settingError));
  });
  router.get('/v1/admin/settings/:key', async (req, res) => {
    try {
      validateSetting(req.params.key, undefined);
    } catch (error) {
      settingError(error);
    }
    res.json((await listSettings(deps.db)).find((row) => row.key === req.params.key));
  });
  router.put(
    '/v1/admin/settings/:key',
    express.json({ limit: '64kb', strict: false, type: () => true }),
    async (req, res) => {
      const body = settingBodySchema.safeParse(req.body);
      if (!body.success)
        throw new HttpError(
          400,
          'invalid_body',
          'the body must be JSON {"value": <the new value>}',
          describeZodIssues(body.error.issues),
        );
      res.json(await changeSetting(deps.db, req.params.key, body.data.value, ADMIN_API).catch(settingError));
    },
  );
  router.post('/v1/admin/settings/:key/reset', async (req, res) => {
    res.json(await resetSetting(deps.db, req.params.key, ADMIN_API).catch(settingError));
  });
  return router;
}
