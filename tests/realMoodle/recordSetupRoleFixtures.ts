// Records what the integration user sees on a REAL Moodle with the role the plugin's setup
// script grants (tests/fixtures/moodle-capabilities/*__setup_role_*.json), beside the
// restricted- and full-role recordings of the same calls. Run after `npm run check:real-moodle`
// left a test student and course on the site:
//   MOODLE_URL=… MOODLE_TOKEN=… node tests/realMoodle/recordSetupRoleFixtures.ts <student idnumber> <course id>
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { PROJECT_ROOT } from '../helpers/spawnProcess.ts';

const args = z.tuple([z.string().regex(/^\d+$/), z.string().regex(/^\d+$/)]).safeParse(process.argv.slice(2));
const env = z.object({ MOODLE_URL: z.url(), MOODLE_TOKEN: z.string().regex(/^[0-9a-f]{32}$/) }).safeParse(process.env);
if (!args.success || !env.success) {
  console.error(
    "usage: MOODLE_URL=… MOODLE_TOKEN=<the setup script's token> node tests/realMoodle/recordSetupRoleFixtures.ts <student idnumber> <course id>",
  );
  process.exit(2);
}
const [idnumber, courseId] = args.data;
const { MOODLE_URL, MOODLE_TOKEN } = env.data;
const endpoint = `${MOODLE_URL.replace(/\/$/, '')}/webservice/rest/server.php`;
const NOTE =
  'Caller: the integration user with the role local/zohosync/cli/setup_integration.php creates (the capabilities of ' +
  'classes/local/integration_requirements.php, allowed to assign student, editingteacher and teacher). The looked-up user is a ' +
  "student the service created, with Moodle's default e-mail visibility.";

async function record(wsfunction: string, name: string, params: Record<string, string>) {
  const request = { wstoken: MOODLE_TOKEN, wsfunction, moodlewsrestformat: 'json', ...params };
  const started = performance.now();
  const response = await fetch(endpoint, { method: 'POST', body: new URLSearchParams(request) });
  const text = await response.text();
  const site = (await (
    await fetch(endpoint, {
      method: 'POST',
      body: new URLSearchParams({
        wstoken: MOODLE_TOKEN,
        wsfunction: 'core_webservice_get_site_info',
        moodlewsrestformat: 'json',
      }),
    })
  ).json()) as { release: string };
  const fixture = {
    function: wsfunction,
    case: name,
    request: { ...request, wstoken: '<token>' },
    status: response.status,
    response: JSON.parse(text) as unknown,
    moodle_release: site.release,
    http: { method: 'POST', path: '/webservice/rest/server.php', content_type: 'application/x-www-form-urlencoded' },
    elapsed_ms: Math.round(performance.now() - started),
    recorded_at: new Date().toISOString(),
    note: NOTE,
  };
  const file = `${PROJECT_ROOT}tests/fixtures/moodle-capabilities/${wsfunction}__${name}.json`;
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`${file}: ${text.slice(0, 120)}`);
  return fixture.response;
}

const [user] = z.array(z.object({ id: z.number(), username: z.string(), email: z.string() })).parse(
  await record('core_user_get_users_by_field', 'setup_role_by_idnumber', {
    field: 'idnumber',
    'values[0]': idnumber,
  }),
);
if (!user) throw new Error(`no user with idnumber ${idnumber} visible to this token`);
await record('core_user_get_users_by_field', 'setup_role_by_id', { field: 'id', 'values[0]': String(user.id) });
await record('core_user_get_users_by_field', 'setup_role_by_username', {
  field: 'username',
  'values[0]': user.username,
});
await record('core_user_get_users_by_field', 'setup_role_by_email', { field: 'email', 'values[0]': user.email });
await record('core_enrol_get_enrolled_users', 'setup_role_course', { courseid: courseId });
await record('enrol_manual_enrol_users', 'setup_role_teacher_role', {
  'enrolments[0][roleid]': '4',
  'enrolments[0][userid]': String(user.id),
  'enrolments[0][courseid]': courseId,
  'enrolments[0][suspend]': '1',
});
