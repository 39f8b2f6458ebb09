import { Router } from 'express';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { channelTokenMatches } from '../../shared/crypto/channelToken.ts';
import { recordWebhookEvents } from '../../shared/db/queries/recordWebhookEvents.ts';
import { findZohoChannelVerifier, markZohoChannelDelivered } from '../../shared/db/queries/zohoChannels.ts';
import { entityOfModule, NOTIFY_PATH, zohoNotificationSchema } from '../../shared/domain/zoho/zohoNotifications.ts';
import { toZohoNotificationEvents } from '../events/toZohoNotificationEvents.ts';
import { describeZodIssues, HttpError } from '../httpError.ts';
import { parseWebhookBody, rawWebhookBody, requireContentType } from '../parseWebhookBody.ts';

export interface ZohoNotificationRouteDeps {
  db: DatabasePool;
  log: Logger;
  bodyLimitBytes: number;
  now?: () => Date;
}

/**
 * `POST /v1/notifications/zoho`: callbacks of the Zoho Notifications API channels that
 * `bin/zoho connect` made. They are not signed: the channel's token is the only proof, checked
 * in constant time against the stored digest before anything is written. Unknown channels and
 * expired ones are refused (401). A verified callback becomes one event per record id, all in
 * one transaction, answered only after the commit. Nothing in it is trusted beyond "this record
 * may have changed": the worker fetches each record from Zoho, so a forged callback with a
 * stolen token could at most make a real record sync again.
 */
export function createZohoNotificationRouter(deps: ZohoNotificationRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  router.post(
    NOTIFY_PATH,
    (req, res, next) => {
      res.locals.format = requireContentType(req, ['json']);
      next();
    },
    rawWebhookBody(deps.bodyLimitBytes),
    async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const body = parseWebhookBody(raw, 'json');
      const channelId =
        typeof body.channel_id === 'number' || typeof body.channel_id === 'string' ? String(body.channel_id) : '';
      const token = typeof body.token === 'string' ? body.token : '';
      const channel = /^\d{1,30}$/.test(channelId) ? await findZohoChannelVerifier(deps.db, channelId) : null;
      // The same answer for an unknown channel and a wrong token: a caller learns nothing of which ids exist.
      if (!channel || !channelTokenMatches(token, channel.token_sha256)) {
        throw new HttpError(401, 'invalid_channel_token', 'unknown notification channel or wrong token');
      }
      if (channel.expires_at <= now()) {
        throw new HttpError(
          401,
          'channel_expired',
          `notification channel ${channelId} expired at ${channel.expires_at.toISOString()}; run bin/zoho connect`,
        );
      }
      const parsed = zohoNotificationSchema.safeParse(body);
      if (!parsed.success)
        throw new HttpError(
          400,
          'invalid_notification',
          'the notification is not valid',
          describeZodIssues(parsed.error.issues),
        );
      const notification = parsed.data;
      const entity = entityOfModule(notification.module);
      if (notification.module !== channel.module || !entity) {
        throw new HttpError(
          400,
          'invalid_notification',
          `channel ${channelId} watches ${channel.module}, not ${notification.module}`,
          [{ path: 'module', message: `expected ${channel.module}` }],
        );
      }
      const events = toZohoNotificationEvents(notification, entity);
      const accepted = await deps.db.transaction(async (tx) => {
        // One statement for all its records (their rows and jobs), then the channel's count.
        const ids = await recordWebhookEvents(tx, events);
        await markZohoChannelDelivered(tx, channelId);
        return ids.filter((id) => id !== null).length;
      });
      req.log.info(
        {
          source: 'zoho',
          via: 'notification',
          module: notification.module,
          operation: notification.operation,
          channelId,
          records: events.length,
          accepted,
        },
        'notification accepted',
      );
      res
        .status(accepted > 0 ? 202 : 200)
        .json({ status: accepted > 0 ? 'accepted' : 'duplicate', accepted, duplicates: events.length - accepted });
    },
  );
  return router;
}
