import t from 'tap';
import { createBatchedMoodleClient } from '../../../../shared/clients/moodle/createBatchedMoodleClient.ts';
import {
  createMoodleClient,
  type MoodleClient,
  type NewMoodleUser,
} from '../../../../shared/clients/moodle/createMoodleClient.ts';
import { MoodleConfigurationError } from '../../../../shared/clients/moodle/moodleErrors.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';
import { createMoodleSimulator } from '../../../../sandbox/moodleSimulator.ts';

const moodle = await createMoodleSimulator();
t.teardown(() => moodle.close());
const log = createLogger({ service: 'test', level: 'silent' });
const client = createMoodleClient({ url: moodle.url, token: moodle.token, timeoutMs: 5000, log });
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

/** Seeds `count` users (student(1…count)) straight into the site: @returns their Moodle ids, in order. */
function seedStudents(count: number, from = 1): number[] {
  const first = moodle.state.nextId.user;
  moodle.seed({
    users: Array.from({ length: count }, (_, i) => {
      const { username, email, firstname, lastname, idnumber } = student(from + i);
      return { username, email, firstname, lastname, idnumber: idnumber! };
    }),
  });
  return Array.from({ length: count }, (_, i) => first + i);
}

/** The simulator's calls of `wsfunction` from index `since` on. */
const callsOf = (wsfunction: string, since = 0) => moodle.calls.slice(since).filter((c) => c.wsfunction === wsfunction);
/** How many entries a PHP-style array parameter (`{0: …, 1: …}`) of a recorded call has. */
const entries = (param: unknown) => Object.keys(param as object).length;
/** The error a promise rejects with (fails the test when it resolves). */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );

t.test("20 concurrent findUser('idnumber', …): one lookup call, each caller its own user or null", async (t) => {
  const ids = seedStudents(15);
  const batched = createBatchedMoodleClient(client);
  const asked = Array.from({ length: 20 }, (_, i) => student(i + 1).idnumber!); // 16…20 do not exist
  const found = await Promise.all(asked.map((idnumber) => batched.findUser('idnumber', idnumber)));
  const lookups = callsOf('core_user_get_users_by_field');
  t.equal(lookups.length, 1, 'one core_user_get_users_by_field call');
  t.equal(lookups[0]!.params.field, 'idnumber');
  t.same(Object.values(lookups[0]!.params.values as object).sort(), [...asked].sort(), 'with all 20 values');
  for (let i = 0; i < 15; i++) {
    t.equal(found[i]?.id, ids[i], `caller ${i + 1} got user ${ids[i]}`);
    t.equal(found[i]?.idnumber, asked[i]);
  }
  t.same(found.slice(15), [null, null, null, null, null], 'unknown idnumbers are null');
});

t.test('getUsersByField: a caller gets the users of its own values, once each, by id', async (t) => {
  const ids = seedStudents(4);
  const batched = createBatchedMoodleClient(client);
  const [mine, theirs, none] = await Promise.all([
    batched.getUsersByField('id', [ids[2]!, ids[0]!, ids[2]!]),
    batched.getUsersByField('id', [ids[1]!, 999_999]),
    batched.getUsersByField('id', []),
  ]);
  t.same(
    mine.map((u) => u.id),
    [ids[0], ids[2]],
    'its two users, sorted, the repeated id once',
  );
  t.same(
    theirs.map((u) => u.id),
    [ids[1]],
  );
  t.same(none, []);
  const lookups = callsOf('core_user_get_users_by_field');
  t.equal(lookups.length, 1);
  t.equal(entries(lookups[0]!.params.values), 4, 'the values went once each: 3 distinct ids and 999999');
});

t.test('e-mail lookups match without case: two spellings in one batch both get the user', async (t) => {
  const [id] = seedStudents(1);
  const stored = student(1).email;
  const batched = createBatchedMoodleClient(client);
  const [exact, shouted] = await Promise.all([
    batched.findUser('email', stored),
    batched.findUser('email', stored.toUpperCase()),
  ]);
  t.equal(exact?.id, id);
  t.equal(shouted?.id, id, 'the upper-case spelling too');
  t.equal(callsOf('core_user_get_users_by_field').length, 1);
});

t.test(
  'e-mail lookups on a site that matches them without case (MySQL): the user Moodle gives is the caller’s',
  async (t) => {
    const [id] = seedStudents(1);
    // MySQL's collation compares e-mails without case: here, by sending them in lower case.
    const mysqlLike: MoodleClient = {
      ...client,
      getUsersByField: (field, values) =>
        client.getUsersByField(
          field,
          values.map((v) => (field === 'email' ? String(v).toLowerCase() : v)),
        ),
    };
    const batched = createBatchedMoodleClient(mysqlLike);
    const [mixed, other] = await Promise.all([
      batched.findUser('email', 'Student1@College.EXAMPLE'),
      batched.findUser('email', 'NOBODY@college.example'),
    ]);
    t.equal(mixed?.id, id, 'found in another case');
    t.equal(mixed?.email, student(1).email);
    t.equal(other, null, 'an unknown address is still null');
    t.equal(callsOf('core_user_get_users_by_field').length, 1);
  },
);

t.test('two users with one e-mail: findUser is ambiguous for its caller only', async (t) => {
  moodle.state.config.allowAccountsSameEmail = true;
  const ids = seedStudents(2);
  moodle.seed({ users: [{ username: 'twin', email: student(1).email }] });
  const batched = createBatchedMoodleClient(client);
  const [twins, single] = await Promise.allSettled([
    batched.findUser('email', student(1).email),
    batched.findUser('email', student(2).email),
  ]);
  t.ok(twins.status === 'rejected' && twins.reason instanceof PermanentError);
  t.equal(twins.status === 'rejected' && (twins.reason as PermanentError).code, 'moodle.ambiguous');
  t.equal(single.status === 'fulfilled' && single.value?.id, ids[1]);
});

/**
 * Like a real Moodle, refuses a whole username lookup for one value it cannot clean (PARAM_USERNAME
 * changes it): "The field 'username' value is invalid" (invalidparameter), from the simulator.
 */
function refusingUncleanUsernames(): MoodleClient & { lookups: (string | number)[][] } {
  const lookups: (string | number)[][] = [];
  return {
    ...client,
    lookups,
    getUsersByField: (field, values) => {
      lookups.push([...values]);
      if (field === 'username' && values.some((v) => String(v) !== String(v).toLowerCase().replace(/\s/g, '')))
        moodle.failNext('core_user_get_users_by_field', {
          exception: 'invalid_parameter_exception',
          errorcode: 'invalidparameter',
          message: 'Invalid parameter value detected',
        });
      return client.getUsersByField(field, values);
    },
  };
}

t.test('a lookup batch Moodle refuses as a whole: each value is asked alone, only its caller fails', async (t) => {
  const ids = seedStudents(4);
  const plain = refusingUncleanUsernames();
  const alone = await failure(plain.getUsersByField('username', ['Not A Username']));
  t.ok(alone instanceof PermanentError, 'a call of its own: a permanent error');

  const moodleSide = refusingUncleanUsernames();
  const batched = createBatchedMoodleClient(moodleSide);
  const usernames = [1, 2, 3, 4].map((n) => student(n).username);
  const outcomes = await Promise.allSettled([
    ...usernames.map((u) => batched.findUser('username', u)),
    batched.findUser('username', 'Not A Username'),
  ]);
  for (let i = 0; i < 4; i++) {
    const outcome = outcomes[i]!;
    t.equal(outcome.status === 'fulfilled' && outcome.value?.id, ids[i], `caller ${i + 1} got its user`);
  }
  const bad = outcomes[4]!;
  t.ok(bad.status === 'rejected' && bad.reason instanceof PermanentError, 'the unclean value: rejected');
  t.equal(
    bad.status === 'rejected' && (bad.reason as PermanentError).code,
    (alone as PermanentError).code,
    'with the code a call of its own gives',
  );
  t.equal((alone as PermanentError).code, 'moodle.invalid_parameter');
  t.same(
    moodleSide.lookups.map((values) => values.length),
    [5, 1, 1, 1, 1, 1],
    'the batch of 5, refused, then one call per value',
  );
});

t.test('a transient lookup failure is not about a value: every caller gets it, no call per value', async (t) => {
  seedStudents(3);
  const batched = createBatchedMoodleClient(client);
  moodle.failNext('core_user_get_users_by_field', 'http503');
  const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batched.findUser('idnumber', student(n).idnumber!)));
  t.ok(
    outcomes.every((o) => o.status === 'rejected' && o.reason instanceof RetryableError),
    'all three rejected as retryable',
  );
  t.equal(callsOf('core_user_get_users_by_field').length, 1, 'one call, not retried value by value');
  const again = await batched.findUser('idnumber', student(2).idnumber!);
  t.equal(again?.idnumber, student(2).idnumber, 'the next lookup works');
});

t.test('30 concurrent createUsers([one user]): one core_user_create_users call, each its own id', async (t) => {
  const batched = createBatchedMoodleClient(client);
  const users = Array.from({ length: 30 }, (_, i) => student(i + 1));
  const created = await Promise.all(users.map((user) => batched.createUsers([user])));
  const creates = callsOf('core_user_create_users');
  t.equal(creates.length, 1, 'one call');
  t.equal(entries(creates[0]!.params.users), 30, 'with the 30 users');
  t.ok(
    created.every((result) => result.length === 1),
    'one result per caller',
  );
  t.same(
    created.map(([r]) => r!.username),
    users.map((u) => u.username),
    'each caller the user it asked for',
  );
  t.equal(new Set(created.map(([r]) => r!.id)).size, 30, '30 different ids');
  for (const [i, [r]] of created.entries()) {
    const stored = moodle.state.users.find((u) => u.id === r!.id);
    t.equal(stored?.idnumber, users[i]!.idnumber, `user ${i + 1} exists in Moodle under its id`);
  }
});

t.test(
  'a user Moodle refuses fails alone, with the code a call of its own gives; the others are created',
  async (t) => {
    seedStudents(2, 900); // student900 and student901 exist
    const takenUsername = student(31, { username: student(900).username });
    const takenEmail = student(32, { email: student(901).email });
    const refusedAlone = [
      await failure(client.createUsers([takenUsername])),
      await failure(client.createUsers([takenEmail])),
    ];
    t.ok(refusedAlone.every((e) => e instanceof PermanentError));

    const before = moodle.calls.length;
    const batched = createBatchedMoodleClient(client);
    const users = Array.from({ length: 30 }, (_, i) => student(i + 1));
    users[7] = takenUsername;
    users[21] = takenEmail;
    const outcomes = await Promise.allSettled(users.map((user) => batched.createUsers([user])));
    t.same(
      outcomes.map((o, i) => (o.status === 'rejected' ? i : -1)).filter((i) => i >= 0),
      [7, 21],
      'only the two refused users’ callers fail',
    );
    for (const [index, reference] of [
      [7, refusedAlone[0]],
      [21, refusedAlone[1]],
    ] as const) {
      const outcome = outcomes[index]!;
      t.ok(outcome.status === 'rejected' && outcome.reason instanceof PermanentError);
      t.equal(
        outcome.status === 'rejected' && (outcome.reason as PermanentError).code,
        (reference as PermanentError).code,
        `caller ${index}: the same code as alone (${(reference as PermanentError).code})`,
      );
    }
    for (const [i, user] of users.entries()) {
      const stored = moodle.state.users.find((u) => u.idnumber === user.idnumber);
      if (i === 7 || i === 21) t.notOk(stored, `refused user ${i} was not created`);
      else {
        const outcome = outcomes[i]!;
        t.equal(stored?.id, outcome.status === 'fulfilled' ? outcome.value[0]!.id : -1, `user ${i} created`);
      }
    }
    const creates = callsOf('core_user_create_users', before);
    t.equal(entries(creates[0]!.params.users), 30, 'the first call carried all 30');
    t.ok(creates.length > 1 && creates.length <= 20, `${creates.length} calls: the refused ones isolated`);
  },
);

t.test('createUsersIsolated on the batched client: per-user outcomes, one call when all are good', async (t) => {
  seedStudents(1, 900);
  const batched = createBatchedMoodleClient(client);
  const good = await batched.createUsersIsolated([student(1), student(2), student(3)]);
  t.ok(good.every((o) => o.ok));
  t.equal(callsOf('core_user_create_users').length, 1);
  const mixed = await batched.createUsersIsolated([student(4), student(5, { username: student(900).username })]);
  t.same(
    mixed.map((o) => o.ok),
    [true, false],
  );
  t.ok(!mixed[1]!.ok && mixed[1]!.error.code === 'moodle.invalid_parameter');
  t.equal(mixed[0]!.item.idnumber, student(4).idnumber);
});

t.test('enrolUsers from concurrent callers: one call; an unknown user fails alone', async (t) => {
  moodle.seed({ courses: [{ id: 50, shortname: 'NET-2026', fullname: 'Networking 2026' }] });
  const ids = seedStudents(12);
  const refusedAlone = await failure(client.enrolUsers([{ userid: 999_999, courseid: 50, roleid: 5 }]));
  t.ok(refusedAlone instanceof PermanentError);

  const before = moodle.calls.length;
  const batched = createBatchedMoodleClient(client);
  const good = await Promise.all(
    ids.slice(0, 6).map((userid) => batched.enrolUsers([{ userid, courseid: 50, roleid: 5 }])),
  );
  t.same(good, [undefined, undefined, undefined, undefined, undefined, undefined]);
  const enrols = callsOf('enrol_manual_enrol_users', before);
  t.equal(enrols.length, 1, 'six callers, one call');
  t.equal(entries(enrols[0]!.params.enrolments), 6);

  const outcomes = await Promise.allSettled([
    ...ids.slice(6).map((userid) => batched.enrolUsers([{ userid, courseid: 50, roleid: 5 }])),
    batched.enrolUsers([{ userid: 999_999, courseid: 50, roleid: 5 }]),
  ]);
  t.ok(
    outcomes.slice(0, 6).every((o) => o.status === 'fulfilled'),
    'the six known users are enrolled',
  );
  const bad = outcomes[6]!;
  t.ok(bad.status === 'rejected' && bad.reason instanceof PermanentError);
  t.equal(
    bad.status === 'rejected' && (bad.reason as PermanentError).code,
    (refusedAlone as PermanentError).code,
    'the code a call of its own gives',
  );
  const enrolled = moodle.state.enrolments
    .filter((e) => e.courseid === 50)
    .map((e) => e.userid)
    .sort((a, b) => a - b);
  t.same(enrolled, ids, 'all twelve in the course, the unknown user not');
  t.equal(entries(callsOf('enrol_manual_enrol_users', before)[1]!.params.enrolments), 7, 'the second batch had 7');
});

t.test('enrolUsersIsolated on the batched client reports each enrolment', async (t) => {
  moodle.seed({ courses: [{ id: 60, shortname: 'ART' }] });
  const ids = seedStudents(2);
  const batched = createBatchedMoodleClient(client);
  const outcomes = await batched.enrolUsersIsolated([
    { userid: ids[0]!, courseid: 60, roleid: 5 },
    { userid: 999_999, courseid: 60, roleid: 5 },
    { userid: ids[1]!, courseid: 60, roleid: 5 },
  ]);
  t.same(
    outcomes.map((o) => o.ok),
    [true, false, true],
  );
  t.equal(outcomes[1]!.item.userid, 999_999);
  t.equal(moodle.state.enrolments.filter((e) => e.courseid === 60).length, 2);
});

t.test('updateUsers and suspendUser from concurrent callers: one call; an unknown id fails alone', async (t) => {
  const ids = seedStudents(16);
  const refusedAlone = await failure(client.updateUsers([{ id: 999_999, firstname: 'Ghost' }]));
  t.equal((refusedAlone as PermanentError).code, 'moodle.not_found');

  const before = moodle.calls.length;
  const batched = createBatchedMoodleClient(client);
  await Promise.all([
    ...ids.slice(0, 15).map((id, i) => batched.updateUsers([{ id, firstname: `Renamed ${i}` }])),
    batched.suspendUser(ids[15]!),
  ]);
  const updates = callsOf('core_user_update_users', before);
  t.equal(updates.length, 1, 'sixteen callers, one call');
  t.equal(entries(updates[0]!.params.users), 16);
  const byId = (id: number) => moodle.state.users.find((u) => u.id === id)!;
  t.ok(
    ids.slice(0, 15).every((id, i) => byId(id).firstname === `Renamed ${i}`),
    'every rename is in Moodle',
  );
  t.equal(byId(ids[15]!).suspended, true, 'and the suspension');

  const outcomes = await Promise.allSettled([
    batched.updateUsers([{ id: ids[0]!, lastname: 'One' }]),
    batched.updateUsers([{ id: 999_999, firstname: 'Ghost' }]),
    batched.updateUsers([{ id: ids[1]!, lastname: 'Two' }]),
  ]);
  t.same(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  t.equal(
    outcomes[1]!.status === 'rejected' && (outcomes[1]!.reason as PermanentError).code,
    'moodle.not_found',
    'the code a call of its own gives',
  );
  t.equal(byId(ids[0]!).lastname, 'One');
  t.equal(byId(ids[1]!).lastname, 'Two');
});

t.test('a configuration error (wrong token) reaches every caller; nothing is isolated', async (t) => {
  const wrong = createMoodleClient({ url: moodle.url, token: 'wrongtoken0123456789abcdef01234567', log });
  const batched = createBatchedMoodleClient(wrong);
  const outcomes = await Promise.allSettled([
    ...[1, 2, 3, 4, 5].map((n) => batched.findUser('idnumber', student(n).idnumber!)),
    ...[1, 2, 3, 4, 5].map((n) => batched.createUsers([student(n)])),
    batched.enrolUsers([{ userid: 3, courseid: 1, roleid: 5 }]),
  ]);
  t.equal(outcomes.length, 11);
  for (const outcome of outcomes) {
    t.ok(outcome.status === 'rejected' && outcome.reason instanceof MoodleConfigurationError);
    t.equal(outcome.status === 'rejected' && (outcome.reason as MoodleConfigurationError).code, 'moodle.invalid_token');
  }
  t.equal(callsOf('core_user_get_users_by_field').length, 1, 'one lookup, not one per value');
  t.equal(callsOf('core_user_create_users').length, 1, 'one create, not split in halves');
  t.equal(callsOf('enrol_manual_enrol_users').length, 1);
  await t.rejects(
    batched.createUsersIsolated([student(6), student(7)]),
    MoodleConfigurationError,
    'createUsersIsolated throws it too, instead of reporting it per user',
  );
  await t.rejects(batched.enrolUsersIsolated([{ userid: 3, courseid: 1, roleid: 5 }]), MoodleConfigurationError);
  t.equal(moodle.state.users.length, 2, 'nobody was created');
});

t.test('a transient write failure reaches every caller of the call, and the next batch works', async (t) => {
  const batched = createBatchedMoodleClient(client);
  moodle.failNext('core_user_create_users', 'http503');
  const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batched.createUsers([student(n)])));
  t.ok(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof RetryableError));
  t.equal(callsOf('core_user_create_users').length, 1, 'not isolated: the failure is not about a user');
  const created = await Promise.all([1, 2, 3].map((n) => batched.createUsers([student(n)])));
  t.equal(created.length, 3);
  t.equal(callsOf('core_user_create_users').length, 2);
});

t.test("a course's enrolled users are read once per client; a failed read is not kept", async (t) => {
  moodle.seed({ courses: [{ id: 70, shortname: 'MATHS' }] });
  const [id] = seedStudents(1);
  moodle.seed({ enrolments: [{ userid: id!, courseid: 70 }] });
  const batched = createBatchedMoodleClient(client);
  moodle.failNext('core_enrol_get_enrolled_users', 'http503');
  await t.rejects(batched.getEnrolledUsers(70), RetryableError);
  const [first, second] = await Promise.all([batched.getEnrolledUsers(70), batched.getEnrolledUsers(70)]);
  t.same(
    first.map((u) => u.id),
    [id],
  );
  t.equal(second, first, 'the same answer');
  await batched.getEnrolledUsers(70, undefined, { onlyActive: true });
  t.equal(callsOf('core_enrol_get_enrolled_users').length, 3, 'the failed read, one for both, one with other options');
});
