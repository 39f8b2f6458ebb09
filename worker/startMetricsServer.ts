import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createBearerTokenVerifier } from '../shared/crypto/bearerToken.ts';

export interface MetricsServerDeps {
  registry: Registry;
  log: Logger;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

/**
 * The worker's own `GET /metrics` (plain node:http: the worker has no Express). Anything
 * else is 404. Scrapes are not logged: one every 15 s would drown the event lines.
 * @returns the port it listens on, and close().
 */
export async function startMetricsServer(deps: MetricsServerDeps): Promise<{ port: number; close(): Promise<void> }> {
  const verify = deps.token ? createBearerTokenVerifier(deps.token) : () => true;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!verify(req.headers.authorization)) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
        .end('Authorization bearer token missing or wrong\n');
      return;
    }
    deps.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': deps.registry.contentType }).end(text),
      (error: unknown) => {
        deps.log.warn({ err: error }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = deps.host.includes(':') ? `[${deps.host}]` : deps.host;
  deps.log.info({ host: deps.host, port }, `metrics listening on http://${shownHost}:${port}/metrics`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
