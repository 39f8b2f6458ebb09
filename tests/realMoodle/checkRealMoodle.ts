// `npm run check:real-moodle`: the service's Zoho → Moodle flows against a REAL Moodle, the
// way a college runs them: the real ingress and worker, a fresh database on the test
// PostgreSQL, the Zoho simulator as the source, and MOODLE_URL / MOODLE_TOKEN as printed by
// the plugin's setup script (php local/zohosync/cli/setup_integration.php). Not part of
// `npm test` (CI has no Moodle). Each run uses new names, so it can run again on the same site.
//
// It checks what failed on a real Moodle before the setup script existed: an update and a
// suspension of a student the service created (Moodle hides username/idnumber without
// moodle/user:viewalldetails), a teacher role assignment, and the enrolment chain.
//
// SERVICE_HOST makes the check's ingress listen on another address of this machine (e.g. its
// network address): to Moodle the service is then on another server, not on loopback.
//
// With MOODLE_DIR (the Moodle folder, when Moodle runs on this machine) it checks Moodle → Zoho
// too, through the plugin as a college runs it: the setup script pointed at this run's ingress
// (--service-url … --allow-service-url), the plugin's secret and sending switched on, its Test
// connection, then a user created, enrolled and graded in Moodle, each event delivered by
// Moodle's own task runner (admin/cli/adhoc_task.php) and applied in the Zoho simulator. The
// plugin's sending, service URL and secret are put back afterwards; the port opened in
// Moodle's HTTP security stays open (the script says which).
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import { runBenchmark } from '../bench/benchSupport.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { MOODLE_SECRET } from '../helpers/signing.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/testDatabase.ts';

const env = z
  .object({
    MOODLE_URL: z.url({ error: 'MOODLE_URL must be the site address, e.g. http://127.0.0.1:8045' }),
    MOODLE_TOKEN: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'MOODLE_TOKEN must be the 32-character token the setup script printed'),
  })
  .safeParse(process.env);
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
const userSchema = z.array(
  z.object({
    id: z.number(),
    username: z.string().optional(),
    idnumber: z.string().optional(),
    lastname: z.string(),
    suspended: z.boolean().optional(),
  }),
);
const findUser = async (idnumber: string) =>
  userSchema.parse(await moodle('core_user_get_users_by_field', { field: 'idnumber', 'values[0]': idnumber }))[0];

const results: [string, boolean, string][] = [];
const check = (what: string, ok: boolean, detail = '') => {
  results.push([what, ok, detail]);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
};

async function send(stack: SyncStack, entity: string, module: string, recordId: string, eventType = 'updated') {
  const eventId = randomUUID();
  const answer = await stack.sendZoho(entity, {
    event_id: eventId,
    event_type: eventType,
    module,
    record_id: recordId,
  });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return stack.settled(eventId, 120_000);
}

await runBenchmark('check:real-moodle', async (cleanup) => {
  const site = z
    .object({ sitename: z.string(), release: z.string(), username: z.string() })
    .parse(await moodle('core_webservice_get_site_info', {}));
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
    host: process.env.SERVICE_HOST,
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
  const [teacherId] = zoho.seed('BTEC_Teachers', [
    { id: id(), Name: `Leila Haddad ${tag}`, Academic_Email: `leila.${tag}@college.example` },
  ]);
  const [classId] = zoho.seed('BTEC_Classes', [
    {
      id: id(),
      Name: `CL-${tag}`,
      Class_Name: `Unit 4 Marketing ${tag}`,
      Class_Short_Name: `U4-MKT-${tag}`,
      Class_Status: 'Active',
      BTEC_Program: lookup(programId!),
      Teacher: lookup(teacherId!),
      Start_Date: '2026-09-01',
      End_Date: '2027-01-31',
    },
  ]);
  const [studentId] = zoho.seed('BTEC_Students', [
    {
      id: id(),
      Name: `ST-${tag}`,
      First_Name: 'Zeynep',
      Last_Name: 'Çelik',
      Academic_Email: `zeynep.${tag}@college.example`,
      City: 'Istanbul',
      Country: 'Turkey',
      Status: 'Active',
    },
  ]);
  const [enrollmentId] = zoho.seed('BTEC_Enrollments', [
    { id: id(), Name: `EN-${tag}`, Enrolled_Students: lookup(studentId!), Classes: lookup(classId!) },
  ]);

  const chain = await send(stack, 'enrollment', 'BTEC_Enrollments', enrollmentId!, 'created');
  check(
    'enrollment → category, course, teacher, student, enrolments',
    chain.status === 'completed',
    chain.last_error ?? JSON.stringify(chain.result).slice(0, 200),
  );
  const student = await findUser(studentId!);
  check(
    'the student is found by idnumber with its username (moodle/user:viewalldetails)',
    Boolean(student?.username),
    JSON.stringify(student),
  );
  const courses = z
    .object({ courses: z.array(z.object({ id: z.number(), shortname: z.string() })) })
    .parse(await moodle('core_course_get_courses_by_field', { field: 'idnumber', value: classId! }));
  check('the class is a course', courses.courses.length === 1, courses.courses[0]?.shortname ?? '');
  if (courses.courses[0]) {
    const enrolled = z
      .array(z.object({ id: z.number(), roles: z.array(z.object({ shortname: z.string() })) }))
      .parse(await moodle('core_enrol_get_enrolled_users', { courseid: String(courses.courses[0].id) }));
    const roles = enrolled.flatMap((u) => u.roles.map((r) => r.shortname)).sort();
    check(
      'student and editing teacher enrolled with their roles',
      roles.includes('student') && roles.includes('editingteacher'),
      roles.join(', '),
    );
  }

  zoho.edit('BTEC_Students', studentId!, { Last_Name: `Çelik-Yılmaz` });
  const update = await send(stack, 'student', 'BTEC_Students', studentId!);
  check(
    'a student update completes (it failed with a schema error before)',
    update.status === 'completed',
    update.last_error ?? '',
  );
  check('…and reaches Moodle', (await findUser(studentId!))?.lastname === 'Çelik-Yılmaz');

  // The student dashboard's data goes into the plugin's tables through its own functions.
  const [registrationId] = zoho.seed('BTEC_Registrations', [
    {
      id: id(),
      Name: `REG-${tag}`,
      Student_ID: lookup(studentId!),
      Program: lookup(programId!),
      Registration_Date: '2026-01-10',
      Currency: 'USD',
      Program_Price: '4400$',
      Payment_Schedule: [
        { id: id(), Installment_No: 1, Due_Date: '2026-02-15', Installment_Amount: 2200, Installment_Status: 'Paid' },
        { id: id(), Installment_No: 2, Due_Date: '2026-05-15', Installment_Amount: '2200$' },
      ],
    },
  ]);
  const registration = await send(stack, 'registration', 'BTEC_Registrations', registrationId!, 'created');
  check(
    'a registration with its installments reaches the plugin (dashboard)',
    registration.status === 'completed' && typeof (registration.result as { moodleId?: unknown }).moodleId === 'number',
    registration.last_error ?? JSON.stringify(registration.result).slice(0, 160),
  );
  // "Card": a value the college added to the picklist after the export the service ships with.
  const [paymentId] = zoho.seed('BTEC_Payments', [
    {
      id: id(),
      Name: `PAY-${tag}`,
      Student_ID: lookup(studentId!),
      Registration_ID: lookup(registrationId!),
      Payment_Amount: 2200,
      Payment_Date: '2026-02-10',
      Payment_Method: 'Card',
      Installment_No: 1,
    },
  ]);
  const payment = await send(stack, 'payment', 'BTEC_Payments', paymentId!, 'created');
  check(
    'a payment whose method the college added later reaches the plugin, with a warning',
    payment.status === 'completed' && JSON.stringify(payment.result).includes('Payment_Method \\"Card\\"'),
    payment.last_error ?? JSON.stringify(payment.result).slice(0, 200),
  );

  zoho.edit('BTEC_Students', studentId!, { Status: 'Withdraw' });
  const suspend = await send(stack, 'student', 'BTEC_Students', studentId!);
  check(
    'a withdrawn student is suspended',
    suspend.status === 'completed' && (await findUser(studentId!))?.suspended === true,
    suspend.last_error ?? '',
  );

  const again = await send(stack, 'enrollment', 'BTEC_Enrollments', enrollmentId!);
  check(
    'the same enrollment again writes nothing new',
    again.status === 'completed',
    JSON.stringify(again.result).slice(0, 200),
  );

  const moodleDir = process.env.MOODLE_DIR;
  if (moodleDir) {
    await checkMoodleToZoho(stack, moodleDir, {
      studentEmail: `aylin.${tag}@college.example`,
      classId: classId!,
      newZohoId: id,
      courseId: courses.courses[0]?.id,
    });
  } else {
    console.log('Moodle → Zoho not checked: set MOODLE_DIR to the Moodle folder when Moodle runs on this machine');
  }

  const failed = results.filter(([, ok]) => !ok).length;
  console.log(`\n${results.length - failed} of ${results.length} checks passed against ${MOODLE_URL}`);
  if (failed > 0) {
    for (const line of stack.logs.worker.filter((l) => Number(l.level) >= 40).slice(-10))
      console.log(JSON.stringify(line).slice(0, 600));
    process.exitCode = 1;
  }
});

/** Runs a Moodle CLI script in the Moodle folder, as the admin of a college would. */
function php(moodleDir: string, args: string[]): string {
  return execFileSync('php', args, { cwd: moodleDir, encoding: 'utf8', timeout: 120_000 });
}

/** Reads (or, with a value, sets) one of the plugin's settings. */
function cfg(moodleDir: string, name: string, value?: string): string {
  return php(moodleDir, [
    'admin/cli/cfg.php',
    '--component=local_zohosync',
    `--name=${name}`,
    ...(value === undefined ? [] : [`--set=${value}`]),
  ]).trim();
}

/** The next Moodle event of `entity` the ingress received after `afterId`, once final; Moodle's task runner is run meanwhile. */
async function deliveredEvent(stack: SyncStack, moodleDir: string, entity: string, afterId: number) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    php(moodleDir, ['admin/cli/adhoc_task.php', '--execute']);
    const row = await stack.db.maybeOne(sql.type(
      z.object({
        id: z.coerce.number(),
        entity: z.string(),
        status: z.string(),
        last_error: z.string().nullable(),
        result: z.unknown(),
      }),
    )`
      select id, entity, status, last_error, result from integration_events_log
       where source = 'moodle' and entity = ${entity} and id > ${afterId} order by id limit 1`);
    if (row && ['completed', 'failed', 'skipped'].includes(row.status)) return row;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return null;
}

async function lastEventId(stack: SyncStack): Promise<number> {
  return await stack.db.oneFirst(
    sql.type(z.object({ id: z.coerce.number() }))`select coalesce(max(id), 0) as id from integration_events_log`,
  );
}

async function checkMoodleToZoho(
  stack: SyncStack,
  moodleDir: string,
  run: { studentEmail: string; classId: string; newZohoId: () => string; courseId: number | undefined },
) {
  const saved = {
    enabled: cfg(moodleDir, 'enabled'),
    serviceurl: cfg(moodleDir, 'serviceurl'),
    secret: cfg(moodleDir, 'secret'),
  };
  try {
    const setup = php(moodleDir, [
      'local/zohosync/cli/setup_integration.php',
      `--service-url=${stack.url}`,
      '--allow-service-url',
    ]);
    check(
      'setup script points the plugin at this ingress',
      /MOODLE_TOKEN/.test(setup),
      `${stack.url}; port ${new URL(stack.url).port} now allowed by Moodle's HTTP security`,
    );
    cfg(moodleDir, 'secret', MOODLE_SECRET);
    cfg(moodleDir, 'enabled', '1');
    let ping = '';
    try {
      ping = php(moodleDir, ['local/zohosync/cli/test_connection.php']);
    } catch (error) {
      ping = String((error as { stdout?: string }).stdout ?? error);
    }
    check(
      "the plugin's Test connection reaches the service",
      /ok|success|reached/i.test(ping) && !/fail|blocked|refused/i.test(ping),
      ping.trim().split('\n').slice(-1)[0] ?? '',
    );

    const [zohoStudent] = stack.zoho.seed('BTEC_Students', [
      {
        id: run.newZohoId(),
        First_Name: 'Aylin',
        Last_Name: 'Demir',
        Academic_Email: run.studentEmail,
        Status: 'Active',
      },
    ]);
    let since = await lastEventId(stack);
    const helper = fileURLToPath(new URL('./teacherActions.php', import.meta.url));
    // As staff (the admin), not with the integration token: the plugin sends nothing of what the integration user does.
    const userId = z
      .object({ id: z.number() })
      .parse(
        JSON.parse(
          php(moodleDir, [
            helper,
            `--moodle=${moodleDir}`,
            `--create-user=${run.studentEmail}`,
            '--firstname=Aylin',
            '--lastname=Demir',
          ]),
        ),
      ).id;
    const linked = await deliveredEvent(stack, moodleDir, 'user', since);
    const held = stack.zoho.record('BTEC_Students', zohoStudent!)?.Student_Moodle_ID;
    check(
      'a user made in Moodle is linked to its Zoho student by e-mail; Student_Moodle_ID written',
      linked?.status === 'completed' && held === String(userId),
      linked
        ? `${linked.status} ${linked.last_error ?? JSON.stringify(linked.result).slice(0, 160)}; Student_Moodle_ID ${String(held)}`
        : 'no event delivered',
    );

    if (!run.courseId) return check('the course exists for the Moodle → Zoho part', false);
    since = await lastEventId(stack);
    php(moodleDir, [helper, `--moodle=${moodleDir}`, `--enrol=${run.courseId}`, `--user=${userId}`]);
    const enrolled = await deliveredEvent(stack, moodleDir, 'enrollment', since);
    const enrollmentId = (enrolled?.result as { zohoId?: string } | undefined)?.zohoId;
    const enrollment = enrollmentId ? stack.zoho.record('BTEC_Enrollments', enrollmentId) : undefined;
    check(
      'an enrolment made in Moodle becomes a Zoho enrollment of that student in that class',
      enrolled?.status === 'completed' &&
        (enrollment?.Enrolled_Students as { id?: string } | undefined)?.id === zohoStudent &&
        (enrollment?.Classes as { id?: string } | undefined)?.id === run.classId,
      enrolled
        ? `${enrolled.status} ${enrolled.last_error ?? JSON.stringify(enrolled.result).slice(0, 160)}`
        : 'no event delivered',
    );

    const assignment = z
      .object({ id: z.number() })
      .parse(JSON.parse(php(moodleDir, [helper, `--moodle=${moodleDir}`, `--assign=${run.courseId}`])));
    since = await lastEventId(stack);
    php(moodleDir, [helper, `--moodle=${moodleDir}`, `--grade=${assignment.id}`, `--user=${userId}`, '--points=75']);
    const graded = await deliveredEvent(stack, moodleDir, 'grade', since);
    const gradeId = (graded?.result as { zohoId?: string } | undefined)?.zohoId;
    const grade = gradeId ? stack.zoho.record('BTEC_Grades', gradeId) : undefined;
    check(
      'a grade given in Moodle (75 of 100) is a Zoho BTEC_Grades record D, of that student and class',
      graded?.status === 'completed' &&
        grade?.Grade === 'D' &&
        (grade.Student as { id?: string }).id === zohoStudent &&
        (grade.Class as { id?: string } | undefined)?.id === run.classId,
      graded
        ? `${graded.status} ${graded.last_error ?? JSON.stringify(graded.result).slice(0, 200)}`
        : 'no event delivered',
    );
  } finally {
    cfg(moodleDir, 'enabled', saved.enabled || '0');
    cfg(moodleDir, 'serviceurl', saved.serviceurl);
    cfg(moodleDir, 'secret', saved.secret);
  }
}
