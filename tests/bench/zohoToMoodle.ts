/**
 * End-to-end latency of the Zoho → Moodle flow: signed student webhooks into the real
 * ingress and worker processes (real PostgreSQL), the Zoho and Moodle simulators answering
 * with zero added latency. For every event: webhook accepted (the 202 reached the sender) →
 * Moodle write done (the simulator applied core_user_create_users), split into the time the
 * event waited in the queue (received → a worker started it) and the time the flow took.
 *
 *   npm run bench:sync                 # 1,000 events paced at 50/s, then 1,000 in one burst
 *   BENCH_EVENTS=200 BENCH_RATE=20 BENCH_WORKER_CONCURRENCY=4 npm run bench:sync
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { createMoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { createZohoClientFromConfig } from '../../shared/clients/zoho/createZohoClientFromConfig.ts';
import { workerEnvSchema } from '../../shared/config/env.ts';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { flows } from '../../worker/flows/index.ts';
import { runFlow } from '../../worker/pipeline/runFlow.ts';
import { testRunContext } from '../helpers/runContext.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { createBenchDatabase } from './benchDatabase.ts';
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
} from './benchSupport.ts';

const EVENTS = envInt('BENCH_EVENTS', 1000);
const RATE = envInt('BENCH_RATE', 50);
const CONCURRENCY = envInt('BENCH_WORKER_CONCURRENCY', 4);

const timingSchema = z.object({
  event_id: z.string(),
  status: z.string(),
  received_ms: z.coerce.number(),
  started_ms: z.coerce.number(),
  finished_ms: z.coerce.number(),
});

interface Sample {
  latency: number;
  queued: number;
  handler: number;
}

async function runRound(stack: SyncStack, name: string, studentIds: string[], ratePerSecond: number | null) {
  // Every round starts from the same small Moodle site, so rounds compare (the simulator
  // copies its whole site for each write, which grows with the users created).
  stack.moodle.reset();
  const accepted = new Map<string, { recordId: string; at: number }>();
  const started = Date.now();
  const sendOne = async (recordId: string) => {
    const eventId = randomUUID();
    const answer = await stack.sendZoho('student', {
      event_id: eventId,
      event_type: 'created',
      module: 'BTEC_Students',
      record_id: recordId,
    });
    if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}`);
    accepted.set(eventId, { recordId, at: Date.now() });
  };
  if (ratePerSecond === null) {
    // The whole batch at once, 20 connections: the queue fills, latency is mostly waiting.
    const queue = [...studentIds];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await sendOne(id);
      }),
    );
  } else {
    const interval = 1000 / ratePerSecond;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < studentIds.length; i++) {
      const due = started + i * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      sends.push(sendOne(studentIds[i]!));
    }
    await Promise.all(sends);
  }
  const ids = [...accepted.keys()];
  const rows = await waitForAll(stack, ids);
  const failed = rows.filter((r) => r.status !== 'completed');
  if (failed.length)
    throw new Error(`${failed.length} events did not complete (first: ${failed[0]!.event_id} ${failed[0]!.status})`);

  const writes = new Map<string, number>();
  for (const call of stack.moodle.calls) {
    if (call.wsfunction !== 'core_user_create_users' || call.atMs === undefined) continue;
    const users = (call.params as { users?: Record<string, { idnumber?: string }> }).users ?? {};
    for (const user of Object.values(users)) if (user.idnumber) writes.set(user.idnumber, call.atMs);
  }
  const samples: Sample[] = rows.map((row) => {
    const sent = accepted.get(row.event_id)!;
    const writtenAt = writes.get(sent.recordId);
    if (writtenAt === undefined) throw new Error(`no Moodle write seen for ${sent.recordId}`);
    return {
      latency: writtenAt - sent.at,
      queued: row.started_ms - row.received_ms,
      handler: writtenAt - row.started_ms,
    };
  });
  const elapsed = (Math.max(...writes.values()) - started) / 1000;
  return { name, samples, throughput: samples.length / elapsed };
}

/**
 * The baseline: the same flow (`runFlow` of zoho.student: Zoho fetch, Moodle look-ups, create,
 * Zoho write-back, link) called directly from this process, one event at a time, with no ingress,
 * no event row and no queue. What the service adds on top of this is its overhead.
 */
async function runDirect(stack: SyncStack, studentIds: string[]) {
  stack.moodle.reset();
  const log = createLogger({ service: 'bench', level: 'warn' });
  const config = workerEnvSchema.parse({
    DATABASE_URL: stack.databaseUrl,
    ZOHO_ACCOUNTS_URL: stack.zoho.accountsUrl,
    ZOHO_CLIENT_ID: stack.zoho.clientId,
    ZOHO_CLIENT_SECRET: stack.zoho.clientSecret,
    ZOHO_REFRESH_TOKEN: stack.zoho.refreshToken,
    ZOHO_API_URL: stack.zoho.apiUrl,
    ENCRYPTION_KEY: stack.encryptionKey,
  });
  const zoho = createZohoClientFromConfig(config, stack.db, log)!;
  const moodle = createMoodleClient({ url: stack.moodle.url, token: stack.moodle.token, log });
  const ctx = testRunContext(stack.db, log, { zoho, moodle });
  const durations: number[] = [];
  for (const id of studentIds) {
    const started = Date.now();
    // An event row as the ingress would store it, never written: no queue, no claim.
    const event = {
      id: 0,
      event_id: `direct-${id}`,
      source: 'zoho',
      entity: 'student',
      module: 'BTEC_Students',
      record_id: id,
      event_type: 'updated',
      payload: {},
    } as unknown as EventRow;
    const { result } = await runFlow(flows, ctx, event);
    if (result.action !== 'created') throw new Error(`direct sync of ${id}: ${String(result.action)}`);
    // Measured like the rounds: until the Moodle simulator applied the create.
    const create = stack.moodle.calls.findLast(
      (c) => c.wsfunction === 'core_user_create_users' && JSON.stringify(c.params).includes(id),
    );
    if (create?.atMs === undefined) throw new Error(`direct sync of ${id}: no create seen`);
    durations.push(create.atMs - started);
  }
  return durations.sort((a, b) => a - b);
}

async function waitForAll(stack: SyncStack, eventIds: string[]) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const rows = await stack.db.any(sql.type(timingSchema)`
      select event_id, status,
             extract(epoch from received_at) * 1000 as received_ms,
             extract(epoch from started_at) * 1000 as started_ms,
             extract(epoch from finished_at) * 1000 as finished_ms
        from integration_events_log
       where event_id = any(${sql.array(eventIds, 'text')}) and status in ('completed', 'failed', 'skipped')
    `);
    if (rows.length === eventIds.length) return rows;
    if (Date.now() > deadline)
      throw new Error(`only ${rows.length} of ${eventIds.length} events settled in 10 minutes`);
    await sleep(200);
  }
}

function summarise(round: Awaited<ReturnType<typeof runRound>>): (string | number)[] {
  const sorted = (pick: (s: Sample) => number) => round.samples.map(pick).sort((a, b) => a - b);
  const latency = sorted((s) => s.latency);
  const queued = sorted((s) => s.queued);
  const handler = sorted((s) => s.handler);
  const p50 = percentile(latency, 50);
  // Per event, the part of (queue wait + handler) spent waiting; the median of those shares.
  const share = sorted((s) => s.queued / (s.queued + s.handler));
  return [
    round.name,
    round.samples.length,
    formatMs(p50),
    formatMs(percentile(latency, 99)),
    formatMs(percentile(queued, 50)),
    formatMs(percentile(handler, 50)),
    formatPercent(percentile(share, 50), 1),
    formatRate(round.throughput),
  ];
}

await runBenchmark('bench:sync', async (cleanup) => {
  console.log(`bench:sync — ${describeMachine()}`);
  console.log(
    `${EVENTS} student events per round, worker concurrency ${CONCURRENCY}, simulators with no added latency\n`,
  );
  const log = createLogger({ service: 'bench', level: 'warn' });
  const database = await createBenchDatabase(log);
  cleanup.defer(() => database.drop());
  const teardowns: (() => unknown)[] = [];
  cleanup.defer(async () => {
    for (const task of teardowns.reverse()) await task();
  });
  const stack = await startSyncStack({ teardown: (fn: () => unknown) => void teardowns.push(fn) } as never, {
    databaseUrl: database.url,
    workerConcurrency: CONCURRENCY,
    logLevel: 'info',
  });

  const seedStudents = (tag: string) =>
    stack.zoho.seed(
      'BTEC_Students',
      Array.from({ length: EVENTS }, (_, i) => ({
        First_Name: 'Bench',
        Last_Name: `Student ${tag}${i}`,
        Academic_Email: `bench.${tag}${i}@college.example`,
        Status: 'Active',
      })),
    );

  // Warm-up: token, connections, JIT.
  await runRound(stack, 'warm-up', seedStudents('w').slice(0, 50), RATE);
  await runDirect(stack, seedStudents('x').slice(0, 50));
  const direct = await runDirect(stack, seedStudents('d'));
  const rounds = [
    await runRound(stack, `paced ${RATE}/s`, seedStudents('p'), RATE),
    await runRound(stack, 'burst', seedStudents('b'), null),
  ];
  printTable(
    ['round', 'events', 'latency p50', 'latency p99', 'queue wait p50', 'flow p50', 'queue share (median)', 'writes/s'],
    rounds.map(summarise),
  );
  const paced = rounds[0]!.samples.map((s) => s.latency).sort((a, b) => a - b);
  console.log(
    `\nbaseline, the same flow called directly (no ingress, no queue), one at a time, until Moodle applied the create: p50 ${formatMs(percentile(direct, 50))}, p99 ${formatMs(percentile(direct, 99))}`,
  );
  console.log(
    `paced p50 latency / direct p50 = ${(percentile(paced, 50) / percentile(direct, 50)).toFixed(2)}× — the service's own overhead (ingress commit, queue, event bookkeeping) is the difference`,
  );
  console.log(`\nlatency = webhook 202 received by the sender → Moodle simulator applied the user create;`);
  console.log(
    `queue wait = received_at → started_at of the event row (commit, NOTIFY, worker pick-up, and any backlog);`,
  );
  console.log(`flow = started_at → Moodle write (Zoho fetch, 3 Moodle look-ups, the create);`);
  console.log(`queue share = per event, queue wait / (queue wait + handler), median. ${describeLoad()}`);
});
