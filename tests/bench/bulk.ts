// npm run bench:bulk — a college's first day: N students, each enrolled in one of BENCH_CLASSES
// classes (default 10) of one program and teacher, loaded by `bin/sync --all` through the real
// worker, against the simulators with a real site's costs: Zoho answers each call after
// BENCH_ZOHO_MS (default 150), Moodle spends BENCH_MOODLE_USER_MS (25) per user written and
// BENCH_MOODLE_ENROL_MS (12) per enrolment (the figures measured on a real Moodle 4.5, 2 cores).
//
// For each N in BENCH_STUDENTS (default 200; the bulk-load issue asks 1000,5000,10000):
//   a. bin/sync --all, timed until it says "all settled", and until the queue is really empty
//      (the follow-up events a new class course queues are not the run's own);
//   b. the floor, in the same run: the same users, courses and enrolments written directly
//      through the Moodle client, 100 a call, into an emptied simulated Moodle.
// It prints seconds, records/s, Zoho and Moodle calls per record and the ratio to the floor.
// Figures only: nothing here asserts a timing.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import { z } from 'zod';
import { createMoodleClient, type NewMoodleUser } from '../../shared/clients/moodle/createMoodleClient.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { runProcess } from '../helpers/spawnProcess.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { createBenchDatabase } from './benchDatabase.ts';
import { describeLoad, describeMachine, envInt, envIntList, printTable, runBenchmark, sleep } from './benchSupport.ts';

const STUDENTS = envIntList('BENCH_STUDENTS', [200]);
const CLASSES = envInt('BENCH_CLASSES', 10);
const ZOHO_MS = envInt('BENCH_ZOHO_MS', 150, 0);
const USER_MS = envInt('BENCH_MOODLE_USER_MS', 25, 0);
const ENROL_MS = envInt('BENCH_MOODLE_ENROL_MS', 12, 0);
const CONCURRENCY = envInt('BENCH_WORKER_CONCURRENCY', 4);
const BATCH = 100;
// The operator's command, as an operator runs it (it finds the project's Node itself).
const SYNC = fileURLToPath(new URL('../../bin/sync', import.meta.url));

const lookup = (id: string | undefined) => ({ id: id!, name: 'x' });

/** The college in the simulated Zoho: one program and teacher, the classes, the students and their enrolments. */
function seedCollege(stack: SyncStack, students: number, tag: string) {
  const [program] = stack.zoho.seed('Products', [{ Product_Name: `Bulk programme ${tag}` }]);
  const [teacher] = stack.zoho.seed('BTEC_Teachers', [
    { Name: 'Bulk Teacher', Academic_Email: `teacher.${tag}@college.example` },
  ]);
  const classes = stack.zoho.seed(
    'BTEC_Classes',
    Array.from({ length: CLASSES }, (_, i) => ({
      Class_Name: `Unit ${i + 1} ${tag}`,
      Class_Short_Name: `U${i + 1}-${tag}`,
      Class_Status: 'Active',
      BTEC_Program: lookup(program),
      Teacher: lookup(teacher),
    })),
  );
  const people = stack.zoho.seed(
    'BTEC_Students',
    Array.from({ length: students }, (_, i) => ({
      First_Name: 'Student',
      Last_Name: `${tag}${i}`,
      Academic_Email: `s${i}.${tag}@college.example`,
      Status: 'Active',
    })),
  );
  stack.zoho.seed(
    'BTEC_Enrollments',
    people.map((s, i) => ({ Enrolled_Students: lookup(s), Classes: lookup(classes[i % CLASSES]) })),
  );
}

const countSchema = z.object({ n: z.coerce.number() });
const unsettled = (stack: SyncStack) =>
  stack.db.oneFirst(
    sql.type(
      countSchema,
    )`select count(*) as n from integration_events_log where status in ('pending', 'processing', 'retrying')`,
  );

/** a. The event path: bin/sync --all, then the follow-ups. */
async function runSync(stack: SyncStack, students: number) {
  const zohoBefore = stack.zoho.calls.length;
  const moodleBefore = stack.moodle.calls.length;
  const started = performance.now();
  const run = await runProcess(SYNC, ['--all', '--json', '--timeout-minutes', '120'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: stack.databaseUrl,
      ZOHO_ACCOUNTS_URL: stack.zoho.accountsUrl,
      ZOHO_CLIENT_ID: stack.zoho.clientId,
      ZOHO_CLIENT_SECRET: stack.zoho.clientSecret,
      ZOHO_REFRESH_TOKEN: stack.zoho.refreshToken,
      ZOHO_API_URL: stack.zoho.apiUrl,
      ENCRYPTION_KEY: stack.encryptionKey,
    },
    timeout: 2 * 60 * 60_000,
  });
  const settled = (performance.now() - started) / 1000;
  if (run.code === 2) throw new Error(`bin/sync failed: ${run.stderr.slice(-500)}`);
  const report = JSON.parse(run.stdout) as { totals: Record<string, number>; waited: string };
  const followUps = await stack.db.oneFirst(
    sql.type(countSchema)`select count(*) as n from integration_events_log where event_id like 'class-course:%'`,
  );
  while ((await unsettled(stack)) > 0) await sleep(200);
  const empty = (performance.now() - started) / 1000;
  const created = stack.moodle.state.users.filter((u) => u.email.endsWith('@college.example')).length;
  if (created < students) throw new Error(`only ${created} of ${students} students reached Moodle`);
  return {
    settled,
    empty,
    waited: report.waited,
    failed: (report.totals.failed ?? 0) + (report.totals.invalid ?? 0),
    followUps,
    zohoCalls: stack.zoho.calls.slice(zohoBefore).filter((c) => c.path.startsWith('/crm/')).length,
    moodleCalls: stack.moodle.calls.length - moodleBefore,
  };
}

/** b. The floor: the same writes issued directly, 100 a call, into an emptied simulated Moodle. */
async function runFloor(stack: SyncStack, students: number) {
  stack.moodle.reset();
  const moodle = createMoodleClient({
    url: stack.moodle.url,
    token: stack.moodle.token,
    log: createLogger({ service: 'bench', level: 'warn' }),
  });
  const users: NewMoodleUser[] = Array.from({ length: students }, (_, i) => ({
    username: `f${i}@college.example`,
    email: `f${i}@college.example`,
    firstname: 'Student',
    lastname: `F${i}`,
    auth: 'manual',
  }));
  const started = performance.now();
  const [category] = await moodle.createCategories([{ name: 'Floor programme', idnumber: 'floor-program' }]);
  const courses = await moodle.createCourses(
    Array.from({ length: CLASSES }, (_, i) => ({
      fullname: `Floor unit ${i + 1}`,
      shortname: `FLOOR-${i + 1}`,
      categoryid: category!.id,
    })),
  );
  const ids: number[] = [];
  for (let i = 0; i < users.length; i += BATCH) {
    for (const made of await moodle.createUsers(users.slice(i, i + BATCH))) ids.push(made.id);
  }
  const enrolments = ids.map((userid, i) => ({ userid, courseid: courses[i % CLASSES]!.id, roleid: 5 }));
  for (let i = 0; i < enrolments.length; i += BATCH) await moodle.enrolUsers(enrolments.slice(i, i + BATCH));
  return (performance.now() - started) / 1000;
}

await runBenchmark('bench:bulk', async (cleanup) => {
  console.log(`bench:bulk — ${describeMachine()}`);
  console.log(
    `students: ${STUDENTS.join(', ')}, in ${CLASSES} classes; Zoho ${ZOHO_MS} ms a call; Moodle ${USER_MS} ms a user written, ${ENROL_MS} ms an enrolment; worker concurrency ${CONCURRENCY}\n`,
  );
  const rows: (string | number)[][] = [];
  for (const students of STUDENTS) {
    const database = await createBenchDatabase(createLogger({ service: 'bench', level: 'warn' }));
    const teardowns: (() => unknown)[] = [];
    const stack = await startSyncStack({ teardown: (fn: () => unknown) => void teardowns.push(fn) } as never, {
      databaseUrl: database.url,
      workerConcurrency: CONCURRENCY,
      // The stack waits for the processes' "listening" lines, logged at info.
      logLevel: 'info',
      zohoLatencyMs: ZOHO_MS,
      moodleWriteCostMs: { user: USER_MS, enrolment: ENROL_MS },
    });
    const stop = async () => {
      for (const task of teardowns.reverse()) await task();
      await database.drop();
    };
    cleanup.defer(stop);
    seedCollege(stack, students, `n${students}`);
    const sync = await runSync(stack, students);
    const floor = await runFloor(stack, students);
    // Records written: the students and their enrolments (classes, the program and the teacher are few).
    const records = 2 * students;
    rows.push([
      students,
      sync.settled.toFixed(1),
      sync.empty.toFixed(1),
      sync.followUps,
      (records / sync.empty).toFixed(1),
      (sync.zohoCalls / records).toFixed(2),
      (sync.moodleCalls / records).toFixed(2),
      floor.toFixed(1),
      `${(sync.empty / floor).toFixed(1)}×`,
      sync.failed,
    ]);
  }
  printTable(
    [
      'students',
      'bin/sync settled s',
      'queue empty s',
      'follow-ups',
      'records/s',
      'Zoho calls / record',
      'Moodle calls / record',
      'floor s',
      'vs floor',
      'failed',
    ],
    rows,
  );
  console.log(
    `\nrecords = students + their enrolments; the floor writes the same users, ${CLASSES} courses and the enrolments directly, ${BATCH} a call. ${describeLoad()}`,
  );
  console.log('goal (bulk-load issue): ≤ 1.5× the floor, ≤ 0.05 Zoho and ≤ 0.1 Moodle calls a record');
});
