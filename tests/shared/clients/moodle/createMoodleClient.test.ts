import t from 'tap';
import { createMoodleClient, type NewMoodleUser } from '../../../../shared/clients/moodle/createMoodleClient.ts';
import { MoodleConfigurationError } from '../../../../shared/clients/moodle/moodleErrors.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';
import { createMoodleSimulator } from '../../../../sandbox/moodleSimulator.ts';

const moodle = await createMoodleSimulator();
t.teardown(() => moodle.close());
const log = createLogger({ service: 'test', level: 'silent' });
const client = createMoodleClient({ url: moodle.url, token: moodle.token, timeoutMs: 2000, log });
t.beforeEach(() => moodle.reset());

const student = (n: number, overrides: Partial<NewMoodleUser> = {}): NewMoodleUser => ({
  username: `student${n}@college.example`,
  email: `student${n}@college.example`,
  firstname: 'Zoë',
  lastname: `Student ${n}`,
  idnumber: `5725767000000${String(n).padStart(5, '0')}`,
  auth: 'manual',
  ...overrides,
});

t.test('site info names the site and the functions of the service', async (t) => {
  const info = await client.getSiteInfo();
  t.equal(info.userid, 2);
  t.ok(info.functions.some((f) => f.name === 'core_user_create_users'));
});

t.test('creates users and finds them by idnumber, e-mail and username; unknown is null', async (t) => {
  const [created] = await client.createUsers([student(1)]);
  t.ok(created && created.id > 2);
  for (const [field, value] of [
    ['idnumber', student(1).idnumber],
    ['email', student(1).email],
    ['username', student(1).username],
  ] as const) {
    const found = await client.findUser(field, value!);
    t.equal(found?.id, created?.id, `by ${field}`);
    t.equal(found?.firstname, 'Zoë', 'unicode kept');
  }
  t.equal(await client.findUser('idnumber', 'nobody'), null);
});

t.test("one bad user in 50: the 49 others are created, the bad one reported with Moodle's reason", async (t) => {
  await client.createUsers([student(900)]);
  const users = Array.from({ length: 50 }, (_, i) => student(i));
  users[31] = student(31, { username: student(900).username }); // taken
  const outcomes = await client.createUsersIsolated(users);
  t.equal(outcomes.filter((o) => o.ok).length, 49);
  const failed = outcomes.filter((o) => !o.ok);
  t.same(
    failed.map((o) => o.item.idnumber),
    [student(31).idnumber],
  );
  t.ok(
    !failed[0]!.ok &&
      failed[0]!.error instanceof PermanentError &&
      failed[0]!.error.code === 'moodle.invalid_parameter',
  );
  for (const i of [0, 30, 32, 49]) t.ok(await client.findUser('idnumber', student(i).idnumber!), `student ${i} exists`);
  t.equal(await client.findUser('idnumber', student(31).idnumber!), null, 'the bad one was not created');
  const createCalls = moodle.calls.filter((c) => c.wsfunction === 'core_user_create_users').length;
  t.ok(createCalls <= 14, `${createCalls} create calls`);
});

t.test('updating an unknown user is an error, not a silent success; suspend works', async (t) => {
  const [created] = await client.createUsers([student(2)]);
  await t.rejects(client.updateUsers([{ id: 999999, firstname: 'Ghost' }]), { code: 'moodle.not_found' });
  await client.suspendUser(created!.id);
  t.equal((await client.findUser('id', created!.id))?.suspended, true);
  await client.createUsers([student(3)]);
  await t.rejects(
    client.updateUsers([{ id: created!.id, email: student(3).email }]),
    { code: 'moodle.duplicate' },
    'a taken e-mail',
  );
});

t.test('categories and courses: create, find by idnumber, refuse duplicates', async (t) => {
  const [category] = await client.createCategories([{ name: 'BTEC Level 3 IT', idnumber: '5725767000000000111' }]);
  t.equal((await client.getCategoryByIdnumber('5725767000000000111'))?.id, category?.id);
  t.equal(await client.getCategoryByIdnumber('missing'), null);
  const [course] = await client.createCourses([
    {
      fullname: 'Networking 2026',
      shortname: 'NET-2026',
      categoryid: category!.id,
      idnumber: '5725767000000000222',
      startdate: 1767225600,
    },
  ]);
  const found = await client.getCourseByIdnumber('5725767000000000222');
  t.match(found, { id: course!.id, shortname: 'NET-2026', categoryid: category!.id });
  t.equal(await client.getCourseByIdnumber('missing'), null);
  await t.rejects(client.createCourses([{ fullname: 'Again', shortname: 'NET-2026', categoryid: category!.id }]), {
    code: 'moodle.duplicate',
  });
  const [other] = await client.createCourses([{ fullname: 'Other', shortname: 'OTHER', categoryid: category!.id }]);
  await t.rejects(client.updateCourses([{ id: other!.id, shortname: 'NET-2026' }]), { code: 'moodle.duplicate' });
  await client.updateCourses([{ id: other!.id, fullname: 'Other, renamed' }]);
  t.equal((await client.getCourseByField('id', other!.id))?.fullname, 'Other, renamed');
});

t.test("enrols with a role, lists enrolled users and a user's courses, unenrols", async (t) => {
  const [user] = await client.createUsers([student(4)]);
  const [course] = await client.createCourses([{ fullname: 'Maths', shortname: 'MATHS', categoryid: 1 }]);
  await client.enrolUsers([{ userid: user!.id, courseid: course!.id, roleid: 5 }]);
  const enrolled = await client.getEnrolledUsers(course!.id);
  t.match(enrolled, [{ id: user!.id, roles: [{ roleid: 5, shortname: 'student' }] }]);
  t.match(await client.getUserCourses(user!.id), [{ id: course!.id, shortname: 'MATHS' }]);
  await client.assignRoles([{ roleid: 4, userid: user!.id, contextlevel: 'course', instanceid: course!.id }]);
  await client.unenrolUsers([{ userid: user!.id, courseid: course!.id }]);
  t.same(await client.getEnrolledUsers(course!.id), []);
});

t.test('an enrolment batch with an unknown user: the others are enrolled', async (t) => {
  const created = await client.createUsers([student(5), student(6)]);
  const [course] = await client.createCourses([{ fullname: 'Art', shortname: 'ART', categoryid: 1 }]);
  const outcomes = await client.enrolUsersIsolated([
    { userid: created[0]!.id, courseid: course!.id, roleid: 5 },
    { userid: 999999, courseid: course!.id, roleid: 5 },
    { userid: created[1]!.id, courseid: course!.id, roleid: 5 },
  ]);
  t.same(
    outcomes.map((o) => o.ok),
    [true, false, true],
  );
  t.equal((await client.getEnrolledUsers(course!.id)).length, 2);
});

t.test('transient failures are RetryableErrors with a code', async (t) => {
  const cases = [
    ['http503', 'moodle.unavailable'],
    ['http500', 'moodle.unavailable'],
    ['dbwrite', 'moodle.database'],
    ['reset', 'moodle.network'],
  ] as const;
  for (const [kind, code] of cases) {
    moodle.failNext('core_webservice_get_site_info', kind);
    const error = await client.getSiteInfo().catch((e: unknown) => e);
    t.ok(error instanceof RetryableError, `${kind}: retryable`);
    t.equal((error as RetryableError).code, code, kind);
  }
  const quick = createMoodleClient({ url: moodle.url, token: moodle.token, timeoutMs: 300, log });
  moodle.failNext('core_webservice_get_site_info', 'timeout');
  await t.rejects(quick.getSiteInfo(), { code: 'moodle.timeout' });
});

t.test('configuration problems are MoodleConfigurationErrors', async (t) => {
  const wrongToken = createMoodleClient({ url: moodle.url, token: 'wrongtoken0123456789abcdef', log });
  await t.rejects(wrongToken.getSiteInfo(), MoodleConfigurationError);
  const noRest = createMoodleClient({ url: moodle.url, token: moodle.addToken(2, { restUse: false }), log });
  await t.rejects(noRest.getSiteInfo(), { code: 'moodle.access_denied' });
  moodle.state.config.webservicesEnabled = false;
  await t.rejects(client.getSiteInfo(), { code: 'moodle.webservices_disabled' });
});

t.test('the token travels only in the request body, never in the recorded calls', async (t) => {
  await client.getSiteInfo();
  t.notMatch(JSON.stringify(moodle.calls), moodle.token);
});

t.test(
  '"Message was not sent." from enrol_manual_enrol_users: the enrolment stands, a warning names the fix',
  async (t) => {
    const lines: Record<string, unknown>[] = [];
    const capture = createLogger({
      service: 'test',
      level: 'warn',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const mailless = createMoodleClient({ url: moodle.url, token: moodle.token, timeoutMs: 2000, log: capture });
    const [teacher, learner] = await client.createUsers([student(7), student(8)]);
    const [course] = await client.createCourses([{ fullname: 'Mail', shortname: 'MAIL', categoryid: 1 }]);
    // The welcome e-mail needs a sender: a teacher enrolled first (as on the recorded site).
    await client.enrolUsers([{ userid: teacher!.id, courseid: course!.id, roleid: 3 }]);
    moodle.state.config.welcomeEmailFails = true;
    await mailless.enrolUsers([{ userid: learner!.id, courseid: course!.id, roleid: 5 }]);
    t.ok(
      (await client.getEnrolledUsers(course!.id)).some((u) => u.id === learner!.id),
      'the student is enrolled',
    );
    t.match(
      lines,
      [{ level: 40, code: 'moodle.email_failed', msg: /outgoing mail is broken.*noreplyaddress/ }],
      'one warning with the fix, and no error line',
    );
    t.equal(lines.length, 1);
    moodle.state.config.welcomeEmailFails = false;
  },
);
