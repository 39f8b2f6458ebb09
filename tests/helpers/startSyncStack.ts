import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'slonik';
import type { Test } from 'tap';
import { LAUNCHER_PID_VARIABLE } from '../../shared/runProcess.ts';
import { saveSetting } from '../../shared/db/queries/appSettings.ts';
import { eventRowSchema, type EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import { createDbPool, type DatabasePool } from '../../shared/db/createDbPool.ts';
import { createMoodleSimulator, type MoodleSeed, type MoodleSimulator } from '../../sandbox/moodleSimulator.ts';
import { createZohoSimulator, type ZohoSimulator } from '../../sandbox/zohoSimulator.ts';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET, ZOHO_TOKEN } from './signing.ts';
import { PROJECT_ROOT } from './spawnProcess.ts';
import { createTestDatabase } from './testDatabase.ts';
import { waitFor } from './waitFor.ts';

export interface SyncStack {
  /** The ingress's base URL. */
  url: string;
  databaseUrl: string;
  /** The worker's ENCRYPTION_KEY (another process sharing the Zoho token must use the same). */
  encryptionKey: string;
  db: DatabasePool;
  zoho: ZohoSimulator;
  moodle: MoodleSimulator;
  /** Log lines of both processes, parsed. */
  logs: { api: Record<string, unknown>[]; worker: Record<string, unknown>[] };
  /** With `traceGc`: each process's V8 heap as its garbage collections report it. */
  gc: { api: GcTrace; worker: GcTrace };
  /** POSTs a Zoho envelope signed with Standard Webhooks; returns the HTTP status and body. */
  sendZoho(
    entity: string,
    envelope: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** POSTs a Moodle plugin envelope signed with Standard Webhooks (`webhook-id` = its event_id). */
  sendMoodle(
    entity: string,
    envelope: Record<string, unknown> & { event_id: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** POSTs a plain Zoho workflow webhook `{zoho_id, module}` with the shared bearer token. */
  sendPlainZoho(
    entity: string,
    body: Record<string, unknown>,
    event?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The event row once it is final (completed, failed, skipped). */
  settled(eventId: string, timeoutMs?: number): Promise<EventRow>;
  /** Changes one app_settings key (the next event reads it). */
  setting(key: Parameters<typeof saveSetting>[1], value: unknown): Promise<void>;
  /** The ingress process. */
  api: ChildProcess;
  /** The worker process started last (throws with `withWorker: false`). */
  readonly worker: ChildProcess;
  /** Starts another worker process with the same configuration (e.g. after a SIGKILL). */
  startWorker(): ChildProcess;
}

/**
 * The real service: the ingress (`api/main.ts`) and the worker (`worker/main.ts`) as child
 * processes on a fresh database, pointed at a Zoho simulator and a Moodle simulator. All
 * stopped in teardown.
 */
export async function startSyncStack(
  t: Pick<Test, 'teardown'>,
  options: {
    moodleSeed?: MoodleSeed;
    /** A real site's per-record write costs for the Moodle simulator (MoodleSimulatorOptions.writeCostMs). */
    moodleWriteCostMs?: { user?: number; enrolment?: number };
    /** Delay before every Zoho simulator answer, in ms (a real org answers in 150–200 ms). */
    zohoLatencyMs?: number;
    workerConcurrency?: number;
    workerEnv?: Record<string, string>;
    apiEnv?: Record<string, string>;
    databaseUrl?: string;
    logLevel?: string;
    /** false: the ingress only (its rows and jobs stay as written). */
    withWorker?: boolean;
    /** Runs both processes with `--trace-gc` and fills `gc` (the soak's memory figures). */
    traceGc?: boolean;
    /** The address the ingress listens on (default 127.0.0.1), e.g. the machine's network address. */
    host?: string;
  } = {},
): Promise<SyncStack> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(t as Test));
  const zoho = await createZohoSimulator({ latencyMs: options.zohoLatencyMs ?? 0 });
  const moodle = await createMoodleSimulator({
    seed: options.moodleSeed,
    ...(options.moodleWriteCostMs ? { writeCostMs: options.moodleWriteCostMs } : {}),
  });
  const logs = { api: [] as Record<string, unknown>[], worker: [] as Record<string, unknown>[] };
  const common = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: options.logLevel ?? 'debug',
    MOODLE_URL: moodle.url,
    MOODLE_TOKEN: moodle.token,
    // As under npm start: if this process dies without its teardown, the children stop themselves.
    [LAUNCHER_PID_VARIABLE]: String(process.pid),
  };
  const gc = { api: newGcTrace(), worker: newGcTrace() };
  const children: ChildProcess[] = [];
  const start = (name: 'api' | 'worker', script: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, [...(options.traceGc ? ['--trace-gc'] : []), script], {
      cwd: PROJECT_ROOT,
      env: { ...common, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // pino writes one JSON object per '\n'. Not readline: it also breaks lines at U+2028 and
    // U+2029, which JSON strings may hold (the fuzz run sends them in event ids).
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{')) logs[name].push(JSON.parse(line) as Record<string, unknown>);
        else if (options.traceGc) recordGcLine(gc[name], line);
      }
    });
    children.push(child);
    return child;
  };
  t.teardown(async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    await Promise.all([zoho.close(), moodle.close()]);
  });

  // The ingress migrates the database; the worker starts after it, so they never race on it.
  const api = start('api', 'api/main.ts', {
    PORT: '0',
    HOST: options.host ?? '127.0.0.1',
    ZOHO_WEBHOOK_SECRET: ZOHO_SECRET,
    MOODLE_WEBHOOK_SECRET: MOODLE_SECRET,
    ZOHO_WEBHOOK_TOKEN: ZOHO_TOKEN,
    ...options.apiEnv,
  });
  const listening = await waitFor(
    async () => logs.api.find((l) => String(l.msg ?? '').startsWith('ingress listening')),
    60_000,
    'the ingress (is LOG_LEVEL at least info?)',
  );
  const url = `http://${options.host ?? '127.0.0.1'}:${String(listening.port)}`;
  const encryptionKey = randomBytes(32).toString('base64');
  const workerEnv = {
    ZOHO_ACCOUNTS_URL: zoho.accountsUrl,
    ZOHO_CLIENT_ID: zoho.clientId,
    ZOHO_CLIENT_SECRET: zoho.clientSecret,
    ZOHO_REFRESH_TOKEN: zoho.refreshToken,
    ZOHO_API_URL: zoho.apiUrl,
    ENCRYPTION_KEY: encryptionKey,
    WORKER_CONCURRENCY: String(options.workerConcurrency ?? 4),
    ...options.workerEnv,
  };
  let worker = options.withWorker === false ? undefined : start('worker', 'worker/main.ts', workerEnv);
  const db = await createDbPool(databaseUrl);
  t.teardown(() => db.end());

  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    url,
    databaseUrl,
    encryptionKey,
    db,
    zoho,
    moodle,
    logs,
    gc,
    api,
    get worker() {
      if (!worker) throw new Error('this stack was started without a worker');
      return worker;
    },
    startWorker() {
      worker = start('worker', 'worker/main.ts', workerEnv);
      return worker;
    },
    sendZoho(entity, envelope) {
      const body = JSON.stringify(envelope);
      return post(`/v1/events/zoho/${entity}`, body, signedHeaders(ZOHO_SECRET, body));
    },
    sendMoodle(entity, envelope) {
      const body = JSON.stringify(envelope);
      return post(`/v1/events/moodle/${entity}`, body, signedHeaders(MOODLE_SECRET, body, { id: envelope.event_id }));
    },
    sendPlainZoho(entity, body, event = 'updated') {
      return post(`/v1/events/zoho/${entity}?event=${event}`, JSON.stringify(body), {
        'content-type': 'application/json',
        authorization: `Bearer ${ZOHO_TOKEN}`,
      });
    },
    settled(eventId, timeoutMs = 30_000) {
      return waitFor(
        async () => {
          const row = await db.maybeOne(
            sql.type(eventRowSchema)`select * from integration_events_log where event_id = ${eventId}`,
          );
          return row && ['completed', 'failed', 'skipped', 'cancelled'].includes(row.status) ? row : undefined;
        },
        timeoutMs,
        `event ${eventId} to settle`,
      );
    },
    setting: (key, value) => saveSetting(db, key, value),
  };
}

/** A process's heap as `--trace-gc` reports it: after every full collection, and the latest committed size. */
export interface GcTrace {
  /** Heap in use after each full (mark-compact) collection, with the heap committed then. */
  fullCollections: { at: number; usedAfterMB: number; committedMB: number }[];
  /** Heap committed after the latest collection of any kind (MB). */
  committedMB: number;
}

const newGcTrace = (): GcTrace => ({ fullCollections: [], committedMB: Number.NaN });

// V8's line: `[pid:0x…]  6001 ms: Mark-Compact 25.3 (30.2) -> 21.9 (30.7) MB, …` (used (committed) before -> after).
const GC_LINE =
  /ms: (Scavenge|Minor Mark-Sweep|Mark-Compact|Mark-Sweep)[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/;

function recordGcLine(trace: GcTrace, line: string): void {
  const match = GC_LINE.exec(line);
  if (!match) return;
  trace.committedMB = Number(match[3]);
  if (match[1] === 'Mark-Compact' || match[1] === 'Mark-Sweep') {
    trace.fullCollections.push({ at: Date.now(), usedAfterMB: Number(match[2]), committedMB: Number(match[3]) });
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
