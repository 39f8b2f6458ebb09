// A server for tests/bench/ingress.ts, run as its own process so that autocannon's load
// generation does not share this event loop. Usage:
//   node tests/bench/benchServer.ts ingress   (needs BENCH_DATABASE_URL) → the real ingress
//   node tests/bench/benchServer.ts ingress-single → the same with one transaction per request
//                                                (INGRESS_BATCH_MAX=1, no wait: as before the group commit)
//   node tests/bench/benchServer.ts bare      → Express 5 with one POST /x answering 202
// Listens on 127.0.0.1, an ephemeral port, and prints `listening <port>` on stdout.
// Logs (warn and up) go to stderr. Stops on SIGTERM, or when its stdin closes (the
// parent died), so it never outlives the benchmark.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createApp } from '../../api/app.ts';
import { apiEnvSchema, loadConfig } from '../../shared/config/env.ts';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { MOODLE_SECRET, ZOHO_SECRET, ZOHO_TOKEN } from '../helpers/signing.ts';

/** What api/main.ts uses in production. */
const INGRESS_POOL_SIZE = 20;

interface BenchApp {
  app: Express;
  close(): Promise<void>;
}

async function buildIngress(single: boolean): Promise<BenchApp> {
  const config = loadConfig(apiEnvSchema, {
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    ZOHO_WEBHOOK_SECRET: ZOHO_SECRET,
    MOODLE_WEBHOOK_SECRET: MOODLE_SECRET,
    ZOHO_WEBHOOK_TOKEN: ZOHO_TOKEN,
    // Metrics on, as a monitored deployment runs: every webhook is counted and timed.
    METRICS_TOKEN: 'bench-metrics-token-0123456789abcdef0123',
    // 'warn' as a production deployment might; 'info' would add a JSON line per request.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    ...(single
      ? { INGRESS_BATCH_MAX: '1', INGRESS_BATCH_WAIT_MS: '0' }
      : {
          ...(process.env.INGRESS_BATCH_MAX ? { INGRESS_BATCH_MAX: process.env.INGRESS_BATCH_MAX } : {}),
          ...(process.env.INGRESS_BATCH_WAIT_MS ? { INGRESS_BATCH_WAIT_MS: process.env.INGRESS_BATCH_WAIT_MS } : {}),
        }),
  });
  const log = createLogger({ service: 'bench-ingress', level: config.LOG_LEVEL, destination: process.stderr });
  const db = await createDbPool(config.DATABASE_URL, { maximumPoolSize: INGRESS_POOL_SIZE });
  return { app: createApp({ config, db, log }), close: () => db.end() };
}

/** The ceiling of Express itself: reads the body like the ingress does, touches no database. */
function buildBare(): BenchApp {
  const app = express();
  app.disable('x-powered-by');
  app.post('/x', express.raw({ type: () => true, limit: 256 * 1024 }), (_req, res) => {
    res.status(202).json({ status: 'accepted' });
  });
  return { app, close: async () => {} };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'ingress' && mode !== 'ingress-single' && mode !== 'bare')
    throw new Error('usage: benchServer.ts ingress|ingress-single|bare');
  const { app, close } = mode === 'bare' ? buildBare() : await buildIngress(mode === 'ingress-single');
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();

  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
}

main().catch((error: unknown) => {
  console.error('benchServer failed:', error);
  process.exit(1);
});
