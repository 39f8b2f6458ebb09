import t from 'tap';
import { changeSetting } from '../../shared/db/queries/appSettings.ts';
import { getLink, saveLink } from '../../shared/db/queries/syncLinks.ts';
import type { MoodleEnrolmentData } from '../../shared/domain/moodle/moodleEventData.ts';
import { flows } from '../../worker/flows/index.ts';
import { planStudentLink, readZohoStudentOf } from '../../worker/flows/zohoRecordsOfMoodle.ts';
import type { FlowIO } from '../../worker/pipeline/flow.ts';
import { runFlow } from '../../worker/pipeline/runFlow.ts';
import { applySteps } from '../../worker/pipeline/applySteps.ts';
import { testRunContext } from '../helpers/runContext.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startZohoTestSetup } from '../helpers/zohoTestSetup.ts';

/**
 * `moodle.roles.student` may name the role by id, also as a string ("5", which resolveRoleId
 * accepts). The plugin's `roles` are shortnames, so an id cannot be compared with them: a
 * student enrolment must not be skipped as "not a student enrolment" then.
 */

const { zoho: zohoSim, client: zoho, db: db, log } = await startZohoTestSetup(t);
const [student] = zohoSim.seed('BTEC_Students', [
  { First_Name: 'Layla', Last_Name: 'Hassan', Academic_Email: 'layla@college.example', Student_Moodle_ID: '45' },
]);
const [classId] = zohoSim.seed('BTEC_Classes', [
  { Class_Name: 'Unit 4 Marketing', Moodle_Class_ID: '6', Class_Status: 'Active' },
]);

const enrolment = (roles: string[]): MoodleEnrolmentData => ({
  user_enrolment_id: 500,
  user_id: 45,
  course_id: 6,
  course_idnumber: '',
  course_shortname: 'U4',
  enrol_instance_id: 12,
  enrol_method: 'manual',
  status: 0,
  timestart: null,
  timeend: null,
  roles,
  deleted: false,
  last_enrolment: null,
});

/** The plugin's enrolment event through the runner, as the worker runs it. */
async function runEnrolment(data: MoodleEnrolmentData) {
  const payload = {
    event_id: `e-${Math.random()}`,
    event_type: '\\core\\event\\user_enrolment_created',
    entity_type: 'enrollment',
    entity_id: data.user_enrolment_id,
    user_id: data.user_id,
    course_id: data.course_id,
    timestamp: 1_790_000_000,
    data,
  };
  const id = await addTestEvent(db, {
    source: 'moodle',
    entity: 'enrollment',
    module: 'user_enrolments',
    recordId: String(data.user_enrolment_id),
    taskIdentifier: 'moodle_enrollment',
    payload,
  });
  return runFlow(flows, testRunContext(db, log, { zoho }), await eventById(db, id));
}

/** Under `system.dry_run` (nothing written), with `moodle.roles.student` as given. */
async function run(studentRole: string | number, roles: string[]) {
  await changeSetting(
    db,
    'moodle.roles',
    { student: studentRole, teacher: 'editingteacher', non_editing_teacher: 'teacher' },
    'test',
  );
  await changeSetting(db, 'system.dry_run', { enabled: true, modules: [] }, 'test');
  try {
    return await runEnrolment(enrolment(roles));
  } finally {
    await changeSetting(db, 'system.dry_run', { enabled: false, modules: [] }, 'test');
  }
}

t.test('a student role given by id as a string does not skip student enrolments', async (t) => {
  t.match(await run('5', ['student']), {
    status: 'skipped',
    result: { dryRun: true, action: 'created', moodleUserId: 45 },
  });
  t.match(await run(5, ['student']), { status: 'skipped', result: { dryRun: true, action: 'created' } });
});

t.test('by shortname, other roles are still skipped', async (t) => {
  t.match(await run('student', ['editingteacher']), {
    status: 'skipped',
    result: { reason: /not a student enrolment/ },
  });
  t.match(await run('student', ['student']), { status: 'skipped', result: { dryRun: true, action: 'created' } });
  await changeSetting(
    db,
    'moodle.roles',
    { student: 'student', teacher: 'editingteacher', non_editing_teacher: 'teacher' },
    'test',
  );
  t.ok(student && classId);
});

t.test(
  'a Zoho student found by e-mail who is already another Moodle account is not re-pointed to this user',
  async (t) => {
    const [sami] = zohoSim.seed('BTEC_Students', [
      { First_Name: 'Sami', Last_Name: 'Nasser', Academic_Email: 'sami@college.example', Student_Moodle_ID: '46' },
    ]);
    const id = await addTestEvent(db);
    const io = { db, log, zoho, settings: {}, event: await eventById(db, id) } as unknown as FlowIO;
    // Read, plan, apply: what the grade and enrolment flows do with the student of a Moodle user.
    const resolve = async (moodleUserId: number) => {
      const { studentZohoId, steps } = planStudentLink(
        await readZohoStudentOf(io, moodleUserId, 'sami@college.example'),
        moodleUserId,
      );
      await applySteps(steps, { db, zoho, moodle: undefined as never, event: io.event });
      return studentZohoId;
    };
    // Moodle user 99 is a second account with Sami's e-mail.
    await t.rejects(resolve(99), {
      code: 'zoho.conflict',
      message: /BTEC_Students \d+ has its e-mail but belongs to Moodle user 46/,
    });
    t.equal(zohoSim.record('BTEC_Students', sami!)!.Student_Moodle_ID, '46', 'Zoho keeps the Moodle id it has');
    t.equal(await getLink(db, 'student', sami!), null, 'not linked to user 99');
    // The account Zoho names is resolved as before.
    t.equal(await resolve(46), sami);
    t.match(await getLink(db, 'student', sami!), { moodle_id: 46 });
  },
);

t.test(
  're-enrolled by hand after its Zoho enrollment was deleted: a new one is made; a suspended enrolment makes none',
  async (t) => {
    await saveLink(db, {
      entity: 'enrollment',
      zohoId: '5725767099999999999',
      moodleId: 6,
      moodleUserId: 45,
      fingerprint: null,
      state: 'suspended',
    });
    const again = await runEnrolment(enrolment(['student']));
    t.match(
      again,
      { status: 'completed', result: { action: 'created' } },
      'a suspended link is no reason to stay silent',
    );
    t.ok(zohoSim.record('BTEC_Enrollments', (again.result as { zohoId: string }).zohoId), 'the Zoho enrollment exists');
    const suspended = await runEnrolment({ ...enrolment(['student']), user_enrolment_id: 501, user_id: 46, status: 1 });
    t.match(suspended, { status: 'skipped', result: { reason: 'the enrolment is suspended in Moodle' } });
  },
);
