// npm run bench:ingress — how many webhooks per second the ingress accepts, and how close
// that is to what the machine can do at all.
//
// Measured, on loopback, at 10 and 50 concurrent connections (BENCH_SECONDS each, default 10):
//   a. the real ingress (api/app.ts, in its own process): every request a unique, correctly
//      signed Standard Webhooks POST /v1/events/moodle/grade; only 202s count as accepted.
//      Its group commit on (INGRESS_BATCH_MAX / INGRESS_BATCH_WAIT_MS from the environment,
//      else the defaults).
//   a'. the same ingress with one transaction per request (INGRESS_BATCH_MAX=1, no wait):
//      what the group commit is compared with.
//   b. ceiling 1, bare Express 5 (own process): POST /x reads the body and answers 202,
//      no database: what HTTP + Express cost on this machine.
//   c. ceiling 2, the ingress's one SQL statement (insert into integration_events_log +
//      graphile_worker.add_job) from N pg clients in a loop, no HTTP: what the database
//      side costs. The ingress can at best approach the lower of b and c.
//   c'. ceiling 3, the group commit's statement (shared/db/queries/recordWebhookEvents.ts)
//      with BENCH_RAW_BATCH (default 20) events a statement, from N slonik connections.
//   d. only with BENCH_DISCARD=1: c plus the `DISCARD ALL` slonik sends whenever a
//      connection goes back to its pool (slonik's default resetConnection), to show what
//      that reset costs.
// Each target is warmed up once (BENCH_WARMUP_SECONDS, default 2) and every measurement
// starts from empty tables.
// The goal checked at the end (issue "Throughput"): at 50 connections the ingress accepts
// ≥ 3,000 webhooks/s with p99 < 50 ms, and ≥ 4× a'. Figures only: nothing here asserts a timing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonRequest } from 'autocannon';
import pg from 'pg';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import type { NewEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { recordWebhookEvents } from '../../shared/db/queries/recordWebhookEvents.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { MOODLE_SECRET, signedHeaders } from '../helpers/signing.ts';
import { createBenchDatabase, resetTables, withClient } from './benchDatabase.ts';
import {
  describeLoad,
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

const SECONDS = envInt('BENCH_SECONDS', 5);
/** Each target is measured this many times, interleaved; the table shows medians. */
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 2, 0);
const CONNECTIONS = [10, 50] as const;
const GOAL = { connections: 50, rate: 3000, p99Ms: 50, timesSingle: 4 };
const RAW_BATCH = envInt('BENCH_RAW_BATCH', 20);
/** BENCH_DISCARD=1 adds target d. */
const WITH_DISCARD = process.env.BENCH_DISCARD === '1';
const INGRESS = 'ingress (group commit)';
const INGRESS_SINGLE = 'ingress, a transaction per request';
const RAW_BATCHED = `raw batched, ${RAW_BATCH} events a statement`;
const BARE = 'bare Express 5 (no DB)';
const RAW = 'raw INSERT + add_job';
const RAW_DISCARD = 'raw + DISCARD ALL';
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

async function main(cleanup: Cleanup): Promise<void> {
  console.log(`bench:ingress — ${describeMachine()}`);
  console.log(
    `${ROUNDS} rounds of ${SECONDS} s per measurement (medians shown), ${WARMUP_SECONDS} s warm-up per target, connections ${CONNECTIONS.join(' and ')}\n`,
  );
  const log = createLogger({ service: 'bench', level: 'warn' });
  const database = await createBenchDatabase(log);
  cleanup.defer(() => database.drop());
  const ingress = await startBenchServer('ingress', database.url);
  cleanup.defer(ingress.stop);
  const single = await startBenchServer('ingress-single', database.url);
  cleanup.defer(single.stop);
  const bare = await startBenchServer('bare', database.url);
  cleanup.defer(bare.stop);

  const targets: Target[] = [
    { name: INGRESS, measure: (c, s) => measureHttp(INGRESS, ingress.url + INGRESS_PATH, c, s, database.url) },
    {
      name: INGRESS_SINGLE,
      measure: (c, s) => measureHttp(INGRESS_SINGLE, single.url + INGRESS_PATH, c, s, database.url),
    },
    { name: BARE, measure: (c, s) => measureHttp(BARE, `${bare.url}/x`, c, s, null) },
    { name: RAW, measure: (c, s) => measureRawSql(RAW, database.url, c, s, false) },
    { name: RAW_BATCHED, measure: (c, s) => measureBatchedSql(RAW_BATCHED, database.url, c, s) },
    ...(WITH_DISCARD
      ? [{ name: RAW_DISCARD, measure: (c: number, s: number) => measureRawSql(RAW_DISCARD, database.url, c, s, true) }]
      : []),
  ];
  for (const target of targets) {
    if (WARMUP_SECONDS > 0) await target.measure(CONNECTIONS[0], WARMUP_SECONDS);
  }
  // Connection count outermost: each target is measured right after the others at the
  // same load, so the ratios suffer less from other processes' load drifting meanwhile.
  const rounds: Row[][] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const rows: Row[] = [];
    for (const connections of CONNECTIONS) {
      for (const target of targets) {
        await resetTables(database.url);
        rows.push(await target.measure(connections, SECONDS));
      }
    }
    rounds.push(rows);
    console.log(`  done: round ${round} of ${ROUNDS}`);
  }
  const rows = medianRows(rounds);
  printTable(
    ['target', 'conns', 'accepted/s', 'p50', 'p99', 'not accepted', 'rows / jobs stored'],
    rows.map((r) => [
      r.target,
      r.connections,
      formatRate(r.rate),
      formatMs(r.p50),
      formatMs(r.p99),
      r.rejected || '0',
      r.stored,
    ]),
  );
  printSummary(rows, rounds);
  console.log(`\nafter the run: ${describeLoad()}`);
}

interface Target {
  name: string;
  measure(connections: number, seconds: number): Promise<Row>;
}

/**
 * a. and b.: autocannon against a server; only 202s count. With `databaseUrl` (the
 * ingress) it then waits for the requests autocannon hung up on to finish, and counts rows.
 */
async function measureHttp(
  target: string,
  url: string,
  connections: number,
  seconds: number,
  databaseUrl: string | null,
): Promise<Row> {
  const { result, latencies } = await runAutocannon(url, connections, seconds);
  if (databaseUrl) await waitForQuietTable(databaseUrl);
  const accepted = result.statusCodeStats['202']?.count ?? 0;
  const rejected = Object.entries(result.statusCodeStats)
    .filter(([code]) => code !== '202')
    .map(([code, { count }]) => `${code}×${count}`);
  if (result.errors > 0) rejected.push(`errors×${result.errors}`);
  if (result.timeouts > 0) rejected.push(`timeouts×${result.timeouts}`);
  return {
    target,
    connections,
    rate: accepted / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rejected: rejected.join(' '),
    stored: databaseUrl ? await storedRows(databaseUrl) : '–',
  };
}

/** @returns autocannon's result, and every response's latency in ms, sorted (autocannon's own are whole ms). */
async function runAutocannon(url: string, connections: number, seconds: number) {
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    requests: [signedGradeRequest(new URL(url).pathname)],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => void latencies.push(responseTime));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return { result, latencies };
}

/** Waits until the events log stops growing (200 ms apart), at most 10 s. */
async function waitForQuietTable(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const count = async () =>
      Number((await client.query<{ n: string }>('select count(*) as n from integration_events_log')).rows[0]!.n);
    let last = await count();
    for (let i = 0; i < 50; i++) {
      await sleep(200);
      const now = await count();
      if (now === last) return;
      last = now;
    }
  });
}

/** One request definition whose every send is a new grade event, freshly signed. */
function signedGradeRequest(path: string): AutocannonRequest {
  return {
    method: 'POST',
    path,
    setupRequest(request) {
      const { eventId, body } = nextGradeEvent();
      return {
        ...request,
        method: 'POST',
        path,
        body,
        headers: signedHeaders(MOODLE_SECRET, body, { id: `msg_${eventId}` }),
      };
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
async function startBenchServer(
  mode: 'ingress' | 'ingress-single' | 'bare',
  databaseUrl: string,
): Promise<BenchServer> {
  const script = fileURLToPath(new URL('./benchServer.ts', import.meta.url));
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=<a folder>", to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script, mode], {
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
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
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
  return [
    'moodle',
    eventId,
    '\\mod_assign\\event\\submission_graded',
    'grade',
    'assign_grades',
    recordId,
    'event_id',
    'moodle_grade',
    body,
    'moodle_grade',
    null,
  ];
}

/** c. and d.: N pg clients, each running the statement back to back for `seconds`. */
async function measureRawSql(
  target: string,
  databaseUrl: string,
  clients: number,
  seconds: number,
  withReset: boolean,
): Promise<Row> {
  const run = await runRawSql(databaseUrl, clients, seconds, withReset);
  return {
    target,
    connections: clients,
    rate: run.latencies.length / run.elapsedSeconds,
    p50: percentile(run.latencies, 50),
    p99: percentile(run.latencies, 99),
    rejected: run.errors > 0 ? `errors×${run.errors}` : '',
    stored: await storedRows(databaseUrl),
  };
}

/**
 * One pg pool of `clients` connections. With `withReset` a connection goes back to the
 * pool only after its reset, sent once the result is in hand, as slonik does.
 * @returns every statement's latency in ms, sorted.
 */
async function runRawSql(databaseUrl: string, clients: number, seconds: number, withReset: boolean) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: clients, connectionTimeoutMillis: 10_000 });
  const latencies: number[] = [];
  let errors = 0;
  try {
    await openAll(pool, clients);
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const loop = async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await recordOnce(pool, withReset);
          latencies.push(performance.now() - t0);
        } catch (error) {
          if (errors === 0) console.error(`  first SQL error: ${(error as Error).message}`);
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

/**
 * c'.: N slonik connections, each writing RAW_BATCH events a statement with the group
 * commit's own query, back to back. Rate: events per second; latency: per statement.
 */
async function measureBatchedSql(target: string, databaseUrl: string, clients: number, seconds: number): Promise<Row> {
  const db = await createDbPool(databaseUrl, { maximumPoolSize: clients });
  const latencies: number[] = [];
  let events = 0;
  let errors = 0;
  try {
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const batch = Array.from({ length: RAW_BATCH }, gradeNewEvent);
          const t0 = performance.now();
          try {
            await recordWebhookEvents(db, batch);
            latencies.push(performance.now() - t0);
            events += batch.length;
          } catch (error) {
            if (errors === 0) console.error(`  first SQL error: ${(error as Error).message}`);
            errors += 1;
            await sleep(10);
          }
        }
      }),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      target,
      connections: clients,
      rate: events / elapsedSeconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      rejected: errors > 0 ? `errors×${errors}` : '',
      stored: await storedRows(databaseUrl),
    };
  } finally {
    await db.end();
  }
}

/** A grade event as the ingress makes it (api/events/toMoodleEvent.ts). */
function gradeNewEvent(): NewEvent {
  const { eventId, recordId, body } = nextGradeEvent();
  return {
    source: 'moodle',
    eventId,
    eventType: '\\mod_assign\\event\\submission_graded',
    entity: 'grade',
    module: 'assign_grades',
    recordId,
    dedupe: 'event_id',
    taskIdentifier: 'moodle_grade',
    payload: JSON.parse(body) as Record<string, unknown>,
    jobKey: null,
  };
}

/** Opens `size` connections before timing starts; on failure (max_connections?) gives back those opened. */
async function openAll(pool: pg.Pool, size: number): Promise<void> {
  const settled = await Promise.allSettled(Array.from({ length: size }, () => pool.connect()));
  for (const outcome of settled) if (outcome.status === 'fulfilled') outcome.value.release();
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw new Error(`could not open ${size} connections: ${String(failed.reason)}`);
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
/** Per target and connection count: the median of each figure over the rounds. */
function medianRows(rounds: Row[][]): Row[] {
  return rounds[0]!.map((first, index) => {
    const same = rounds.map((rows) => rows[index]!);
    return {
      ...first,
      rate: median(same.map((r) => r.rate)),
      p50: median(same.map((r) => r.p50)),
      p99: median(same.map((r) => r.p99)),
      rejected:
        same
          .map((r) => r.rejected)
          .filter(Boolean)
          .join(' ') || '',
      stored: same.map((r) => r.stored).join(' | '),
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function printSummary(rows: Row[], rounds: Row[][]): void {
  const find = (target: string, connections: number, among: Row[] = rows) =>
    among.find((r) => r.target === target && r.connections === connections);
  console.log('');
  for (const connections of CONNECTIONS) {
    const ingress = find(INGRESS, connections);
    const single = find(INGRESS_SINGLE, connections);
    const raw = find(RAW_BATCHED, connections);
    const bare = find(BARE, connections);
    if (!ingress || !single || !raw || !bare) continue;
    console.log(
      `at ${connections} connections: ingress ${formatRate(ingress.rate)}/s = ${(ingress.rate / single.rate).toFixed(1)}× a transaction per request` +
        ` (${formatRate(single.rate)}/s), ${formatPercent(ingress.rate, raw.rate)} of raw batched statements, ${formatPercent(ingress.rate, bare.rate)} of bare Express`,
    );
  }
  const ingress = find(INGRESS, GOAL.connections);
  const single = find(INGRESS_SINGLE, GOAL.connections);
  if (!ingress || !single) return;
  const times = ingress.rate / single.rate;
  const met = ingress.rate >= GOAL.rate && ingress.p99 < GOAL.p99Ms && times >= GOAL.timesSingle;
  const perRound = rounds.map((round) => {
    const i = find(INGRESS, GOAL.connections, round);
    const s1 = find(INGRESS_SINGLE, GOAL.connections, round);
    return i && s1 ? `${formatRate(i.rate)}/s (${(i.rate / s1.rate).toFixed(1)}×, p99 ${formatMs(i.p99)})` : '?';
  });
  console.log(`ingress at ${GOAL.connections} connections, per round: ${perRound.join(', ')}`);
  console.log(
    `goal (≥ ${formatRate(GOAL.rate)}/s with p99 < ${GOAL.p99Ms} ms and ≥ ${GOAL.timesSingle}× a transaction per request, at ${GOAL.connections} connections): ` +
      `${met ? 'MET' : 'NOT MET'} — ${formatRate(ingress.rate)}/s, p99 ${formatMs(ingress.p99)}, ${times.toFixed(1)}×`,
  );
}

// Last, so that every constant above is initialised before it runs.
await runBenchmark('bench:ingress', main);
