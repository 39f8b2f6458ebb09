import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { summariseRun } from '../../shared/db/queries/reconcileRuns.ts';
import { runProcess } from '../helpers/spawnProcess.ts';
import { startSyncStack } from '../helpers/startSyncStack.ts';
import { ADMIN_URL } from '../helpers/testDatabase.ts';
import { waitFor } from '../helpers/waitFor.ts';

/**
 * bin/sync against the real ingress + worker (which sync what it queues), the Zoho simulator
 * as the source and the Moodle simulator as the target.
 */

const SYNC = fileURLToPath(new URL('../../bin/sync', import.meta.url));
const lookup = (id: string | undefined) => ({ id: id!, name: 'x' });

t.test('summariseRun puts each outcome in the column an operator reads', async (t) => {
  t.same(
    summariseRun([
      { entity: 'student', status: 'completed', action: 'created', error_code: null, n: 3 },
      { entity: 'student', status: 'completed', action: 'unchanged', error_code: null, n: 2 },
      { entity: 'student', status: 'completed', action: 'suspended', error_code: null, n: 1 },
      { entity: 'student', status: 'failed', action: '', error_code: 'zoho.missing_email', n: 1 },
      { entity: 'student', status: 'failed', action: '', error_code: 'moodle.unavailable', n: 1 },
      { entity: 'student', status: 'skipped', action: 'skipped', error_code: null, n: 4 },
      { entity: 'student', status: 'retrying', action: '', error_code: 'moodle.unavailable', n: 5 },
    ]),
    { student: { new: 3, updated: 1, unchanged: 2, invalid: 1, skipped: 4, failed: 1, waiting: 5 } },
  );
});

t.test('bin/sync loads every module through the worker, then finds everything unchanged', async (t) => {
  const stack = await startSyncStack(t);
  const { zoho, moodle } = stack;
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: stack.databaseUrl,
    ZOHO_ACCOUNTS_URL: zoho.accountsUrl,
    ZOHO_CLIENT_ID: zoho.clientId,
    ZOHO_CLIENT_SECRET: zoho.clientSecret,
    ZOHO_REFRESH_TOKEN: zoho.refreshToken,
    ZOHO_API_URL: zoho.apiUrl,
    ENCRYPTION_KEY: stack.encryptionKey,
  };
  const [program] = zoho.seed('Products', [{ Product_Name: 'Level 5 Business' }]);
  const [teacher] = zoho.seed('BTEC_Teachers', [{ Name: 'Leila Haddad', Academic_Email: 'leila.s@college.example' }]);
  const [cls] = zoho.seed('BTEC_Classes', [
    {
      Class_Name: 'Unit 1',
      Class_Short_Name: 'U1-S',
      Class_Status: 'Active',
      BTEC_Program: lookup(program),
      Teacher: lookup(teacher),
    },
  ]);
  const students = zoho.seed(
    'BTEC_Students',
    Array.from({ length: 6 }, (_, i) => ({
      First_Name: 'S',
      Last_Name: `N${i}`,
      Academic_Email: `s${i}.sync@college.example`,
      Status: 'Active',
    })),
  );
  const [broken] = zoho.seed('BTEC_Students', [{ First_Name: 'No', Last_Name: 'Mail' }]);
  zoho.seed(
    'BTEC_Enrollments',
    students.map((s) => ({ Enrolled_Students: lookup(s), Classes: lookup(cls) })),
  );

  const first = await runProcess(
    SYNC,
    ['--module', 'program', 'teacher', 'BTEC_Students', 'class', 'enrollment', '--json'],
    { env, timeout: 120_000 },
  );
  t.equal(first.code, 1, 'exit 1: one record is invalid');
  const report = JSON.parse(first.stdout) as {
    runId: string;
    queued: Record<string, number>;
    summary: Record<string, Record<string, number>>;
    cost: { zohoCalls: { listing: number; events: number; total: number }; moodleCalls: number };
    waited: string;
  };
  t.same(report.queued, { program: 1, teacher: 1, student: 7, class: 1, enrollment: 6 });
  t.equal(report.waited, 'all settled');
  t.ok(report.cost.zohoCalls.listing >= 5, 'the listing: a page or more per module');
  t.ok(report.cost.zohoCalls.events > 0 && report.cost.moodleCalls > 0, 'what syncing the run cost');
  t.equal(report.cost.zohoCalls.total, report.cost.zohoCalls.listing + report.cost.zohoCalls.events);
  t.match(report.summary, {
    program: { new: 1 },
    teacher: { new: 1 },
    class: { new: 1 },
    student: { new: 6, invalid: 1 },
    enrollment: { waiting: 0 },
  });
  t.equal(
    report.summary.enrollment!.new! + report.summary.enrollment!.unchanged!,
    6,
    'every enrolment made (some by a class-course follow-up first)',
  );
  t.equal(
    moodle.state.users.filter((u) => u.email.endsWith('.sync@college.example')).length,
    6,
    '6 accounts in Moodle',
  );
  const failed = await stack.db.oneFirst(
    sql.type(
      z.object({ e: z.string() }),
    )`select error_code as e from integration_events_log where record_id = ${broken!} and status = 'failed'`,
  );
  t.equal(failed, 'zoho.missing_email', 'the invalid record is visible with its reason');

  // The first run's follow-ups (enrolments a new class course queued) are not its events: let them finish.
  await waitFor(
    async () =>
      (await stack.db.oneFirst(
        sql.type(z.object({ n: z.coerce.number() }))`
          select count(*) as n from integration_events_log where status in ('pending', 'processing', 'retrying')`,
      )) === 0 || undefined,
    30_000,
    'the follow-up events to settle',
  );
  const before = moodle.calls.length;
  const zohoBefore = zoho.calls.length;
  const second = await runProcess(SYNC, ['--all'], { env, timeout: 120_000 });
  // Everything unchanged and nothing followed up: the cost printed is every call the two systems saw.
  const apiCalls = zoho.calls.slice(zohoBefore).filter((c) => c.path.startsWith('/crm/')).length;
  t.match(
    second.stdout,
    new RegExp(
      `Cost: ${apiCalls} Zoho API calls \\(listing \\d+, syncing \\d+\\), ${moodle.calls.length - before} Moodle calls`,
    ),
    'the cost line counts the calls Zoho and Moodle answered',
  );
  t.equal(second.code, 1, 'the invalid record still fails');
  t.match(second.stderr, /student: 7 queued/);
  t.match(
    second.stdout,
    /BTEC_Students\s*│\s*0\s*│\s*0\s*│\s*6\s*│\s*1\s*│/,
    'the table: students new 0, updated 0, unchanged 6, invalid 1',
  );
  t.match(second.stdout, /all settled/);
  t.equal(
    moodle.calls.filter((c) => c.wsfunction?.startsWith('core_user_create')).length,
    moodle.calls.slice(0, before).filter((c) => c.wsfunction?.startsWith('core_user_create')).length,
    'no account created the second time',
  );

  // A dry run of recent changes: only what changed is looked at, nothing is written.
  zoho.edit('BTEC_Students', students[0]!, { Last_Name: 'Changed' });
  const dry = await runProcess(SYNC, ['--module', 'student', '--since', '1h', '--dry-run', '--json'], {
    env,
    timeout: 120_000,
  });
  const dryReport = JSON.parse(dry.stdout) as { summary: Record<string, Record<string, number>> };
  t.match(
    dryReport.summary.student,
    { skipped: 6, invalid: 1 },
    'dry-run events end skipped (they say what they would do)',
  );
  t.notOk(
    moodle.state.users.some((u) => u.lastname === 'Changed'),
    'nothing written',
  );
});

t.test('bin/sync says what is wrong with its arguments and its configuration', async (t) => {
  const none = await runProcess(SYNC, [], { env: { PATH: process.env.PATH } });
  t.equal(none.code, 1);
  t.match(none.stderr, /say which records: --all, or --module/);
  const bad = await runProcess(SYNC, ['--module', 'leads'], { env: { PATH: process.env.PATH } });
  t.match(bad.stderr, /--module leads is not one of program, teacher, student/);
  const since = await runProcess(SYNC, ['--all', '--since', 'yesterday'], { env: { PATH: process.env.PATH } });
  t.match(since.stderr, /--since must be a number and a unit/);
  // A reachable database (the run's own, which `npm test` chose): the Zoho settings are checked after connecting.
  const noZoho = await runProcess(SYNC, ['--all'], { env: { PATH: process.env.PATH, DATABASE_URL: ADMIN_URL } });
  t.equal(noZoho.code, 2);
  t.match(noZoho.stderr, /bin\/sync reads Zoho: set ZOHO_ACCOUNTS_URL/);
});
