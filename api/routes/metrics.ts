import { Router } from 'express';
import type { Registry } from 'prom-client';
import { HttpError } from '../httpError.ts';

/**
 * `GET /metrics` for Prometheus, behind `Authorization: Bearer <METRICS_TOKEN>` (mounted only
 * when it is set): the ingress may face the internet through nginx, and each scrape queries
 * the database. Not ADMIN_TOKEN: that one also changes settings, and a scraper needs less.
 */
export function createMetricsRouter(deps: {
  registry: Registry;
  verifyMetricsToken: (authorization: string | undefined) => boolean;
}): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!deps.verifyMetricsToken(req.headers.authorization)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(401, 'invalid_token', 'Authorization bearer token missing or wrong');
    }
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
