import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { isZohoEntity, ZOHO_ENTITIES, type ZohoEntity } from '../../shared/domain/events.ts';
import { HttpError } from '../httpError.ts';
import { parseWebhookBody, rawWebhookBody, requireContentType, type BodyFormat } from '../parseWebhookBody.ts';
import { toZohoEvent } from '../events/toZohoEvent.ts';
import type { StandardWebhookVerifier } from '../verify/standardWebhook.ts';
import type { ZohoDeliveryGaps } from '../createZohoDeliveryGaps.ts';
import { acceptEvent, type StoreEvent } from './acceptEvent.ts';

export interface ZohoRouteDeps {
  /** Writes an event and its job (the app's group commit). */
  storeEvent: StoreEvent;
  log: Logger;
  bodyLimitBytes: number;
  verifyStandardWebhook: StandardWebhookVerifier;
  /** Present only when ZOHO_WEBHOOK_TOKEN is configured (shared-secret header mode). */
  verifyBearerToken: ((authorization: string | undefined) => boolean) | undefined;
  /** Told of each stored and each refused delivery: a refused one is lost (Zoho does not retry). */
  deliveryGaps?: Pick<ZohoDeliveryGaps, 'accepted' | 'refused'>;
}

/**
 * `POST /v1/events/zoho/:entity`. Proof of origin is either a Standard Webhooks
 * signature (a Deluge function signs; see README) or, when configured, the shared
 * secret in `Authorization: Bearer …` that a plain workflow webhook can send.
 */
export function createZohoRouter(deps: ZohoRouteDeps): Router {
  const router = Router();
  const rawBody = rawWebhookBody(deps.bodyLimitBytes);

  router.post(
    '/v1/events/zoho/:entity',
    (req, res, next) => {
      const entity = String(req.params.entity);
      if (!isZohoEntity(entity)) {
        throw new HttpError(404, 'unknown_entity', `unknown Zoho entity; expected one of ${ZOHO_ENTITIES.join(', ')}`);
      }
      res.locals.entity = entity;
      // Form bodies only make sense for plain workflow webhooks (token mode).
      res.locals.format = requireContentType(req, deps.verifyBearerToken ? ['json', 'form'] : ['json']);
      next();
    },
    rawBody,
    async (req, res) => {
      const entity = res.locals.entity as ZohoEntity;
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const webhookId = authenticate(deps, req, raw);
      const body = parseWebhookBody(raw, res.locals.format as BodyFormat);
      const event = toZohoEvent({ entity, body, eventQuery: req.query.event, webhookId });
      try {
        await acceptEvent(deps.storeEvent, req.log, res, event);
      } catch (error) {
        // Verified and valid, yet not stored: the error handler answers 503, and Zoho drops it.
        deps.deliveryGaps?.refused();
        throw error;
      }
      deps.deliveryGaps?.accepted();
    },
  );
  return router;
}

/** @returns the `webhook-id` when signed, undefined in token mode. @throws HttpError 401. */
function authenticate(deps: ZohoRouteDeps, req: Request, raw: Buffer): string | undefined {
  if (req.headers['webhook-signature'] !== undefined || deps.verifyBearerToken === undefined) {
    try {
      return deps.verifyStandardWebhook(raw, req.headers).webhookId;
    } catch {
      throw new HttpError(401, 'invalid_signature', 'webhook signature missing, expired or wrong');
    }
  }
  if (!deps.verifyBearerToken(req.headers.authorization)) {
    throw new HttpError(401, 'invalid_token', 'Authorization bearer token missing or wrong');
  }
  return undefined;
}
