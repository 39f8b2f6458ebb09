/**
 * End-to-end latency of the Moodle → Zoho grade flow: signed plugin grade events into the real
 * ingress and worker processes (real PostgreSQL), the Zoho simulator answering with no added
 * latency. For every event: webhook accepted (the 202 reached the sender) → Zoho received the
 * BTEC_Grades create, split into queue wait (received → started) and flow time. Baseline in
 * the same run: the same flow called directly, one event at a time, no ingress and no queue.
 *
 *   npm run bench:grades                 # 1,000 grade events paced at 50/s, then 1,000 at once
 *   BENCH_EVENTS=200 BENCH_RATE=20 npm run bench:grades
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { createZohoClientFromConfig } from '../../shared/clients/zoho/createZohoClientFromConfig.ts';
import { workerEnvSchema } from '../../shared/config/env.ts';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import type { MoodleGradeData } from '../../shared/domain/moodle/moodleEventData.ts';
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
const COURSE = 6;

const timingSchema = z.object({
  event_id: z.string(),
  status: z.string(),
  last_error: z.string().nullable(),
  received_ms: z.coerce.number(),
  started_ms: z.coerce.number(),
});

/** A BTEC-method grade of one student, shaped as the plugin sends it. */
function grade(userId: number, assignmentId: number): MoodleGradeData {
  return {
    source: 'assign',
    student_id: userId,
    student_email: null,
    student_idnumber: null,
    student_username: null,
    student_fullname: `Bench ${userId}`,
    course_id: COURSE,
    course_idnumber: null,
    course_shortname: 'B',
    course_fullname: 'Bench course',
    assignment_id: assignmentId,
    assignment_name: 'A',
    cm_id: 1,
    item_id: null,
    item_module: null,
    grade_id: userId * 100 + assignmentId,
    grade: '3.00000',
    grade_label: 'Merit',
    grade_type: 'scale',
    grade_max: '4',
    scale_id: 1,
    scale_name: 'BTEC',
    scale_items: ['Refer', 'Pass', 'Merit', 'Distinction'],
    grading_method: 'btec',
    workflow_state: 'released',
    attempt_number: 1,
    due_date: null,
    graded_at: 1_790_000_000,
    overridden: false,
    feedback: 'Bench feedback',
    grader_id: 3,
    grader_name: 'Bench Teacher',
    grader_role: 'teacher',
    learning_outcomes: [
      { code: 'P1', level: 'pass', description: 'Criterion', score: '1', feedback: null, achieved: true },
    ],
  };
}

interface Sample {
  latency: number;
  queued: number;
  handler: number;
}

/** The plugin's webhook for a graded submission. */
function gradedWebhook(eventId: string, userId: number, assignmentId: number) {
  const data = grade(userId, assignmentId);
  return {
    event_id: eventId,
    event_type: '\\mod_assign\\event\\submission_graded',
    entity_type: 'assign_grades',
    entity_id: data.grade_id,
    user_id: userId,
    course_id: COURSE,
    timestamp: 1_790_000_000,
    data,
  };
}

async function runRound(
  stack: SyncStack,
  name: string,
  userIds: number[],
  assignmentId: number,
  ratePerSecond: number | null,
) {
  const accepted = new Map<string, { key: string; at: number }>();
  const started = Date.now();
  const sendOne = async (userId: number) => {
    const eventId = randomUUID();
    const answer = await stack.sendMoodle('grade', gradedWebhook(eventId, userId, assignmentId));
    if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}`);
    accepted.set(eventId, { key: `${userId}_${COURSE}_${assignmentId}`, at: Date.now() });
  };
  if (ratePerSecond === null) {
    const queue = [...userIds];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await sendOne(id);
      }),
    );
  } else {
    const sends: Promise<void>[] = [];
    for (let i = 0; i < userIds.length; i++) {
      const due = started + (i * 1000) / ratePerSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      sends.push(sendOne(userIds[i]!));
    }
    await Promise.all(sends);
  }
  const ids = [...accepted.keys()];
  const deadline = Date.now() + 10 * 60_000;
  let rows;
  for (;;) {
    rows = await stack.db.any(sql.type(timingSchema)`
      select event_id, status, last_error, extract(epoch from received_at) * 1000 as received_ms, extract(epoch from started_at) * 1000 as started_ms
        from integration_events_log where event_id = any(${sql.array(ids, 'text')}) and status in ('completed', 'failed', 'skipped')`);
    if (rows.length === ids.length) break;
    if (Date.now() > deadline) throw new Error(`only ${rows.length} of ${ids.length} events settled`);
    await sleep(200);
  }
  const failed = rows.filter((r) => r.status !== 'completed');
  if (failed.length) {
    const first = failed[0]!;
    throw new Error(
      `${failed.length} grade events did not complete (first: ${first.status}: ${first.last_error ?? ''})`,
    );
  }
  const creates = new Map<string, number>();
  for (const call of stack.zoho.calls) {
    if (call.method !== 'POST' || !call.path.endsWith('/BTEC_Grades')) continue;
    const key = (call.body as { data?: { Moodle_Grade_Composite_Key?: string }[] }).data?.[0]
      ?.Moodle_Grade_Composite_Key;
    if (key) creates.set(key, call.at);
  }
  const samples: Sample[] = rows.map((row) => {
    const sent = accepted.get(row.event_id)!;
    const at = creates.get(sent.key);
    if (at === undefined) throw new Error(`no Zoho create seen for ${sent.key}`);
    return { latency: at - sent.at, queued: row.started_ms - row.received_ms, handler: at - row.started_ms };
  });
  return { name, samples, throughput: samples.length / ((Math.max(...creates.values()) - started) / 1000) };
}

/** The baseline: the flow itself (`runFlow` of moodle.grade), one grade at a time, from this process. */
async function runDirect(stack: SyncStack, userIds: number[], assignmentId: number) {
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
  const ctx = testRunContext(stack.db, log, { zoho });
  const durations: number[] = [];
  for (const userId of userIds) {
    const started = Date.now();
    const payload = gradedWebhook(`direct-${userId}`, userId, assignmentId);
    // An event row as the ingress would store the plugin's webhook, never written: no queue, no claim.
    const event = {
      id: 0,
      event_id: payload.event_id,
      source: 'moodle',
      entity: 'grade',
      module: payload.entity_type,
      record_id: String(payload.entity_id),
      event_type: payload.event_type,
      payload,
    } as unknown as EventRow;
    const outcome = await runFlow(flows, ctx, event);
    if (outcome.status !== 'completed') throw new Error(`direct grade of ${userId}: ${outcome.status}`);
    // Measured like the rounds: until Zoho received the create.
    const key = `${userId}_${COURSE}_${assignmentId}`;
    const create = stack.zoho.calls.findLast(
      (c) =>
        c.method === 'POST' &&
        c.path.endsWith('/BTEC_Grades') &&
        (c.body as { data?: { Moodle_Grade_Composite_Key?: string }[] }).data?.[0]?.Moodle_Grade_Composite_Key === key,
    );
    if (!create) throw new Error(`direct grade of ${userId}: no create seen`);
    durations.push(create.at - started);
  }
  return durations.sort((a, b) => a - b);
}

function summarise(round: Awaited<ReturnType<typeof runRound>>): (string | number)[] {
  const sorted = (pick: (s: Sample) => number) => round.samples.map(pick).sort((a, b) => a - b);
  const latency = sorted((s) => s.latency);
  return [
    round.name,
    round.samples.length,
    formatMs(percentile(latency, 50)),
    formatMs(percentile(latency, 99)),
    formatMs(
      percentile(
        sorted((s) => s.queued),
        50,
      ),
    ),
    formatMs(
      percentile(
        sorted((s) => s.handler),
        50,
      ),
    ),
    formatPercent(
      percentile(
        sorted((s) => s.queued / (s.queued + s.handler)),
        50,
      ),
      1,
    ),
    formatRate(round.throughput),
  ];
}

await runBenchmark('bench:grades', async (cleanup) => {
  console.log(`bench:grades — ${describeMachine()}`);
  console.log(
    `${EVENTS} Moodle grade events per round, worker concurrency ${CONCURRENCY}, Zoho simulator with no added latency\n`,
  );
  const database = await createBenchDatabase(createLogger({ service: 'bench', level: 'warn' }));
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
  // The students (linked in Zoho by Student_Moodle_ID) and the class of course 6.
  const userIds = Array.from({ length: EVENTS }, (_, i) => 1000 + i);
  stack.zoho.seed(
    'BTEC_Students',
    userIds.map((id) => ({
      First_Name: 'Bench',
      Last_Name: String(id),
      Academic_Email: `b${id}@college.example`,
      Student_Moodle_ID: String(id),
    })),
  );
  stack.zoho.seed('BTEC_Classes', [
    { Class_Name: 'Bench course', Moodle_Class_ID: String(COURSE), Class_Status: 'Active' },
  ]);
  // The same students and course in Moodle: the grade's dashboard copy (a zoho.grade event each
  // grade queues) writes to them, and a user Moodle lacked would be made again under another id.
  stack.moodle.seed({
    users: userIds.map((id) => ({ id, username: `b${id}@college.example`, email: `b${id}@college.example` })),
    courses: [{ id: COURSE, shortname: 'BENCH', fullname: 'Bench course' }],
  });

  // Warm-up (token, connections, JIT) also links every student, as a running college would have.
  await runRound(stack, 'warm-up', userIds, 1, null);
  const direct = await runDirect(stack, userIds, 2);
  const rounds = [
    await runRound(stack, `paced ${RATE}/s`, userIds, 3, RATE),
    await runRound(stack, 'burst', userIds, 4, null),
  ];
  printTable(
    [
      'round',
      'events',
      'latency p50',
      'latency p99',
      'queue wait p50',
      'flow p50',
      'queue share (median)',
      'creates/s',
    ],
    rounds.map(summarise),
  );
  const paced = rounds[0]!.samples.map((s) => s.latency).sort((a, b) => a - b);
  console.log(
    `\nbaseline, the same flow called directly (no ingress, no queue), one at a time, until Zoho received the create: p50 ${formatMs(percentile(direct, 50))}, p99 ${formatMs(percentile(direct, 99))}`,
  );
  console.log(`paced p50 latency / direct p50 = ${(percentile(paced, 50) / percentile(direct, 50)).toFixed(2)}×`);
  console.log(`\nlatency = webhook 202 received by the sender → Zoho simulator received the BTEC_Grades create;`);
  console.log(`flow = started_at → that create (COQL look-up of the key, then the create); ${describeLoad()}`);
});
