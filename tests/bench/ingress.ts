// npm run bench:ingress — how many webhooks per second the ingress accepts, and how close
// that is to what the machine can do at all.
//
// Measured, on loopback, at 10 and 50 concurrent connections (BENCH_SECONDS each, default 10):
//   a. the real ingress (api/app.ts, in its own process): every request a unique, correctly
//      signed Standard Webhooks POST /v1/events/moodle/grade; only 202s count as accepted.
//   b. ceiling 1, bare Express 5 (own process): POST /x reads the body and answers 202,
//      no database: what HTTP + Express cost on this machine.
//   c. ceiling 2, the ingress's one SQL statement (insert into integration_events_log +
//      graphile_worker.add_job) from N pg clients in a loop, no HTTP: what the database
//      side costs. The ingress can at best approach min(a, b) of these two.
//   d. the same as c, plus the `DISCARD ALL` slonik sends when a connection goes back to
//      its pool (slonik's default resetConnection), to show what that reset costs.
// Every target starts from empty tables and a short warm-up (BENCH_WARMUP_SECONDS, default 2).
// The goal checked at the end: the ingress at 10 connections reaches ≥ 60% of c's rate
// with p99 < 50 ms. Figures only: nothing here asserts a timing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonRequest } from 'autocannon';
import pg from 'pg';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { MOODLE_SECRET, signedHeaders } from '../helpers/signing.ts';
import { createBenchDatabase, resetTables, withClient } from './benchDatabase.ts';
import {
  describeMachine,
  envInt,
  formatMs,
  formatPercent,
  formatRate,
  percentile,
  printTable,
  runBenchmark,
  sleep,
  type Cleanup,
} from './benchSupport.ts';

const SECONDS = envInt('BENCH_SECONDS', 10);
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 2, 0);
const CONNECTIONS = [10, 50] as const;
const GOAL = { connections: 10, shareOfRaw: 0.6, p99Ms: 50 };
const INGRESS_PATH = '/v1/events/moodle/grade';
/** Prefix of every event id of this run, so ids never repeat across targets. */
const RUN_ID = randomBytes(4).toString('hex');
let eventSequence = 0;

interface Row {
  target: string;
  connections: number;
  /** Accepted (202) requests, or completed SQL statements, per second. */
  rate: number;
  p50: number;
  p99: number;
  /** Responses that were not 202, and errors, e.g. `401×3`; empty when none. */
  rejected: string;
  /** integration_events_log rows / graphile jobs after the run (database targets only). */
  stored: string;
}

await runBenchmark('bench:ingress', async (cleanup) => {
  console.log(`bench:ingress — ${describeMachine()}`);
  console.log(`${SECONDS} s per measurement, ${WARMUP_SECONDS} s warm-up per target, connections ${CONNECTIONS.join(' and ')}\n`);
  const log = createLogger({ service: 'bench', level: 'warn' });
  const database = await createBenchDatabase(log);
  cleanup.defer(() => database.drop());

  const rows: Row[] = [
    ...(await benchServer(cleanup, 'ingress', database.url)),
    ...(await benchServer(cleanup, 'bare', database.url)),
    ...(await benchRawSql(database.url, 'raw INSERT + add_job', false)),
    ...(await benchRawSql(database.url, 'raw + DISCARD ALL', true)),
  ];
  printTable(
    ['target', 'conns', 'accepted/s', 'p50', 'p99', 'not accepted', 'rows / jobs stored'],
    rows.map((r) => [r.target, r.connections, formatRate(r.rate), formatMs(r.p50), formatMs(r.p99), r.rejected || '0', r.stored]),
  );
  printSummary(rows);
});

/** a. and b.: one server process, warmed up, then loaded at each connection count. */
async function benchServer(cleanup: Cleanup, mode: 'ingress' | 'bare', databaseUrl: string): Promise<Row[]> {
  const target = mode === 'ingress' ? 'ingress (HTTP + verify + SQL)' : 'bare Express 5 (no DB)';
  const path = mode === 'ingress' ? INGRESS_PATH : '/x';
  const server = await startBenchServer(mode, databaseUrl);
  cleanup.defer(server.stop);
  try {
    if (WARMUP_SECONDS > 0) await runAutocannon(server.url, path, CONNECTIONS[0], WARMUP_SECONDS);
    const rows: Row[] = [];
    for (const connections of CONNECTIONS) {
      await resetTables(databaseUrl);
      const result = await runAutocannon(server.url, path, connections, SECONDS);
      const accepted = result.statusCodeStats['202']?.count ?? 0;
      const rejected = Object.entries(result.statusCodeStats)
        .filter(([code]) => code !== '202')
        .map(([code, { count }]) => `${code}×${count}`);
      if (result.errors > 0) rejected.push(`errors×${result.errors}`);
      if (result.timeouts > 0) rejected.push(`timeouts×${result.timeouts}`);
      rows.push({
        target,
        connections,
        rate: accepted / result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        rejected: rejected.join(' '),
        stored: mode === 'ingress' ? await storedRows(databaseUrl) : '–',
      });
      console.log(`  done: ${target} at ${connections} connections`);
    }
    return rows;
  } finally {
    await server.stop();
  }
}

function runAutocannon(url: string, path: string, connections: number, seconds: number) {
  return autocannon({ url, connections, duration: seconds, requests: [signedGradeRequest(path)] });
}

/** One request definition whose every send is a new grade event, freshly signed. */
function signedGradeRequest(path: string): AutocannonRequest {
  return {
    method: 'POST',
    path,
    setupRequest(request) {
      const { eventId, body } = nextGradeEvent();
      return { ...request, method: 'POST', path, body, headers: signedHeaders(MOODLE_SECRET, body, { id: `msg_${eventId}` }) };
    },
  };
}

/** The Moodle plugin's envelope (shared/domain/events.ts moodleEventEnvelopeSchema), with a unique event_id. */
function nextGradeEvent(): { eventId: string; recordId: string; body: string } {
  eventSequence += 1;
  const eventId = `bench-${RUN_ID}-${eventSequence}`;
  const recordId = String(1 + (eventSequence % 5000));
  const body = JSON.stringify({
    event_id: eventId,
    event_type: '\\mod_assign\\event\\submission_graded',
    entity_type: 'assign_grades',
    entity_id: Number(recordId),
    user_id: 5,
    course_id: 9,
    timestamp: Math.floor(Date.now() / 1000),
    data: { grade: '3.00000' },
  });
  return { eventId, recordId, body };
}

interface BenchServer {
  url: string;
  /** SIGTERM, SIGKILL after 5 s; resolves once the process is gone. Safe to call twice. */
  stop(): Promise<void>;
}

/** Spawns tests/bench/benchServer.ts and waits for its `listening <port>` line. */
async function startBenchServer(mode: 'ingress' | 'bare', databaseUrl: string): Promise<BenchServer> {
  const script = fileURLToPath(new URL('./benchServer.ts', import.meta.url));
  const child = spawn(process.execPath, [script, mode], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl },
    // stdin stays open: the server exits when it closes, so it cannot outlive us.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    child.stdin.destroy();
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${mode} server did not start within 30 s`)), 30_000);
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        const match = /^listening (\d+)$/.exec(line);
        if (match) resolve(Number(match[1]));
        else reject(new Error(`${mode} server printed ${JSON.stringify(line)} instead of its port`));
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${mode} server exited with code ${child.exitCode} before listening`));
      });
    });
    return { url: `http://127.0.0.1:${port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * recordWebhookEvent's statement (shared/db/queries/integrationEventsLog.ts), with its
 * slonik placeholders numbered the way slonik numbers them, and maxAttemptsSql() inlined.
 */
const RECORD_WEBHOOK_EVENT_SQL = `
    with inserted as (
      insert into integration_events_log
        (source, event_id, event_type, entity, module, record_id, dedupe, task_identifier, payload)
      values ($1, $2, $3, $4, $5,
              $6, $7, $8, $9::jsonb)
      on conflict (source, event_id) do nothing
      returning id
    )
    select inserted.id,
      (graphile_worker.add_job(
        identifier := $10,
        payload := json_build_object('eventLogId', inserted.id),
        max_attempts := coalesce(
    (select least(greatest((value ->> 'max_attempts')::int, 1), 32767)
       from app_settings where key = 'retry.policy' and jsonb_typeof(value -> 'max_attempts') = 'number'),
    12),
        job_key := coalesce($11, 'event:' || inserted.id)
      )).id as job_id
    from inserted
`;

/** The parameters the ingress binds for a grade event (api/events/toMoodleEvent.ts). */
function recordParams(): unknown[] {
  const { eventId, recordId, body } = nextGradeEvent();
  return ['moodle', eventId, '\\mod_assign\\event\\submission_graded', 'grade', 'assign_grades', recordId, 'event_id', 'moodle_grade', body, 'moodle_grade', null];
}

/** c. and d.: N pg clients, each running the statement back to back for SECONDS. */
async function benchRawSql(databaseUrl: string, target: string, withReset: boolean): Promise<Row[]> {
  if (WARMUP_SECONDS > 0) await runRawSql(databaseUrl, CONNECTIONS[0], WARMUP_SECONDS, withReset);
  const rows: Row[] = [];
  for (const clients of CONNECTIONS) {
    await resetTables(databaseUrl);
    const run = await runRawSql(databaseUrl, clients, SECONDS, withReset);
    rows.push({
      target,
      connections: clients,
      rate: run.latencies.length / run.elapsedSeconds,
      p50: percentile(run.latencies, 50),
      p99: percentile(run.latencies, 99),
      rejected: run.errors > 0 ? `errors×${run.errors}` : '',
      stored: await storedRows(databaseUrl),
    });
    console.log(`  done: ${target} at ${clients} clients`);
  }
  return rows;
}

/**
 * One pg pool of `clients` connections (twice that with `withReset`, so the reset, sent
 * after the result is in hand as slonik does, never makes the next statement wait).
 * @returns every statement's latency in ms, sorted.
 */
async function runRawSql(databaseUrl: string, clients: number, seconds: number, withReset: boolean) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: withReset ? clients * 2 : clients });
  const latencies: number[] = [];
  let errors = 0;
  try {
    // Open every connection first, so connecting is not timed.
    await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect())).then((all) => all.forEach((c) => c.release()));
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const loop = async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await recordOnce(pool, withReset);
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
          await sleep(10);
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, loop));
    const elapsedSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { latencies, elapsedSeconds, errors };
  } finally {
    await pool.end();
  }
}

async function recordOnce(pool: pg.Pool, withReset: boolean): Promise<void> {
  if (!withReset) {
    await pool.query(RECORD_WEBHOOK_EVENT_SQL, recordParams());
    return;
  }
  const client = await pool.connect();
  try {
    await client.query(RECORD_WEBHOOK_EVENT_SQL, recordParams());
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  void client.query('discard all').then(
    () => client.release(),
    (error: Error) => client.release(error),
  );
}

async function storedRows(databaseUrl: string): Promise<string> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ events: string; jobs: string }>(`
      select (select count(*) from integration_events_log) as events,
             (select count(*) from graphile_worker._private_jobs) as jobs`),
  );
  return `${formatRate(Number(rows[0]!.events))} / ${formatRate(Number(rows[0]!.jobs))}`;
}

/** The ingress against the raw statement, and the goal at GOAL.connections. */
function printSummary(rows: Row[]): void {
  const find = (target: string, connections: number) => rows.find((r) => r.target.startsWith(target) && r.connections === connections);
  console.log('');
  for (const connections of CONNECTIONS) {
    const ingress = find('ingress', connections);
    const raw = find('raw INSERT', connections);
    const bare = find('bare', connections);
    if (!ingress || !raw || !bare) continue;
    console.log(
      `at ${connections} connections: ingress = ${formatPercent(ingress.rate, raw.rate)} of raw INSERT+add_job` +
        ` (${formatRate(ingress.rate)} vs ${formatRate(raw.rate)}/s), ${formatPercent(ingress.rate, bare.rate)} of bare Express`,
    );
  }
  const ingress = find('ingress', GOAL.connections);
  const raw = find('raw INSERT', GOAL.connections);
  if (!ingress || !raw) return;
  const share = ingress.rate / raw.rate;
  const met = share >= GOAL.shareOfRaw && ingress.p99 < GOAL.p99Ms;
  console.log(
    `goal (≥ ${GOAL.shareOfRaw * 100}% of raw rate with p99 < ${GOAL.p99Ms} ms at ${GOAL.connections} connections): ` +
      `${met ? 'MET' : 'NOT MET'} — ${formatPercent(ingress.rate, raw.rate)} of raw, p99 ${formatMs(ingress.p99)}`,
  );
}
