import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import type { ZohoSimulator } from '../../../sandbox/zohoSimulator.ts';
import { runProcess, type ProcessResult } from '../../helpers/spawnProcess.ts';
import { startSyncStack, type SyncStack } from '../../helpers/startSyncStack.ts';
import { waitFor } from '../../helpers/waitFor.ts';

/**
 * The bulk path (worker/bulk/runBulkSync.ts) end to end: bin/sync lists the Zoho simulator's
 * college and stores one run, the real worker's `bulk_sync` job syncs it into the Moodle
 * simulator with batched calls.
 */

const SYNC = fileURLToPath(new URL('../../../bin/sync', import.meta.url));
const lookup = (id: string) => ({ id, name: 'x' });

/** Moodle functions that change the site. */
const MOODLE_WRITES = [
  'core_user_create_users',
  'core_user_update_users',
  'enrol_manual_enrol_users',
  'core_course_create_courses',
  'core_course_update_courses',
  'core_course_create_categories',
];

/** A single Zoho record fetched by id (what the listing is there to spare). */
const SINGLE_STUDENT_GET = /^\/crm\/v\d+\/BTEC_Students\/\d+$/;

interface Report {
  runId: string;
  dryRun: boolean;
  queued: Record<string, number>;
  summary: Record<string, Record<string, number>>;
  totals: Record<string, number>;
  cost: { zohoCalls: { listing: number; events: number; total: number }; moodleCalls: number };
  waited: string;
}

interface College {
  program: string;
  teacher: string;
  classes: string[];
  students: string[];
  enrollments: { student: string; cls: string }[];
}

/** One program, one teacher, `classes` classes of that program, `students` students each enrolled in one class. */
function seedCollege(zoho: ZohoSimulator, tag: string, counts: { students: number; classes: number }): College {
  const [program] = zoho.seed('Products', [{ Product_Name: `Level 5 ${tag}` }]);
  const [teacher] = zoho.seed('BTEC_Teachers', [
    { Name: 'Leila Haddad', Academic_Email: `leila.${tag}@college.example` },
  ]);
  const classes = zoho.seed(
    'BTEC_Classes',
    Array.from({ length: counts.classes }, (_, i) => ({
      Class_Name: `Unit ${i + 1} ${tag}`,
      Class_Short_Name: `U${i + 1}-${tag}`,
      Class_Status: 'Active',
      BTEC_Program: lookup(program!),
      Teacher: lookup(teacher!),
    })),
  );
  const students = zoho.seed(
    'BTEC_Students',
    Array.from({ length: counts.students }, (_, i) => ({
      First_Name: 'Student',
      Last_Name: `N${i}`,
      Academic_Email: `s${i}.${tag}@college.example`,
      Status: 'Active',
    })),
  );
  const enrollments = students.map((student, i) => ({ student, cls: classes[i % classes.length]! }));
  zoho.seed(
    'BTEC_Enrollments',
    enrollments.map((e) => ({ Enrolled_Students: lookup(e.student), Classes: lookup(e.cls) })),
  );
  return { program: program!, teacher: teacher!, classes, students, enrollments };
}

/** What bin/sync needs to read Zoho and the database (the worker's Zoho settings). */
function syncEnv(stack: SyncStack): Record<string, string | undefined> {
  const { zoho } = stack;
  return {
    PATH: process.env.PATH,
    DATABASE_URL: stack.databaseUrl,
    ZOHO_ACCOUNTS_URL: zoho.accountsUrl,
    ZOHO_CLIENT_ID: zoho.clientId,
    ZOHO_CLIENT_SECRET: zoho.clientSecret,
    ZOHO_REFRESH_TOKEN: zoho.refreshToken,
    ZOHO_API_URL: zoho.apiUrl,
    ENCRYPTION_KEY: stack.encryptionKey,
  };
}

async function runSync(stack: SyncStack, args: string[]): Promise<{ process: ProcessResult; report: Report }> {
  const result = await runProcess(SYNC, [...args, '--json'], { env: syncEnv(stack), timeout: 150_000 });
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`bin/sync printed no JSON (exit ${String(result.code)}): ${result.stdout}\n${result.stderr}`);
  }
  return { process: result, report };
}

const runEventSchema = z.object({
  id: z.coerce.number(),
  event_id: z.string(),
  entity: z.string(),
  record_id: z.string().nullable(),
  status: z.string(),
  attempts: z.coerce.number(),
  error_code: z.string().nullable(),
  last_error: z.string().nullable(),
  result: z.unknown().nullable(),
  attempt_rows: z.coerce.number(),
  interrupted: z.coerce.number(),
});
type RunEvent = z.infer<typeof runEventSchema>;

/** The run's events, in listing order, with how many attempt rows each has. */
async function runEvents(stack: SyncStack, runId: string): Promise<RunEvent[]> {
  return [
    ...(await stack.db.any(sql.type(runEventSchema)`
      select e.id, e.event_id, e.entity, e.record_id, e.status, e.attempts, e.error_code, e.last_error, e.result,
             (select count(*) from integration_event_attempts a where a.event_log_id = e.id) as attempt_rows,
             (select count(*) from integration_event_attempts a
               where a.event_log_id = e.id and a.outcome = 'interrupted') as interrupted
        from integration_events_log e
       where e.payload ->> 'run' = ${runId}
       order by e.id
    `)),
  ];
}

const SETTLED = ['completed', 'failed', 'skipped', 'cancelled'];

/** Waits until no event of the database (the run's, their follow-ups, webhooks) is still to run. */
async function allSettled(stack: SyncStack, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () =>
      (await stack.db.oneFirst(
        sql.type(z.object({ n: z.coerce.number() }))`
          select count(*) as n from integration_events_log where status in ('pending', 'processing', 'retrying')`,
      )) === 0 || undefined,
    timeoutMs,
    'every event to settle',
  );
}

const bulkRunSchema = z.object({
  records: z.coerce.number(),
  started_at: z.coerce.date().nullable(),
  finished_at: z.coerce.date().nullable(),
  listing_zoho_calls: z.coerce.number(),
  zoho_calls: z.coerce.number(),
  moodle_calls: z.coerce.number(),
});

/** The run's sync_bulk_runs row once its job has finished it. */
function finishedRun(stack: SyncStack, runId: string, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const row = await stack.db.maybeOne(
        sql.type(bulkRunSchema)`
          select records, started_at, finished_at, listing_zoho_calls, zoho_calls, moodle_calls
            from sync_bulk_runs where run_id = ${runId}`,
      );
      return row?.finished_at ? row : undefined;
    },
    timeoutMs,
    `bulk run ${runId} to finish`,
  );
}

/** How many items a batched Moodle call carried (`users[0][…]`, `enrolments[0][…]` parsed PHP-style). */
const itemsOf = (list: unknown) => (list && typeof list === 'object' ? Object.keys(list).length : 0);

const userOf = (stack: SyncStack, zohoId: string) => stack.moodle.state.users.filter((u) => u.idnumber === zohoId);
const courseOf = (stack: SyncStack, zohoId: string) => stack.moodle.state.courses.filter((c) => c.idnumber === zohoId);

/** How many times each enrolment exists in Moodle (a manual enrolment of the student's account in the class's course). */
function enrolmentCounts(stack: SyncStack, college: College): number[] {
  return college.enrollments.map(({ student, cls }) => {
    const users = userOf(stack, student).map((u) => u.id);
    const courses = courseOf(stack, cls).map((c) => c.id);
    return stack.moodle.state.enrolments.filter((e) => users.includes(e.userid) && courses.includes(e.courseid)).length;
  });
}

const moodleWrites = (stack: SyncStack, from = 0) =>
  stack.moodle.calls.slice(from).filter((c) => MOODLE_WRITES.includes(c.wsfunction ?? ''));

t.test('a bulk run batches its calls', async (t) => {
  const stack = await startSyncStack(t);
  const { zoho, moodle } = stack;
  const college = seedCollege(zoho, 'batch', { students: 150, classes: 2 });
  const total = 1 + 1 + 2 + 150 + 150;

  const { process: run, report } = await runSync(stack, ['--all']);
  t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.slice(0, 500)})`);
  t.equal(report.waited, 'all settled');
  t.match(report.queued, { program: 1, teacher: 1, student: 150, class: 2, enrollment: 150 });
  t.match(report.summary, {
    program: { new: 1, failed: 0, invalid: 0 },
    teacher: { new: 1, failed: 0, invalid: 0 },
    class: { new: 2, failed: 0, invalid: 0 },
    student: { new: 150, failed: 0, invalid: 0 },
    enrollment: { new: 150, failed: 0, invalid: 0, waiting: 0 },
  });

  t.same(
    college.students.filter((id) => userOf(stack, id).length !== 1),
    [],
    'every student has exactly one Moodle account',
  );
  t.same(
    enrolmentCounts(stack, college).filter((n) => n !== 1),
    [],
    'every enrolment exists once',
  );

  const creates = moodle.calls.filter((c) => c.wsfunction === 'core_user_create_users');
  const created = creates.map((c) => itemsOf(c.params.users));
  t.equal(
    created.reduce((a, b) => a + b, 0),
    151,
    'the 150 students and the teacher were each sent once',
  );
  t.ok(
    creates.length <= Math.ceil(150 / 100) + 2,
    `core_user_create_users called ${creates.length} times (users per call: ${created.join(', ')})`,
  );
  t.ok(Math.max(...created) >= 50, `many users a call (largest: ${Math.max(...created)})`);

  const enrols = moodle.calls.filter((c) => c.wsfunction === 'enrol_manual_enrol_users');
  const enrolled = enrols.map((c) => itemsOf(c.params.enrolments));
  t.ok(
    enrols.length <= Math.ceil(150 / 100) + 3,
    `enrol_manual_enrol_users called ${enrols.length} times (enrolments per call: ${enrolled.join(', ')})`,
  );
  t.ok(Math.max(...enrolled) >= 50, `many enrolments a call (largest: ${Math.max(...enrolled)})`);

  const lookups = moodle.calls.filter((c) => c.wsfunction === 'core_user_get_users_by_field').length;
  t.ok(lookups < 50, `user lookups batched too (${lookups} calls for 151 people)`);

  const singleGets = zoho.calls.filter((c) => c.method === 'GET' && SINGLE_STUDENT_GET.test(c.path));
  t.equal(singleGets.length, 0, 'no student record fetched on its own: the listing served them');
  const writeBacks = zoho.calls.filter((c) => c.method === 'PUT' && c.path.startsWith('/crm/'));
  t.ok(
    writeBacks.length > 0 && writeBacks.length <= 10,
    `the Moodle ids written back to Zoho in batches (${writeBacks.length} PUTs)`,
  );

  const followUps = await stack.db.oneFirst(
    sql.type(z.object({ n: z.coerce.number() }))`
      select count(*) as n from integration_events_log where payload ->> 'cause' = 'class became a Moodle course'`,
  );
  t.equal(followUps, 0, 'a run of whole modules queues no "class became a Moodle course" follow-ups');

  const bulk = await finishedRun(stack, report.runId);
  t.equal(bulk.records, total, 'the run row counts its records');
  t.ok(bulk.started_at && bulk.finished_at && bulk.finished_at >= bulk.started_at, 'started, then finished');
  t.ok(bulk.moodle_calls > 0, `the chunks' Moodle calls are counted (${bulk.moodle_calls})`);
  t.ok(
    bulk.moodle_calls <= moodle.calls.length,
    `no more Moodle calls counted (${bulk.moodle_calls}) than Moodle answered (${moodle.calls.length})`,
  );
  // What bin/sync printed is the whole run's cost, its last chunk included.
  const zohoApiCalls = zoho.calls.filter((c) => c.path.startsWith('/crm/')).length;
  t.same(
    { moodle: report.cost.moodleCalls, zoho: report.cost.zohoCalls.total },
    { moodle: bulk.moodle_calls, zoho: bulk.listing_zoho_calls + bulk.zoho_calls },
    'the cost bin/sync printed is the finished run’s',
  );
  t.equal(report.cost.zohoCalls.total, zohoApiCalls, 'and every Zoho API call made');

  const events = await runEvents(stack, report.runId);
  t.equal(events.length, total, 'one event per record');
  t.same(
    events.filter((e) => e.status !== 'completed').map((e) => `${e.event_id} ${e.status}`),
    [],
    'every event completed',
  );
  t.same(
    events.filter((e) => e.attempt_rows !== 1 || e.attempts !== 1).map((e) => e.event_id),
    [],
    'each record has one attempt, and its own attempt row',
  );
  t.ok(
    events.every((e) => e.event_id === `sync:${report.runId}:${e.record_id}`),
    'event ids are sync:<run>:<record>',
  );
  const jobs = await stack.db.oneFirst(
    sql.type(z.object({ n: z.coerce.number() }))`
      select count(*) as n from graphile_worker.jobs where key like 'event:%' or key = ${`bulk:${report.runId}`}`,
  );
  t.equal(jobs, 0, 'no job left: neither the run nor any record needed one of its own');
});

t.test('one invalid record in a batch fails alone with its reason', async (t) => {
  const stack = await startSyncStack(t);
  const { zoho, moodle } = stack;
  const students = zoho.seed(
    'BTEC_Students',
    Array.from({ length: 50 }, (_, i) => ({
      First_Name: 'Batch',
      Last_Name: `M${i}`,
      Academic_Email: `m${i}.invalid@college.example`,
      Status: 'Active',
    })),
  );
  // Zoho takes this address and it is a valid Moodle username (a-z 0-9 - . @ _), but Moodle's
  // validate_email refuses two dots in a row: only core_user_create_users says no, for the
  // whole batch it is in.
  const [bad] = zoho.seed('BTEC_Students', [
    { First_Name: 'Double', Last_Name: 'Dot', Academic_Email: 'double..dot@college.example', Status: 'Active' },
  ]);
  const more = zoho.seed(
    'BTEC_Students',
    Array.from({ length: 10 }, (_, i) => ({
      First_Name: 'Batch',
      Last_Name: `L${i}`,
      Academic_Email: `l${i}.invalid@college.example`,
      Status: 'Active',
    })),
  );
  const good = [...students, ...more];

  const { process: run, report } = await runSync(stack, ['--module', 'student']);
  t.equal(run.code, 1, 'exit 1: one record did not sync');
  t.equal(report.waited, 'all settled');
  const counts = report.summary.student!;
  t.equal(counts.new, 60, 'the 60 others are new');
  t.equal((counts.failed ?? 0) + (counts.invalid ?? 0), 1, 'the summary counts the refused record');

  const events = await runEvents(stack, report.runId);
  const refused = events.find((e) => e.record_id === bad);
  t.match(
    refused,
    {
      status: 'failed',
      error_code: 'moodle.invalid_parameter',
      // Moodle names the field only in debug mode (debuginfo); its message is the generic one.
      last_error: /core_user_create_users: Invalid parameter value detected/,
      attempts: 1,
      attempt_rows: 1,
    },
    'the refused record is failed with Moodle’s reason',
  );
  t.same(
    events
      .filter((e) => e.record_id !== bad && (e.status !== 'completed' || e.attempt_rows !== 1))
      .map((e) => e.event_id),
    [],
    'every other record completed, once',
  );
  t.same(
    good.filter((id) => userOf(stack, id).length !== 1),
    [],
    'every other student has its account',
  );
  t.equal(userOf(stack, bad!).length, 0, 'the refused one has none');

  const creates = moodle.calls.filter((c) => c.wsfunction === 'core_user_create_users');
  const withBad = creates.filter((c) =>
    Object.values(c.params.users as Record<string, { username?: string }>).some(
      (u) => u.username === 'double..dot@college.example',
    ),
  );
  t.ok(
    withBad.some((c) => itemsOf(c.params.users) > 1 && c.errorcode === 'invalidparameter'),
    'the batched create that held it was refused by Moodle as a whole',
  );
  t.ok(
    withBad.some((c) => itemsOf(c.params.users) === 1 && c.errorcode === 'invalidparameter'),
    'then it was isolated and refused on its own',
  );
  t.ok(creates.length <= 20, `the others were still created in batches (${creates.length} create calls)`);
});

t.test('a killed run, restarted, completes with nothing twice', async (t) => {
  const stack = await startSyncStack(t, {
    moodleWriteCostMs: { user: 20, enrolment: 10 },
    workerEnv: { WORKER_DEAD_AFTER_SECONDS: '5' },
  });
  const { zoho, moodle } = stack;
  const college = seedCollege(zoho, 'kill', { students: 300, classes: 2 });
  const total = 1 + 1 + 2 + 300 + 300;

  const { process: queued, report } = await runSync(stack, ['--all', '--no-wait']);
  t.equal(queued.code, 0, 'queued');
  t.equal(report.waited, 'not waited for (--no-wait)');
  const { runId } = report;

  // Killed while a chunk of students is being created: the first chunk is settled, the second's
  // create call has reached Moodle (it applies at once and answers after its write cost).
  const createsBefore = () => moodle.calls.filter((c) => c.wsfunction === 'core_user_create_users').length;
  await waitFor(
    async () => {
      const events = await runEvents(stack, runId);
      const completed = events.filter((e) => e.status === 'completed').length;
      return completed > 0 && completed < total && createsBefore() >= 3 ? true : undefined;
    },
    60_000,
    'the run to be part-way through the students',
  );
  const killed = stack.worker;
  const exited = new Promise((resolve) => killed.once('exit', resolve));
  killed.kill('SIGKILL');
  await exited;
  const atKill = await runEvents(stack, runId);
  const completedAtKill = atKill.filter((e) => e.status === 'completed').length;
  const processingAtKill = atKill.filter((e) => e.status === 'processing').length;
  t.ok(
    completedAtKill > 0 && completedAtKill < total,
    `killed part-way: ${completedAtKill} of ${total} completed, ${processingAtKill} processing`,
  );

  stack.startWorker();
  await waitFor(
    async () => {
      const events = await runEvents(stack, runId);
      return events.length === total && events.every((e) => SETTLED.includes(e.status)) ? true : undefined;
    },
    120_000,
    'every event of the run to settle after the restart',
  );
  const events = await runEvents(stack, runId);
  t.same(
    events.filter((e) => e.status !== 'completed').map((e) => `${e.event_id} ${e.status} ${e.error_code ?? ''}`),
    [],
    'no event failed: all completed',
  );
  t.same(
    college.students.filter((id) => userOf(stack, id).length !== 1),
    [],
    'each student has exactly one Moodle account (counted by idnumber)',
  );
  t.same(
    enrolmentCounts(stack, college).filter((n) => n !== 1),
    [],
    'each enrolment exists once',
  );
  t.same(
    college.classes.filter((id) => courseOf(stack, id).length !== 1),
    [],
    'each class has one course',
  );
  const interrupted = events.reduce((sum, e) => sum + e.interrupted, 0);
  t.ok(
    interrupted > 0,
    `the kill interrupted ${interrupted} attempts (${processingAtKill} records were processing), and they were rerun`,
  );
  t.same(
    events
      .filter((e) => e.attempt_rows !== e.attempts || e.attempt_rows !== 1 + e.interrupted)
      .map((e) => `${e.event_id}: ${e.attempts} attempts, ${e.attempt_rows} rows`),
    [],
    'each attempt has its row: one, or an interrupted one and the one that completed',
  );
  const bulk = await finishedRun(stack, runId);
  t.ok(bulk.finished_at, 'the retried bulk job finished the run');
});

t.test('a second run writes nothing to Moodle and costs only the listing', async (t) => {
  const stack = await startSyncStack(t);
  const { zoho, moodle } = stack;
  seedCollege(zoho, 'again', { students: 40, classes: 2 });
  const total = 1 + 1 + 2 + 40 + 40;

  const first = await runSync(stack, ['--all']);
  t.equal(first.process.code, 0, 'the first run syncs everything');
  await finishedRun(stack, first.report.runId);
  await allSettled(stack);

  const moodleBefore = moodle.calls.length;
  const zohoBefore = zoho.calls.length;
  const { process: run, report } = await runSync(stack, ['--all']);
  t.equal(run.code, 0, 'exit 0');
  await finishedRun(stack, report.runId);
  await allSettled(stack);
  t.same(
    moodleWrites(stack, moodleBefore).map((c) => c.wsfunction),
    [],
    'no Moodle write call',
  );
  const apiCalls = zoho.calls.slice(zohoBefore).filter((c) => c.path.startsWith('/crm/'));
  t.equal(report.cost.zohoCalls.events, 0, 'syncing cost no Zoho call');
  t.equal(
    report.cost.zohoCalls.listing,
    apiCalls.length,
    `the listing is every Zoho API call made (${apiCalls.map((c) => `${c.method} ${c.path}`).join(', ')})`,
  );
  t.ok(
    apiCalls.every((c) => c.method === 'GET' || c.path.endsWith('/coql')),
    'all of them reads',
  );
  t.equal(report.cost.zohoCalls.total, report.cost.zohoCalls.listing);
  t.equal(report.totals.unchanged, total, `all ${total} records unchanged`);
  for (const [entity, counts] of Object.entries(report.summary)) {
    t.match(counts, { new: 0, updated: 0, invalid: 0, skipped: 0, failed: 0, waiting: 0 }, `${entity}: unchanged only`);
  }
  t.ok(
    report.cost.moodleCalls <= moodle.calls.length - moodleBefore,
    `the Moodle calls counted (${report.cost.moodleCalls}) are ones Moodle answered (${moodle.calls.length - moodleBefore})`,
  );
});

t.test('a dry run writes nothing anywhere', async (t) => {
  const stack = await startSyncStack(t);
  const { zoho, moodle } = stack;
  const college = seedCollege(zoho, 'dry', { students: 30, classes: 2 });
  const total = 1 + 1 + 2 + 30 + 30;
  const zohoRecords = college.students.map((id) => JSON.stringify(zoho.record('BTEC_Students', id)));

  // A dry run of 64 records takes seconds: bin/sync stops waiting after 30 s rather than hang the file.
  const { process: run, report } = await runSync(stack, ['--all', '--dry-run', '--timeout-minutes', '0.5']);
  t.equal(report.dryRun, true);
  const events = await runEvents(stack, report.runId);
  const unsettled: Record<string, number> = {};
  for (const e of events.filter((e) => !SETTLED.includes(e.status)))
    unsettled[`${e.entity} ${e.status}`] = (unsettled[`${e.entity} ${e.status}`] ?? 0) + 1;
  t.equal(report.waited, 'all settled', `every event of the dry run settles (unsettled: ${JSON.stringify(unsettled)})`);
  t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.slice(0, 500)})`);

  t.same(
    moodleWrites(stack).map((c) => c.wsfunction),
    [],
    'no Moodle write call',
  );
  t.equal(moodle.state.users.filter((u) => u.email.endsWith('.dry@college.example')).length, 0, 'no account');
  const zohoWrites = zoho.calls.filter(
    (c) =>
      c.path.startsWith('/crm/') && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(c.method) && !c.path.endsWith('/coql'),
  );
  t.same(
    zohoWrites.map((c) => `${c.method} ${c.path}`),
    [],
    'no Zoho write',
  );
  t.same(
    college.students.map((id) => JSON.stringify(zoho.record('BTEC_Students', id))),
    zohoRecords,
    'the Zoho records are as they were',
  );

  t.equal(events.length, total, 'one event per record');
  t.same(
    events
      .filter((e) => {
        const result = e.result as { dryRun?: unknown; reason?: unknown } | null;
        return e.status !== 'skipped' || result?.dryRun !== true || !/^dry run: would be /.test(String(result.reason));
      })
      .slice(0, 5)
      .map((e) => `${e.event_id} ${e.entity} ${e.status} ${JSON.stringify(e.result)}`.slice(0, 200)),
    [],
    'every event skipped, its result saying what the dry run would have done',
  );
  t.match(report.totals, { skipped: total, new: 0, updated: 0, failed: 0, invalid: 0, waiting: 0 });
  const links = await stack.db.oneFirst(
    sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from sync_links`,
  );
  t.equal(links, 0, 'no link saved');
});

t.test('a webhook during a run does not fight it', async (t) => {
  const stack = await startSyncStack(t, { moodleWriteCostMs: { user: 20, enrolment: 10 } });
  const { zoho } = stack;
  const college = seedCollege(zoho, 'hook', { students: 200, classes: 2 });
  const early = college.students[0]!;
  const late = college.students.at(-1)!;

  const running = runSync(stack, ['--all']);
  // The run is under way once its first chunks are settled; the late student is not reached yet.
  const runId = await waitFor(
    async () => {
      const row = await stack.db.maybeOne(
        sql.type(z.object({ run: z.string() }))`
          select payload ->> 'run' as run from integration_events_log
           where payload ? 'run' and status = 'completed' and entity = 'student' limit 1`,
      );
      return row?.run;
    },
    60_000,
    'the run to complete its first students',
  );
  const lateBefore = (await runEvents(stack, runId)).find((e) => e.record_id === late);
  t.not(lateBefore?.status, 'completed', 'the late student is still to come');

  const send = async (id: string, fields: Record<string, unknown>) => {
    zoho.edit('BTEC_Students', id, fields);
    const eventId = randomUUID();
    const answer = await stack.sendZoho('student', {
      event_id: eventId,
      event_type: 'updated',
      module: 'BTEC_Students',
      record_id: id,
    });
    t.equal(answer.status, 202, 'the webhook is accepted');
    return eventId;
  };
  const hooks = [
    await send(early, { Last_Name: 'Edited Early', City: 'Leeds' }),
    await send(late, { Last_Name: 'Edited Late', City: 'York' }),
  ];

  const { process: run, report } = await running;
  t.equal(report.runId, runId);
  t.equal(report.waited, 'all settled');
  t.equal(run.code, 0, 'exit 0: nothing failed');
  for (const hook of hooks) {
    const row = await stack.settled(hook, 60_000);
    t.equal(row.status, 'completed', `webhook ${hook} completed`);
  }
  await allSettled(stack);

  const earlyUsers = userOf(stack, early);
  const lateUsers = userOf(stack, late);
  t.equal(earlyUsers.length, 1, 'the early student has one account');
  t.match(earlyUsers[0], { lastname: 'Edited Early', city: 'Leeds' }, 'with the edited fields');
  t.equal(lateUsers.length, 1, 'the late student has one account');
  t.match(lateUsers[0], { lastname: 'Edited Late', city: 'York' }, 'with the edited fields, not the listing’s');

  const events = await runEvents(stack, runId);
  t.same(
    events.filter((e) => e.status !== 'completed').map((e) => `${e.event_id} ${e.status} ${e.error_code ?? ''}`),
    [],
    'every event of the run completed',
  );
  const failed = await stack.db.oneFirst(
    sql.type(z.object({ n: z.coerce.number() }))`
      select count(*) as n from integration_events_log where status not in ('completed', 'skipped')`,
  );
  t.equal(failed, 0, 'no event anywhere failed');
  t.same(
    college.students.filter((id) => userOf(stack, id).length !== 1),
    [],
    'every student has exactly one account',
  );
  t.same(
    enrolmentCounts(stack, college).filter((n) => n !== 1),
    [],
    'every enrolment exists once',
  );
});
