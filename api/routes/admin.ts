import { Router } from 'express';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { getQueueStatus, listEvents } from '../../shared/db/queries/eventOperations.ts';
import { EVENT_STATUSES } from '../../shared/db/queries/integrationEventsLog.ts';
import { timeWindowSchema } from '../../shared/domain/timeWindow.ts';
import { describeZodIssues, HttpError } from '../httpError.ts';

const listQuerySchema = z.object({
  status: z.enum(EVENT_STATUSES).optional(),
  since: timeWindowSchema.optional(),
  record: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * Read-only admin API for monitoring (the same data as `bin/jobs status` / `list`),
 * behind `Authorization: Bearer <ADMIN_TOKEN>`. Mounted only when ADMIN_TOKEN is set.
 */
export function createAdminRouter(deps: { db: DatabasePool; verifyAdminToken: (authorization: string | undefined) => boolean }): Router {
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
    const query = listQuerySchema.safeParse(req.query);
    if (!query.success) throw new HttpError(400, 'invalid_query', 'query parameters are not valid', describeZodIssues(query.error.issues));
    const { status, since, record, limit } = query.data;
    res.json(await listEvents(deps.db, { status: status ? [status] : undefined, since, recordId: record, limit }));
  });
  return router;
}
