// `npm run check:real-moodle`: the service's Zoho → Moodle flows against a REAL Moodle, the
// way a college runs them: the real ingress and worker, a fresh database on the test
// PostgreSQL, the Zoho simulator as the source, and MOODLE_URL / MOODLE_TOKEN as printed by
// the plugin's setup script (php local/zohosync/cli/setup_integration.php). Not part of
// `npm test` (CI has no Moodle). Each run uses new names, so it can run again on the same site.
//
// It checks what failed on a real Moodle before the setup script existed: an update and a
// suspension of a student the service created (Moodle hides username/idnumber without
// moodle/user:viewalldetails), a teacher role assignment, and the enrolment chain.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { runBenchmark } from '../bench/benchSupport.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/testDatabase.ts';

const env = z.object({
  MOODLE_URL: z.url({ error: 'MOODLE_URL must be the site address, e.g. http://127.0.0.1:8045' }),
  MOODLE_TOKEN: z.string().regex(/^[0-9a-f]{32}$/, 'MOODLE_TOKEN must be the 32-character token the setup script printed'),
}).safeParse(process.env);
if (!env.success) {
  console.error(`check:real-moodle: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const { MOODLE_URL, MOODLE_TOKEN } = env.data;

/** One REST call with the integration token (what the service itself can see). */
async function moodle(wsfunction: string, params: Record<string, string>): Promise<unknown> {
  const body = new URLSearchParams({ wstoken: MOODLE_TOKEN, wsfunction, moodlewsrestformat: 'json', ...params });
  const response = await fetch(`${MOODLE_URL.replace(/\/$/, '')}/webservice/rest/server.php`, { method: 'POST', body });
  return response.json();
}
const userSchema = z.array(z.object({ id: z.number(), username: z.string().optional(), idnumber: z.string().optional(), lastname: z.string(), suspended: z.boolean().optional() }));
const findUser = async (idnumber: string) => userSchema.parse(await moodle('core_user_get_users_by_field', { field: 'idnumber', 'values[0]': idnumber }))[0];

const results: [string, boolean, string][] = [];
const check = (what: string, ok: boolean, detail = '') => {
  results.push([what, ok, detail]);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
};

async function send(stack: SyncStack, entity: string, module: string, recordId: string, eventType = 'updated') {
  const eventId = randomUUID();
  const answer = await stack.sendZoho(entity, { event_id: eventId, event_type: eventType, module, record_id: recordId });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return stack.settled(eventId, 120_000);
}

await runBenchmark('check:real-moodle', async (cleanup) => {
  const site = z.object({ sitename: z.string(), release: z.string(), username: z.string() }).parse(await moodle('core_webservice_get_site_info', {}));
  console.log(`Moodle "${site.sitename}" ${site.release}, token of user ${site.username}`);

  const name = `mzs_real_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  cleanup.defer(async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.end();
  });
  const stack = await startSyncStack({ teardown: (task: () => Promise<void> | void) => cleanup.defer(task) } as never, {
    databaseUrl: databaseUrl(name),
    logLevel: 'info',
    workerEnv: { MOODLE_URL, MOODLE_TOKEN },
  });
  const tag = randomBytes(3).toString('hex');
  const { zoho } = stack;
  const lookup = (id: string) => ({ id, name: 'x' });
  // Zoho-like ids of this run only: the simulator's own start from the same number every run,
  // and on a real site that would find (and update) the previous run's records.
  const base = 5_725_767_000_000_000_000n + BigInt(Number.parseInt(randomBytes(5).toString('hex'), 16)) * 1000n;
  let serial = 0n;
  const id = () => String(base + ++serial);
  const [programId] = zoho.seed('Products', [{ id: id(), Product_Name: `Level 5 Business ${tag}` }]);
  const [teacherId] = zoho.seed('BTEC_Teachers', [{ id: id(), Name: `Leila Haddad ${tag}`, Academic_Email: `leila.${tag}@college.example` }]);
  const [classId] = zoho.seed('BTEC_Classes', [{
    id: id(), Name: `CL-${tag}`, Class_Name: `Unit 4 Marketing ${tag}`, Class_Short_Name: `U4-MKT-${tag}`, Class_Status: 'Active',
    BTEC_Program: lookup(programId!), Teacher: lookup(teacherId!), Start_Date: '2026-09-01', End_Date: '2027-01-31',
  }]);
  const [studentId] = zoho.seed('BTEC_Students', [{
    id: id(), Name: `ST-${tag}`, First_Name: 'Zeynep', Last_Name: 'Çelik', Academic_Email: `zeynep.${tag}@college.example`, City: 'Istanbul', Country: 'Turkey', Status: 'Active',
  }]);
  const [enrollmentId] = zoho.seed('BTEC_Enrollments', [{ id: id(), Name: `EN-${tag}`, Enrolled_Students: lookup(studentId!), Classes: lookup(classId!) }]);

  const chain = await send(stack, 'enrollment', 'BTEC_Enrollments', enrollmentId!, 'created');
  check('enrollment → category, course, teacher, student, enrolments', chain.status === 'completed', chain.last_error ?? JSON.stringify(chain.result).slice(0, 200));
  const student = await findUser(studentId!);
  check('the student is found by idnumber with its username (moodle/user:viewalldetails)', Boolean(student?.username), JSON.stringify(student));
  const courses = z.object({ courses: z.array(z.object({ id: z.number(), shortname: z.string() })) }).parse(await moodle('core_course_get_courses_by_field', { field: 'idnumber', value: classId! }));
  check('the class is a course', courses.courses.length === 1, courses.courses[0]?.shortname ?? '');
  if (courses.courses[0]) {
    const enrolled = z.array(z.object({ id: z.number(), roles: z.array(z.object({ shortname: z.string() })) })).parse(
      await moodle('core_enrol_get_enrolled_users', { courseid: String(courses.courses[0].id) }));
    const roles = enrolled.flatMap((u) => u.roles.map((r) => r.shortname)).sort();
    check('student and editing teacher enrolled with their roles', roles.includes('student') && roles.includes('editingteacher'), roles.join(', '));
  }

  zoho.edit('BTEC_Students', studentId!, { Last_Name: `Çelik-Yılmaz` });
  const update = await send(stack, 'student', 'BTEC_Students', studentId!);
  check('a student update completes (it failed with a schema error before)', update.status === 'completed', update.last_error ?? '');
  check('…and reaches Moodle', (await findUser(studentId!))?.lastname === 'Çelik-Yılmaz');

  zoho.edit('BTEC_Students', studentId!, { Status: 'Withdraw' });
  const suspend = await send(stack, 'student', 'BTEC_Students', studentId!);
  check('a withdrawn student is suspended', suspend.status === 'completed' && (await findUser(studentId!))?.suspended === true, suspend.last_error ?? '');

  const again = await send(stack, 'enrollment', 'BTEC_Enrollments', enrollmentId!);
  check('the same enrollment again writes nothing new', again.status === 'completed', JSON.stringify(again.result).slice(0, 200));

  const failed = results.filter(([, ok]) => !ok).length;
  console.log(`\n${results.length - failed} of ${results.length} checks passed against ${MOODLE_URL}`);
  if (failed > 0) {
    for (const line of stack.logs.worker.filter((l) => Number(l.level) >= 40).slice(-10)) console.log(JSON.stringify(line).slice(0, 600));
    process.exitCode = 1;
  }
});
