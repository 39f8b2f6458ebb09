import { apiEnvSchema, loadConfig } from '../shared/config/env.ts';
import { createDbPool } from '../shared/db/createDbPool.ts';
import { withEmbeddedSetup } from '../shared/db/embeddedPostgres.ts';
import { migrateDatabase } from '../shared/db/migrateDatabase.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import { runProcess } from '../shared/runProcess.ts';
import { createApp, INGRESS_BATCHES_IN_FLIGHT } from './app.ts';
import { createEventBatcher } from './createEventBatcher.ts';
import { createZohoDeliveryGaps } from './createZohoDeliveryGaps.ts';

await runProcess('api', async () => {
  const config = loadConfig(apiEnvSchema, withEmbeddedSetup(process.env));
  const log = createLogger({ service: 'api', level: config.LOG_LEVEL });
  await migrateDatabase(config.DATABASE_URL, log);
  const db = await createDbPool(config.DATABASE_URL, { maximumPoolSize: 20 });
  const zohoDeliveryGaps = createZohoDeliveryGaps({ db, log });
  await zohoDeliveryGaps.start();
  const batcher = createEventBatcher({
    db,
    maxBatch: config.INGRESS_BATCH_MAX,
    maxWaitMs: config.INGRESS_BATCH_WAIT_MS,
    maxInFlight: INGRESS_BATCHES_IN_FLIGHT,
  });
  const app = createApp({ config, db, log, zohoDeliveryGaps, batcher });
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ host: config.HOST, port }, `ingress listening on http://${config.HOST}:${port}`);
  // Senders time out after 15–30 s; keep-alive longer than a proxy's idle timeout.
  server.keepAliveTimeout = 65_000;

  return async () => {
    log.info('ingress shutting down');
    // Stop accepting; requests in flight finish (their 202 is only sent after commit).
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    // The requests in flight have their answers; nothing waits in a batch any more, but make sure.
    await batcher.drain();
    await db.end();
  };
});
