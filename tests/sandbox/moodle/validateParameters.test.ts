import t from 'tap';
import { MoodleException } from '../../../sandbox/moodle/MoodleException.ts';
import {
  multiple,
  single,
  validateEmail,
  validateParameters,
  value,
  type ParamDesc,
} from '../../../sandbox/moodle/validateParameters.ts';

const debuginfoOf = (desc: ParamDesc, input: unknown): string | undefined => {
  try {
    validateParameters(desc, input);
    return undefined;
  } catch (error) {
    if (!(error instanceof MoodleException)) throw error;
    return `${error.errorcode}: ${error.debuginfo ?? ''}`;
  }
};

const users = single({
  users: multiple(
    single({
      username: value('username'),
      email: value('raw_trimmed'),
      suspended: value('bool', 'optional'),
      auth: value('plugin', { default: 'manual' }),
    }),
  ),
});

t.test(
  'valid input comes back cleaned: ints as numbers, bools as booleans, defaults filled, optional keys left out',
  async (t) => {
    t.same(
      validateParameters(users, {
        users: [
          { username: 'jdoe', email: 'j@example.com', suspended: '1' },
          { username: 'bob', email: 'b@example.com' },
        ],
      }),
      {
        users: [
          { username: 'jdoe', email: 'j@example.com', suspended: true, auth: 'manual' },
          { username: 'bob', email: 'b@example.com', auth: 'manual' },
        ],
      },
    );
    t.same(
      validateParameters(
        single({ ids: multiple(value('int')), since: value('int', { default: 0 }), f: value('float') }),
        { ids: { 3: '7', 9: '-2' }, f: '8.5e1' },
      ),
      { ids: [7, -2], since: 0, f: 85 },
    );
    t.same(
      validateParameters(single({ x: value('raw', { default: null }) }), {}),
      { x: null },
      'a null default stays null',
    );
  },
);

t.test("errors carry Moodle's debuginfo, with the path of keys", async (t) => {
  t.equal(
    debuginfoOf(users, { users: [{ username: 'Upper.Case', email: 'x' }] }),
    'invalidparameter: users => Invalid parameter value detected: username => Invalid parameter value detected: Invalid external api parameter: the value is "Upper.Case", the server was expecting "username" type',
  );
  t.equal(
    debuginfoOf(users, { users: [{ username: 'a' }] }),
    'invalidparameter: users => Invalid parameter value detected: Missing required key in single structure: email',
  );
  t.equal(debuginfoOf(users, {}), 'invalidparameter: Missing required key in single structure: users');
  t.equal(
    debuginfoOf(users, { users: [], moodlewsrestformat: 'yaml' }),
    'invalidparameter: Unexpected keys (moodlewsrestformat) detected in parameter array.',
  );
  t.equal(
    debuginfoOf(users, { users: 'abc' }),
    "invalidparameter: users => Invalid parameter value detected: Only arrays accepted. The bad value is: 'abc'",
  );
  t.equal(
    debuginfoOf(single({ id: value('int') }), { id: ['1'] }),
    'invalidparameter: id => Invalid parameter value detected: Scalar type expected, array or object received.',
  );
  t.equal(
    debuginfoOf(value('int'), null),
    'invalidparameter: Invalid external api parameter: the value is "", the server was expecting "int" type',
  );
});

t.test("PARAM types accept exactly what Moodle's cleaning leaves unchanged", async (t) => {
  const ok = (type: Parameters<typeof value>[0], text: string) => debuginfoOf(value(type), text) === undefined;
  t.ok(ok('int', '42') && ok('int', '-3') && ok('int', '0'));
  t.notOk(
    ok('int', '007') ||
      ok('int', '1.0') ||
      ok('int', 'abc') ||
      ok('int', ' 1') ||
      ok('int', '-0') ||
      ok('int', '99999999999999999999'),
  );
  t.ok(ok('bool', '1') && ok('bool', '0'));
  t.notOk(ok('bool', 'true') || ok('bool', '') || ok('bool', 'yes'), 'PARAM_BOOL refuses true/yes/empty');
  t.ok(ok('float', '85.5') && ok('float', '-1') && ok('float', '1e3'));
  t.notOk(ok('float', '') || ok('float', '1,5') || ok('float', '.'));
  t.ok(ok('alpha', 'email') && !ok('alpha', 'phone1'));
  t.ok(ok('alphanum', 'abc1') && !ok('alphanum', 'a_b'));
  t.ok(ok('alphanumext', 'a_b-1') && !ok('alphanumext', 'a b'));
  t.ok(
    ok('username', 'j.doe@x_y-1') && !ok('username', 'J.Doe') && !ok('username', ' jdoe') && !ok('username', 'j doe'),
  );
  t.ok(ok('raw_trimmed', 'a b') && !ok('raw_trimmed', ' a'));
  t.ok(ok('notags', 'a < b') && !ok('notags', '<b>x</b>') && ok('text', 'Integration 101') && !ok('text', 'x<br>'));
  t.ok(ok('email', 'a@example.com') && ok('email', '') && !ok('email', 'nope'));
  t.ok(ok('lang', 'en') && !ok('lang', 'xx'));
  t.ok(ok('plugin', 'topics') && ok('plugin', '') && !ok('plugin', 'Topics') && !ok('plugin', '1abc'));
  t.ok(ok('auth', 'manual') && !ok('auth', 'magic'));
  t.ok(ok('theme', 'boost') && !ok('theme', 'purple'));
  t.ok(ok('timezone', '99') && ok('timezone', 'Europe/Berlin') && !ok('timezone', 'Mars/Base!'));
  t.ok(ok('safedir', 'en_us') && !ok('safedir', 'en/us'));
  t.ok(ok('sequence', '1,2,3') && !ok('sequence', '1;2'));
  t.ok(ok('raw', ' anything <b> '));
});

t.test('validateEmail accepts ordinary addresses and refuses what Moodle refuses', async (t) => {
  for (const good of ['jane.doe@example.com', 'a+b@mail.example.co.uk', "o'neil@example.org"])
    t.ok(validateEmail(good), good);
  for (const bad of [
    'not-an-email',
    'noreply@127.0.0.1',
    'a@localhost',
    '.a@example.com',
    'a..b@example.com',
    'a@-x.com',
    '<a@example.com>',
    'a@example.com ',
  ])
    t.notOk(validateEmail(bad), bad);
});
