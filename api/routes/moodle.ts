import { readFileSync } from 'node:fs';
import { Router, type Request } from 'express';
import { isMoodleEntity, MOODLE_ENTITIES, type MoodleEntity } from '../../shared/domain/events.ts';
import { HttpError } from '../httpError.ts';
import { parseWebhookBody, rawWebhookBody, requireContentType } from '../parseWebhookBody.ts';
import { toMoodleEvent } from '../events/toMoodleEvent.ts';
import type { StandardWebhookVerifier } from '../verify/standardWebhook.ts';
import { acceptEvent, type StoreEvent } from './acceptEvent.ts';

export interface MoodleRouteDeps {
  /** Writes an event and its job (the app's group commit). */
  storeEvent: StoreEvent;
  bodyLimitBytes: number;
  verifyStandardWebhook: StandardWebhookVerifier;
}

/** `POST /v1/events/moodle/:entity`: signed by the Moodle plugin with Standard Webhooks. */
export function createMoodleRouter(deps: MoodleRouteDeps): Router {
  const router = Router();
  const rawBody = rawWebhookBody(deps.bodyLimitBytes);
  /** The raw body once its Standard Webhooks signature is checked. @throws HttpError 401 */
  const verifiedBody = (req: Request, refusal: string): Buffer => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      deps.verifyStandardWebhook(raw, req.headers);
    } catch {
      throw new HttpError(401, 'invalid_signature', refusal);
    }
    return raw;
  };

  router.post(
    '/v1/events/moodle/:entity',
    (req, res, next) => {
      const entity = String(req.params.entity);
      if (!isMoodleEntity(entity)) {
        throw new HttpError(
          404,
          'unknown_entity',
          `unknown Moodle entity; expected one of ${MOODLE_ENTITIES.join(', ')}`,
        );
      }
      requireContentType(req, ['json']);
      res.locals.entity = entity;
      next();
    },
    rawBody,
    async (req, res) => {
      const entity = res.locals.entity as MoodleEntity;
      const raw = verifiedBody(req, 'webhook signature missing, expired or wrong');
      const event = toMoodleEvent(entity, parseWebhookBody(raw, 'json'));
      await acceptEvent(deps.storeEvent, req.log, res, event);
    },
  );
  // The plugin's "Test connection": proves URL, reachability and secret, and stores nothing.
  router.post(
    '/v1/ping/moodle',
    (req, _res, next) => {
      requireContentType(req, ['json']);
      next();
    },
    rawBody,
    (req, res) => {
      verifiedBody(
        req,
        "webhook signature missing, expired or wrong: the plugin's secret must be this service's MOODLE_WEBHOOK_SECRET",
      );
      res.status(200).json({ status: 'ok', service: SERVICE_NAME, version: SERVICE_VERSION });
    },
  );
  return router;
}

const { name: SERVICE_NAME, version: SERVICE_VERSION } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { name: string; version: string };
