// SIGKILL of the real ingress process in the middle of a burst: every event that was
// answered 202 is stored with its job (202 only after commit), nothing is stored
// without its job, and re-sending the whole burst to a restarted ingress ends with
// exactly one row and one job per event.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET } from '../helpers/signing.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVENTS = 400;
const SENDERS = 20;
/** SIGKILL once this many 202s have come back. */
const KILL_AFTER_ACCEPTED = 100;

const databaseUrl = await createTestDatabase(t);

// ---------------------------------------------------------------- the ingress process

interface Ingress {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string[];
}

const children = new Set<ChildProcess>();
t.teardown(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
  }
});

/** Spawns `api/main.ts` on port 0 and waits for its 'ingress listening' log line. */
async function startIngress(): Promise<Ingress> {
  const child = spawn(process.execPath, ['api/main.ts'], {
    cwd: ROOT,
    env: {
      DATABASE_URL: databaseUrl,
      ZOHO_WEBHOOK_SECRET: ZOHO_SECRET,
      MOODLE_WEBHOOK_SECRET: MOODLE_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Keep reading stdout for the whole life of the process, or a full pipe would block it.
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ingress did not start within 30 s: ${stderr.join('')}`)), 30_000);
    lines.on('line', (line) => {
      let entry: { msg?: unknown; port?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (
        typeof entry.msg === 'string' &&
        entry.msg.startsWith('ingress listening') &&
        typeof entry.port === 'number'
      ) {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`ingress exited before listening (code ${code}, signal ${signal}): ${stderr.join('')}`));
    });
  });
  return { child, port, exited, stderr };
}

// ---------------------------------------------------------------- the burst

const eventIds = Array.from({ length: EVENTS }, (_, i) => `crash-${process.pid}-${String(i).padStart(4, '0')}`);

function moodleEvent(eventId: string, i: number): string {
  return JSON.stringify({
    event_id: eventId,
    event_type: '\\core\\event\\user_updated',
    entity_type: 'user',
    entity_id: 1000 + i,
    user_id: 1000 + i,
    course_id: null,
    timestamp: Math.floor(Date.now() / 1000),
    data: { email: `user${i}@example.org`, firstname: `First ${i}` },
  });
}

type Outcome = { status: number; body: Record<string, unknown> } | { error: string };

function post(agent: http.Agent, port: number, eventId: string, i: number): Promise<Outcome> {
  const body = moodleEvent(eventId, i);
  const headers = {
    ...signedHeaders(MOODLE_SECRET, body, { id: `msg_${eventId}` }),
    'content-length': String(Buffer.byteLength(body)),
  };
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/events/moodle/user', headers, agent, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            resolve({ error: `status ${res.statusCode} with a non-JSON body: ${text.slice(0, 200)}` });
          }
        });
        res.on('error', (error) => resolve({ error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) =>
      resolve({ error: `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`.trim() }),
    );
    req.end(body);
  });
}

/** `SENDERS` concurrent senders work through `ids`; `onOutcome` may stop them. */
async function burst(
  port: number,
  ids: readonly string[],
  onOutcome: (eventId: string, outcome: Outcome) => void,
  shouldStop: () => boolean = () => false,
): Promise<Map<string, Outcome>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const outcomes = new Map<string, Outcome>();
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < ids.length && !shouldStop()) {
        const i = next++;
        const eventId = ids[i] as string;
        const outcome = await post(agent, port, eventId, i);
        outcomes.set(eventId, outcome);
        onOutcome(eventId, outcome);
      }
    }),
  );
  agent.destroy();
  return outcomes;
}

// ---------------------------------------------------------------- the database

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
t.teardown(() => client.end());

interface StoredEvent {
  id: number;
  eventId: string;
  jobs: number;
}

/** Every Moodle row with the number of graphile-worker jobs under its key. */
async function storedEvents(): Promise<Map<string, StoredEvent>> {
  const { rows } = await client.query<{ id: string; event_id: string; jobs: string }>(`
    select e.id, e.event_id, (select count(*) from graphile_worker.jobs j where j.key = 'event:' || e.id) as jobs
      from integration_events_log e where e.source = 'moodle'
  `);
  return new Map(rows.map((r) => [r.event_id, { id: Number(r.id), eventId: r.event_id, jobs: Number(r.jobs) }]));
}

async function totals(): Promise<{ events: number; distinctEvents: number; jobs: number }> {
  const { rows } = await client.query<{ events: string; distinct_events: string; jobs: string }>(`
    select (select count(*) from integration_events_log) as events,
           (select count(distinct (source, event_id)) from integration_events_log) as distinct_events,
           (select count(*) from graphile_worker.jobs) as jobs
  `);
  const row = rows[0]!;
  return { events: Number(row.events), distinctEvents: Number(row.distinct_events), jobs: Number(row.jobs) };
}

/**
 * After SIGKILL, PostgreSQL may still be finishing statements the dead process sent
 * (they commit, then fail to answer). Wait until none of its sessions is left, so the
 * snapshot below is final.
 */
async function waitForOtherSessionsToEnd(): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    );
    const n = Number(rows[0]!.n);
    if (n === 0 || Date.now() > deadline) return n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------- the test

const is2xx = (o: Outcome | undefined): o is { status: number; body: Record<string, unknown> } =>
  o !== undefined && 'status' in o && o.status >= 200 && o.status < 300;

const first = await startIngress();
let accepted = 0;
let inFlightAtKill = -1;
let killed = false;
let sent = 0;
let answered = 0;
const startedAt = Date.now();
const firstRound = await burst(
  first.port,
  eventIds,
  (_id, outcome) => {
    answered++;
    if ('status' in outcome && outcome.status === 202) accepted++;
    if (!killed && accepted >= KILL_AFTER_ACCEPTED) {
      killed = true;
      inFlightAtKill = sent - answered;
      first.child.kill('SIGKILL');
    }
  },
  () => {
    // Senders stop taking new events once the process is dead; what they did not send is retried later.
    if (killed) return true;
    sent++;
    return false;
  },
);
const exit = await first.exited;
const leftover = await waitForOtherSessionsToEnd();
const afterCrash = await storedEvents();

const acked = eventIds.filter(
  (id) => firstRound.get(id) !== undefined && (firstRound.get(id) as { status?: number }).status === 202,
);
const errored = eventIds.filter((id) => {
  const o = firstRound.get(id);
  return o !== undefined && !is2xx(o);
});
const notSent = eventIds.filter((id) => !firstRound.has(id));
t.comment(
  `first round: ${firstRound.size} sent in ${Date.now() - startedAt} ms, ${acked.length} answered 202, ` +
    `${errored.length} failed (${inFlightAtKill} in flight at SIGKILL), ${notSent.length} not sent; ` +
    `${afterCrash.size} rows stored, ${errored.filter((id) => afterCrash.has(id)).length} of them never acknowledged`,
);

t.test('the ingress is SIGKILLed mid-burst with requests in flight', async (t) => {
  t.same(exit, { code: null, signal: 'SIGKILL' }, 'the process died of SIGKILL');
  t.ok(acked.length >= KILL_AFTER_ACCEPTED, `at least ${KILL_AFTER_ACCEPTED} events were acknowledged before the kill`);
  t.ok(inFlightAtKill > 0, `requests were in flight at the kill (${inFlightAtKill})`);
  t.ok(errored.length > 0, 'some requests failed because of the kill');
  t.equal(leftover, 0, 'no session of the dead process is left in PostgreSQL');
  // A dead process answers nothing: each failure is a connection error, not an HTTP error status.
  t.same(
    errored
      .map((id) => ({ id, outcome: firstRound.get(id) }))
      .filter(({ outcome }) => !(outcome && 'error' in outcome)),
    [],
    'every failed request failed with a connection error',
  );
});

t.test('every event answered 202 before the crash is stored with its job', async (t) => {
  const missing = acked.filter((id) => !afterCrash.has(id));
  const withoutJob = acked.filter((id) => afterCrash.get(id)?.jobs !== 1);
  t.same(missing, [], 'no acknowledged event is missing its row');
  t.same(withoutJob, [], 'every acknowledged event has exactly one job (key event:<id>)');
});

t.test('no row exists without its job, even for requests cut off by the crash', async (t) => {
  const orphans = [...afterCrash.values()].filter((e) => e.jobs !== 1);
  t.same(orphans, [], 'every stored row has exactly one job');
  const { rows } = await client.query<{ n: string }>(`
    select count(*) as n from graphile_worker.jobs j
     where not exists (select 1 from integration_events_log e where j.key = 'event:' || e.id)
  `);
  t.equal(Number(rows[0]!.n), 0, 'no job exists without its row');
  const storedUnacked = errored.filter((id) => afterCrash.has(id));
  t.ok(
    storedUnacked.every((id) => afterCrash.get(id)?.jobs === 1),
    `the ${storedUnacked.length} stored-but-unacknowledged events have their job too`,
  );
  t.same(
    notSent.filter((id) => afterCrash.has(id)),
    [],
    'events never sent have no row',
  );
  t.same(
    [...afterCrash.keys()].filter((id) => !acked.includes(id) && !errored.includes(id)),
    [],
    'every row belongs to an event that was acknowledged or in flight',
  );
});

t.test('re-sending the whole burst to a restarted ingress stores each event exactly once', async (t) => {
  const second = await startIngress();
  const secondRound = await burst(second.port, eventIds, () => {});
  const failed = eventIds.filter((id) => !is2xx(secondRound.get(id)));
  t.same(failed, [], 'every re-sent event is answered 2xx');

  const wrongAnswer: { eventId: string; storedBefore: boolean; status: number; body: unknown }[] = [];
  for (const id of eventIds) {
    const o = secondRound.get(id);
    if (!is2xx(o)) continue;
    const storedBefore = afterCrash.has(id);
    const expected = storedBefore
      ? { status: 200, body: { status: 'duplicate', event_id: id } }
      : { status: 202, body: { status: 'accepted', event_id: id } };
    if (o.status !== expected.status || JSON.stringify(o.body) !== JSON.stringify(expected.body)) {
      wrongAnswer.push({ eventId: id, storedBefore, status: o.status, body: o.body });
    }
  }
  t.same(wrongAnswer, [], 'events stored before the crash answer 200 duplicate, the others 202');
  t.ok(
    acked.every((id) => (secondRound.get(id) as { status?: number } | undefined)?.status === 200),
    'every event acknowledged before the crash is a duplicate now',
  );

  const final = await storedEvents();
  t.same(
    eventIds.filter((id) => !final.has(id)),
    [],
    'every event of the burst has its row',
  );
  t.same(
    [...final.values()].filter((e) => e.jobs !== 1),
    [],
    'every row has exactly one job',
  );
  t.same(
    await totals(),
    { events: EVENTS, distinctEvents: EVENTS, jobs: EVENTS },
    'exactly one row and one job per event_id, nothing else',
  );
  t.same(
    [...final.values()].filter((e) => afterCrash.has(e.eventId) && afterCrash.get(e.eventId)?.id !== e.id),
    [],
    'rows stored before the crash were kept, not replaced',
  );

  second.child.kill('SIGTERM');
  const stopped = await second.exited;
  t.same(stopped, { code: 0, signal: null }, 'the restarted ingress stops cleanly on SIGTERM');
});
