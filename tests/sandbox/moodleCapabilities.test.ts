import { readFileSync } from 'node:fs';
import t from 'tap';
import { SETUP_CAPABILITIES } from '../../sandbox/integrationRequirements.ts';
import { createMoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { PROJECT_ROOT } from '../helpers/spawnProcess.ts';
import { createMoodleSimulator } from '../../sandbox/moodleSimulator.ts';

/**
 * What the integration user sees depends on its role. The recordings in
 * tests/fixtures/moodle-capabilities (a real Moodle 4.5.5+) are the reference: the simulator,
 * given the same capabilities, must hide the same fields and refuse the same role assignments;
 * the service's client must then name the missing capability instead of failing on the shape.
 */
const recording = (name: string) =>
  JSON.parse(readFileSync(`${PROJECT_ROOT}tests/fixtures/moodle-capabilities/${name}.json`, 'utf8')) as {
    response: unknown;
  };
const keysOf = (answer: unknown) => (Array.isArray(answer) && answer[0] ? Object.keys(answer[0] as object) : []);

/** The role the README listed before the setup script (the "restricted" recordings). */
const RESTRICTED = [
  'webservice/rest:use',
  'local/zohosync:managedata',
  'moodle/user:create',
  'moodle/user:update',
  'moodle/user:viewdetails',
  'moodle/user:viewhiddendetails',
  'moodle/course:create',
  'moodle/course:update',
  'moodle/course:view',
  'moodle/course:viewhiddencourses',
  'moodle/course:visibility',
  'moodle/course:changefullname',
  'moodle/course:changeshortname',
  'moodle/course:changeidnumber',
  'moodle/course:changecategory',
  'moodle/category:manage',
  'moodle/course:enrolreview',
  'enrol/manual:enrol',
  'enrol/manual:manage',
  'enrol/manual:unenrol',
  'moodle/role:assign',
  'mod/assign:view',
  'mod/assign:grade',
];
/** The setup script's role (moodle-plugin/zohosync/classes/local/integration_requirements.php). */
const SETUP = SETUP_CAPABILITIES;

const sim = await createMoodleSimulator();
t.teardown(() => sim.close());
const log = createLogger({ service: 'test', level: 'silent' });
const client = createMoodleClient({ url: sim.url, token: sim.token, timeoutMs: 2000, log });
const call = async (wsfunction: string, params: Record<string, string>) => {
  const response = await fetch(sim.endpoint, {
    method: 'POST',
    body: new URLSearchParams({ wstoken: sim.token, wsfunction, moodlewsrestformat: 'json', ...params }),
  });
  return response.json() as Promise<unknown>;
};

// A student with an idnumber in a course with a teacher, made while the token sees everything.
const [student] = await client.createUsers([
  {
    username: 'ayla@college.example',
    email: 'ayla@college.example',
    firstname: 'Ayla',
    lastname: 'Demir',
    idnumber: '5725767000000123456',
    auth: 'manual',
  },
]);
const [course] = await client.createCourses([{ fullname: 'Capabilities', shortname: 'CAPS', categoryid: 1 }]);
await client.enrolUsers([{ userid: student!.id, courseid: course!.id, roleid: 5 }]);

t.test('restricted role: fields hidden and lookups empty exactly as recorded', async (t) => {
  sim.state.config.integrationCapabilities = RESTRICTED;
  sim.state.config.assignableRoles = [5, 3];
  t.teardown(() => {
    sim.state.config.integrationCapabilities = 'all';
    sim.state.config.assignableRoles = 'all';
  });
  t.same(
    keysOf(await call('core_user_get_users_by_field', { field: 'id', 'values[0]': String(student!.id) })),
    keysOf(recording('core_user_get_users_by_field__restricted_role_by_id').response),
    'by id: the recorded keys',
  );
  for (const [field, value] of [
    ['idnumber', '5725767000000123456'],
    ['username', 'ayla@college.example'],
    ['email', 'ayla@college.example'],
  ]) {
    t.same(
      await call('core_user_get_users_by_field', { field: field!, 'values[0]': value! }),
      recording(`core_user_get_users_by_field__restricted_role_by_${field}`).response,
      `by ${field}: [] as recorded`,
    );
  }
  const enrolled = await call('core_enrol_get_enrolled_users', { courseid: String(course!.id) });
  t.same(
    keysOf(enrolled),
    keysOf(recording('core_enrol_get_enrolled_users__restricted_role_course').response),
    'enrolled users: the recorded keys',
  );
  const refused = await call('enrol_manual_enrol_users', {
    'enrolments[0][roleid]': '4',
    'enrolments[0][userid]': String(student!.id),
    'enrolments[0][courseid]': String(course!.id),
  });
  t.match(
    refused,
    {
      errorcode: (recording('enrol_manual_enrol_users__restricted_role_teacher_role').response as { errorcode: string })
        .errorcode,
    },
    'role 4 not assignable: wsusercannotassign',
  );

  await t.rejects(
    client.findUser('id', student!.id),
    { code: 'moodle.capability_missing', message: /moodle\/user:viewalldetails.*setup_integration\.php/ },
    'the client names the missing capability and the fix, not a schema error',
  );
  await t.rejects(client.getEnrolledUsers(course!.id), {
    code: 'moodle.capability_missing',
    message: /moodle\/user:viewalldetails/,
  });
});

t.test('only the identity capability missing: the e-mail is hidden and named', async (t) => {
  sim.state.config.integrationCapabilities = SETUP.filter((c) => c !== 'moodle/site:viewuseridentity');
  t.teardown(() => {
    sim.state.config.integrationCapabilities = 'all';
  });
  await t.rejects(client.findUser('id', student!.id), {
    code: 'moodle.capability_missing',
    message: /moodle\/site:viewuseridentity/,
  });
  t.same(
    await call('core_user_get_users_by_field', { field: 'email', 'values[0]': 'ayla@college.example' }),
    [],
    'a lookup by e-mail finds nobody',
  );
});

t.test("the setup script's role sees what the setup-role recordings show", async (t) => {
  sim.state.config.integrationCapabilities = SETUP;
  sim.state.config.assignableRoles = [5, 3, 4];
  t.teardown(() => {
    sim.state.config.integrationCapabilities = 'all';
    sim.state.config.assignableRoles = 'all';
  });
  const recorded = keysOf(recording('core_user_get_users_by_field__setup_role_by_idnumber').response);
  const answer = await call('core_user_get_users_by_field', { field: 'idnumber', 'values[0]': '5725767000000123456' });
  for (const key of ['username', 'email', 'idnumber', 'auth', 'suspended']) {
    t.ok(recorded.includes(key) && keysOf(answer).includes(key), `${key}: recorded and simulated`);
  }
  t.match(await client.findUser('idnumber', '5725767000000123456'), {
    id: student!.id,
    username: 'ayla@college.example',
    email: 'ayla@college.example',
  });
  t.equal(
    await call('enrol_manual_enrol_users', {
      'enrolments[0][roleid]': '4',
      'enrolments[0][userid]': String(student!.id),
      'enrolments[0][courseid]': String(course!.id),
      'enrolments[0][suspend]': '1',
    }),
    recording('enrol_manual_enrol_users__setup_role_teacher_role').response,
    'role 4 assignable: null as recorded',
  );
});
