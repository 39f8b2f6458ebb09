import { createMoodleClient } from '../shared/clients/moodle/createMoodleClient.ts';
import { createZohoClientFromConfig } from '../shared/clients/zoho/createZohoClientFromConfig.ts';
import { loadConfig, workerEnvSchema } from '../shared/config/env.ts';
import { createDbPool } from '../shared/db/createDbPool.ts';
import { readQueueMetrics } from '../shared/db/queries/queueMetrics.ts';
import { withEmbeddedSetup } from '../shared/db/embeddedPostgres.ts';
import { migrateDatabase } from '../shared/db/migrateDatabase.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import { createMetrics } from '../shared/metrics/createMetrics.ts';
import { runProcess } from '../shared/runProcess.ts';
import { startMetricsServer } from './startMetricsServer.ts';
import { startWorker, workerDbPoolOptions } from './startWorker.ts';

await runProcess('worker', async () => {
  const config = loadConfig(workerEnvSchema, withEmbeddedSetup(process.env));
  const log = createLogger({ service: 'worker', level: config.LOG_LEVEL });
  await migrateDatabase(config.DATABASE_URL, log);
  const db = await createDbPool(config.DATABASE_URL, workerDbPoolOptions(config.WORKER_CONCURRENCY));
  if (!config.ZOHO_CLIENT_ID)
    log.warn('the Zoho OAuth settings are not set: events that need Zoho will fail until they are');
  if (!config.MOODLE_URL)
    log.warn('MOODLE_URL and MOODLE_TOKEN are not set: events that need Moodle will fail until they are');
  // Nothing is measured unless something can read it.
  const metrics =
    config.METRICS_PORT === undefined
      ? undefined
      : createMetrics({ role: 'worker', readQueue: () => readQueueMetrics(db, config.WORKER_DEAD_AFTER_SECONDS) });
  const worker = await startWorker({
    connectionString: config.DATABASE_URL,
    db,
    log,
    clients: {
      zoho: createZohoClientFromConfig(config, db, log, metrics),
      moodle:
        config.MOODLE_URL && config.MOODLE_TOKEN
          ? createMoodleClient({
              url: config.MOODLE_URL,
              token: config.MOODLE_TOKEN,
              timeoutMs: config.MOODLE_TIMEOUT_MS,
              log,
              metrics,
            })
          : undefined,
    },
    concurrency: config.WORKER_CONCURRENCY,
    deadAfterSeconds: config.WORKER_DEAD_AFTER_SECONDS,
    metrics,
  });
  const metricsServer =
    metrics && config.METRICS_PORT !== undefined
      ? await startMetricsServer({
          registry: metrics.registry,
          log,
          host: config.METRICS_HOST,
          port: config.METRICS_PORT,
          token: config.METRICS_TOKEN,
        })
      : undefined;
  return async () => {
    log.info('worker shutting down; finishing jobs in hand');
    await worker.stop();
    await metricsServer?.close();
    await db.end();
  };
});
