import type { RequestHandler } from 'express';
import type { Metrics } from '../shared/metrics/createMetrics.ts';

/**
 * Counts every answered `POST /v1/events/<source>/<entity>` (mounted at `/v1/events`; the
 * Zoho notification callbacks, `/v1/notifications/zoho`, as entity `notification`) with
 * its status code and the time to answer. It adds a listener and a clock read to the
 * request, nothing on the way to the database.
 */
export function recordWebhookMetrics(
  metrics: Pick<Metrics, 'webhookAnswered'>,
  options: { entity?: string } = {},
): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const started = performance.now();
    // Read now: Express rewrites req.url while the request moves through routers.
    const [, source = '', pathEntity = ''] = req.path.split('/');
    const entity = options.entity ?? pathEntity;
    res.once('finish', () => {
      metrics.webhookAnswered(source, entity, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}
