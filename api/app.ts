import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { ApiConfig } from '../shared/config/env.ts';
import { createMoodleClient } from '../shared/clients/moodle/createMoodleClient.ts';
import { createMoodleHealthCheck } from '../shared/clients/moodle/createMoodleHealthCheck.ts';
import { checkReadiness } from '../shared/db/checkReadiness.ts';
import { readQueueMetrics } from '../shared/db/queries/queueMetrics.ts';
import { createMetrics, type Metrics } from '../shared/metrics/createMetrics.ts';
import { HttpError } from './httpError.ts';
import { recordWebhookMetrics } from './recordWebhookMetrics.ts';
import { createOpenApiDocument } from './openapi/createOpenApiDocument.ts';
import { createAdminRouter } from './routes/admin.ts';
import { createMetricsRouter } from './routes/metrics.ts';
import { createMoodleRouter } from './routes/moodle.ts';
import { createZohoRouter } from './routes/zoho.ts';
import { createZohoNotificationRouter } from './routes/zohoNotifications.ts';
import { createBearerTokenVerifier } from './verify/bearerToken.ts';
import { createStandardWebhookVerifier } from './verify/standardWebhook.ts';
import type { ZohoDeliveryGaps } from './createZohoDeliveryGaps.ts';
import { createEventBatcher, type EventBatcher } from './createEventBatcher.ts';

export interface AppDeps {
  config: ApiConfig;
  db: DatabasePool;
  log: Logger;
  /** Notices Zoho deliveries lost to an outage (api/main.ts passes one). */
  zohoDeliveryGaps?: ZohoDeliveryGaps;
  /** Default: built here when METRICS_TOKEN is set (nothing is measured without it). */
  metrics?: Metrics;
  /** The group commit of webhook events (api/main.ts passes one, to drain it on shutdown). */
  batcher?: EventBatcher;
}

/**
 * Batches being written at once. Each holds one pooled connection for one statement; more
 * would only queue in PostgreSQL, on two cores, while the rest of the pool serves the
 * notification callbacks, the admin API and the health checks.
 */
export const INGRESS_BATCHES_IN_FLIGHT = 8;

/** Builds the ingress (no listen, so tests can mount it on port 0). */
export function createApp({ config, db, log, zohoDeliveryGaps, ...deps }: AppDeps): Express {
  const metrics =
    deps.metrics ??
    (config.METRICS_TOKEN
      ? createMetrics({ role: 'ingress', readQueue: () => readQueueMetrics(db, config.WORKER_DEAD_AFTER_SECONDS) })
      : undefined);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Log what identifies a request, never headers or bodies (signatures, tokens, personal data).
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    }),
  );

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Moodle's state is reported, but does not make the ingress unready: events are still
  // accepted and wait in the queue while Moodle is down.
  const checkMoodle =
    config.MOODLE_URL && config.MOODLE_TOKEN
      ? createMoodleHealthCheck(
          createMoodleClient({ url: config.MOODLE_URL, token: config.MOODLE_TOKEN, timeoutMs: 5000, log }),
        )
      : async () => ({ state: 'not_configured' as const });
  app.get('/health/ready', async (_req, res) => {
    const [readiness, moodle] = await Promise.all([checkReadiness(db), checkMoodle()]);
    res
      .status(readiness.ready ? 200 : 503)
      .json({ status: readiness.ready ? 'ready' : 'unavailable', ...readiness.checks, moodle });
  });
  // Built once; the same on every installation (no configuration, no secrets), so no auth.
  const openApiDocument = createOpenApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  if (metrics && config.METRICS_TOKEN) {
    app.use(
      createMetricsRouter({
        registry: metrics.registry,
        verifyMetricsToken: createBearerTokenVerifier(config.METRICS_TOKEN),
      }),
    );
  }
  if (metrics) {
    app.use('/v1/events', recordWebhookMetrics(metrics));
    app.use('/v1/notifications', recordWebhookMetrics(metrics, { entity: 'notification' }));
  }

  const bodyLimitBytes = config.WEBHOOK_BODY_LIMIT_BYTES;
  // Group commit: the events of concurrent requests share one transaction (and one NOTIFY).
  const batcher =
    deps.batcher ??
    createEventBatcher({
      db,
      maxBatch: config.INGRESS_BATCH_MAX,
      maxWaitMs: config.INGRESS_BATCH_WAIT_MS,
      maxInFlight: INGRESS_BATCHES_IN_FLIGHT,
    });
  const storeEvent = (event: Parameters<EventBatcher['store']>[0]) => batcher.store(event);
  app.use(
    createZohoRouter({
      storeEvent,
      log,
      bodyLimitBytes,
      verifyStandardWebhook: createStandardWebhookVerifier(config.ZOHO_WEBHOOK_SECRET),
      verifyBearerToken: config.ZOHO_WEBHOOK_TOKEN ? createBearerTokenVerifier(config.ZOHO_WEBHOOK_TOKEN) : undefined,
      deliveryGaps: zohoDeliveryGaps,
    }),
  );
  // Zoho Notifications API callbacks (bin/zoho connect): unsigned, proven by the channel's token.
  app.use(createZohoNotificationRouter({ db, log, bodyLimitBytes }));
  app.use(
    createMoodleRouter({
      storeEvent,
      bodyLimitBytes,
      verifyStandardWebhook: createStandardWebhookVerifier(config.MOODLE_WEBHOOK_SECRET),
    }),
  );

  if (config.ADMIN_TOKEN) {
    app.use(createAdminRouter({ db, verifyAdminToken: createBearerTokenVerifier(config.ADMIN_TOKEN) }));
  }

  app.use((req, _res, next) => {
    next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler);
  return app;
}

/** Every failure becomes JSON. Client errors keep their status; anything else is 503 (retry later). */
const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let status: number;
  let body: Record<string, unknown>;
  if (err instanceof HttpError) {
    status = err.status;
    body = { status: 'error', error: err.code, message: err.message, ...(err.details ? { issues: err.details } : {}) };
  } else if (isClientError(err)) {
    // Express and raw-body errors (http-errors): entity.too.large (413), request.aborted,
    // encoding.unsupported (415), a path that cannot be URI-decoded (400), …
    status = err.status;
    body = {
      status: 'error',
      error:
        err.type === 'entity.too.large' ? 'payload_too_large' : err.type ? err.type.replace(/\W/g, '_') : 'bad_request',
      message:
        err.type === 'entity.too.large'
          ? `body larger than ${String(err.limit)} bytes`
          : 'the request could not be read',
    };
  } else {
    // The database (or a bug) failed: nothing was acknowledged, so the sender must retry.
    req.log.error({ err }, 'request failed');
    status = 503;
    body = { status: 'error', error: 'unavailable', message: 'the event could not be stored; retry later' };
  }
  if (res.headersSent) return;
  res.status(status).json(body);
};

function isClientError(err: unknown): err is { status: number; type?: string; limit?: number } {
  if (typeof err !== 'object' || err === null) return false;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
