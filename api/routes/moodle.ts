import { Router } from 'express';
import type { DatabasePool } from 'slonik';
import { isMoodleEntity, MOODLE_ENTITIES, type MoodleEntity } from '../../shared/domain/events.ts';
import { HttpError } from '../httpError.ts';
import { parseWebhookBody, rawWebhookBody, requireContentType } from '../parseWebhookBody.ts';
import { toMoodleEvent } from '../events/toMoodleEvent.ts';
import type { StandardWebhookVerifier } from '../verify/standardWebhook.ts';
import { acceptEvent } from './acceptEvent.ts';

export interface MoodleRouteDeps {
  db: DatabasePool;
  bodyLimitBytes: number;
  verifyStandardWebhook: StandardWebhookVerifier;
}

/** `POST /v1/events/moodle/:entity`: signed by the Moodle plugin with Standard Webhooks. */
export function createMoodleRouter(deps: MoodleRouteDeps): Router {
  const router = Router();
  const rawBody = rawWebhookBody(deps.bodyLimitBytes);

  router.post(
    '/v1/events/moodle/:entity',
    (req, res, next) => {
      const entity = String(req.params.entity);
      if (!isMoodleEntity(entity)) {
        throw new HttpError(404, 'unknown_entity', `unknown Moodle entity; expected one of ${MOODLE_ENTITIES.join(', ')}`);
      }
      requireContentType(req, ['json']);
      res.locals.entity = entity;
      next();
    },
    rawBody,
    async (req, res) => {
      const entity = res.locals.entity as MoodleEntity;
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        deps.verifyStandardWebhook(raw, req.headers);
      } catch {
        throw new HttpError(401, 'invalid_signature', 'webhook signature missing, expired or wrong');
      }
      const event = toMoodleEvent(entity, parseWebhookBody(raw, 'json'));
      await acceptEvent(deps.db, req.log, res, event);
    },
  );
  return router;
}
