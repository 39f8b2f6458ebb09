import { fileURLToPath } from 'node:url';
import t from 'tap';
import { z } from 'zod';
import { createMoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { runProcess } from '../helpers/spawnProcess.ts';
import { startSyncStack } from '../helpers/startSyncStack.ts';

const SYNC = fileURLToPath(new URL('../../bin/sync', import.meta.url));
const lookup = (id: string | undefined) => ({ id: id!, name: 'x' });

interface DriftReport {
  runId: string;
  mode: string;
  drift: {
    counts: Record<string, Record<string, number>>;
    items: { entity: string; recordId: string; column: string; detail: string }[];
  };
  unlinkedEnrolments: { classZohoId: string; courseId: number; userId: number; username: string | null }[];
  cost: { zohoCalls: { listing: number; events: number }; moodleCalls: number };
  waited: string;
}

t.test('bin/sync --check finds each kind of drift, writes nothing, and --repair fixes it', async (t) => {
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
  const sync = async (args: string[]) => {
    const run = await runProcess(SYNC, args, { env, timeout: 120_000 });
    t.equal(
      run.stderr.includes('bin/sync failed'),
      false,
      `bin/sync ${args.join(' ')} ran (${run.stderr.slice(-300)})`,
    );
    return run;
  };
  const [program] = zoho.seed('Products', [{ Product_Name: 'Level 3 Engineering' }]);
  const [teacher] = zoho.seed('BTEC_Teachers', [{ Name: 'Ana Teacher', Academic_Email: 'ana.drift@college.example' }]);
  const [cls] = zoho.seed('BTEC_Classes', [
    {
      Class_Name: 'Unit 7 Mechanics',
      Class_Short_Name: 'U7-D',
      Class_Status: 'Active',
      BTEC_Program: lookup(program),
      Teacher: lookup(teacher),
    },
  ]);
  const students = zoho.seed(
    'BTEC_Students',
    Array.from({ length: 5 }, (_, i) => ({
      First_Name: 'Drift',
      Last_Name: `Student${i}`,
      Academic_Email: `d${i}.drift@college.example`,
      Status: 'Active',
    })),
  );
  const [first, renamedInZoho, deletedInZoho, deletedInMoodle, withdrawn] = students as [
    string,
    string,
    string,
    string,
    string,
  ];
  zoho.seed(
    'BTEC_Enrollments',
    [first, renamedInZoho, deletedInMoodle].map((s) => ({ Enrolled_Students: lookup(s), Classes: lookup(cls) })),
  );

  const loaded = await sync(['--all', '--json']);
  t.equal(loaded.code, 0, 'the first load syncs everything');
  zoho.edit('BTEC_Students', withdrawn, { Status: 'Withdraw' });
  t.equal((await sync(['--module', 'student'])).code, 0, 'a withdrawal synced: the account suspended');
  const clean = await sync(['--all', '--check', '--json']);
  const cleanReport = JSON.parse(clean.stdout) as DriftReport;
  t.equal(clean.code, 0, 'exit 0: Zoho and Moodle agree');
  t.same(cleanReport.drift.items, [], 'no record differs right after the load');
  t.same(cleanReport.unlinkedEnrolments, []);

  // Drift, made as it happens: Zoho changes whose webhook never came, and changes made by hand in Moodle.
  const [added] = zoho.seed('BTEC_Students', [
    { First_Name: 'Late', Last_Name: 'Arrival', Academic_Email: 'late.drift@college.example', Status: 'Active' },
  ]);
  zoho.edit('BTEC_Students', renamedInZoho, { Last_Name: 'Renamed' });
  zoho.remove('BTEC_Students', deletedInZoho);
  const byHand = createMoodleClient({
    url: moodle.url,
    token: moodle.token,
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  const userOf = (zohoId: string) => moodle.state.users.find((u) => u.idnumber === zohoId && !u.deleted)!;
  const course = moodle.state.courses.find((c) => c.idnumber === cls)!;
  await byHand.updateCourses([{ id: course.id, fullname: 'Renamed by hand' }]);
  await byHand.updateUsers([{ id: userOf(withdrawn).id, suspended: false }]);
  await byHand.call('core_user_delete_users', { userids: [userOf(deletedInMoodle).id] }, z.null());
  const [stranger] = await byHand.createUsers([
    {
      username: 'stranger.drift',
      email: 'stranger.drift@college.example',
      firstname: 'Not',
      lastname: 'InZoho',
      auth: 'manual',
      password: 'Strang3r!pass',
    },
  ]);
  await byHand.enrolUsers([{ userid: stranger!.id, courseid: course.id, roleid: 5 }]);

  const moodleWrites = () =>
    moodle.calls.filter((c) =>
      /^(core_user_(create|update)_users|enrol_manual_enrol_users|core_course_(create|update)_(courses|categories))$/.test(
        c.wsfunction ?? '',
      ),
    ).length;
  const zohoWrites = () => zoho.calls.filter((c) => c.method !== 'GET' && c.path.startsWith('/crm/')).length;
  const [writesBefore, zohoWritesBefore] = [moodleWrites(), zohoWrites()];
  const checked = await sync(['--all', '--check', '--json']);
  t.equal(checked.code, 1, 'exit 1: drift found');
  const report = JSON.parse(checked.stdout) as DriftReport;
  t.equal(moodleWrites(), writesBefore, 'the check wrote nothing to Moodle');
  t.equal(zohoWrites(), zohoWritesBefore, 'nor to Zoho');
  const item = (recordId: string) => report.drift.items.find((i) => i.recordId === recordId);
  t.match(item(added!), { column: 'missing in Moodle', detail: 'not in Moodle' }, 'a Zoho record never synced');
  t.match(item(renamedInZoho), { column: 'differs', detail: /lastname/ }, 'a Zoho change whose webhook never came');
  t.match(item(deletedInZoho), { column: 'deleted in Zoho' }, 'a record deleted in Zoho, still live in Moodle');
  t.match(
    item(deletedInMoodle),
    { column: 'missing in Moodle', detail: /no longer exists/ },
    'a linked account deleted in Moodle',
  );
  t.match(item(withdrawn), { column: 'differs', detail: /suspended/ }, 'an account unsuspended by hand in Moodle');
  t.match(item(cls!), { column: 'differs', detail: /fullname/ }, 'a course renamed by hand in Moodle');
  t.match(
    report.unlinkedEnrolments,
    [{ classZohoId: cls, courseId: course.id, userId: stranger!.id, username: 'stranger.drift' }],
    'a Moodle enrolment no Zoho enrollment accounts for',
  );
  t.equal(item(first), undefined, 'what is in step is not listed');
  t.equal(report.drift.counts.student!['in sync'], 1, 'the table counts the student in step');

  const table = await sync(['--all', '--check']);
  t.match(table.stdout, /nothing written/, 'the table names itself');
  t.match(
    table.stdout,
    /BTEC_Students\s*│\s*1\s*│\s*2\s*│\s*2\s*│\s*1\s*│/,
    'students: in sync 1, missing 2, differ 2, deleted 1',
  );
  t.match(table.stdout, /1 Moodle enrolment\(s\) no Zoho enrollment accounts for/);
  t.match(table.stdout, /bin\/sync --repair/);

  const repaired = await sync(['--all', '--repair', '--json']);
  t.equal(repaired.code, 0, `the repair run succeeds (${repaired.stdout.slice(0, 400)})`);
  t.equal(moodle.state.courses.find((c) => c.id === course.id)!.fullname, 'Unit 7 Mechanics', 'course name restored');
  t.equal(userOf(withdrawn).suspended, true, 'the withdrawn student suspended again');
  t.equal(userOf(renamedInZoho).lastname, 'Renamed', 'the Zoho change applied');
  t.ok(userOf(added!), 'the missed student has an account');
  t.ok(userOf(deletedInMoodle), 'the account deleted by hand made again');
  t.equal(userOf(deletedInZoho).suspended, true, 'the student deleted in Zoho suspended');
  t.ok(
    moodle.state.enrolments.some(
      (e) => e.userid === userOf(deletedInMoodle).id && e.courseid === course.id && e.status === 0,
    ),
    'and enrolled again',
  );

  const after = await sync(['--all', '--check', '--json']);
  const afterReport = JSON.parse(after.stdout) as DriftReport;
  t.same(afterReport.drift.items, [], 'after the repair every record is in step');
  t.equal(afterReport.unlinkedEnrolments.length, 1, 'the enrolment made by hand is still reported, never removed');
});
