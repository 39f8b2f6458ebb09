import t from 'tap';
import { parseSyncSettings } from '../../shared/db/queries/appSettings.ts';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import type { MoodleEnrolmentData } from '../../shared/domain/moodle/moodleEventData.ts';
import { syncEnrolmentToZoho } from '../../worker/handlers/moodleToZoho/syncEnrolmentToZoho.ts';
import { testHandlerContext } from '../helpers/handlerContext.ts';
import { addTestEvent } from '../helpers/testEvents.ts';
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

async function run(studentRole: string | number, roles: string[]) {
  const id = await addTestEvent(db);
  const settings = parseSyncSettings({
    'moodle.roles': { student: studentRole, teacher: 'editingteacher', non_editing_teacher: 'teacher' },
  });
  const ctx = testHandlerContext(db, log, { zoho });
  return syncEnrolmentToZoho({
    ctx,
    event: { id } as EventRow,
    settings,
    dryRun: true,
    zoho,
    moodle: undefined,
    data: enrolment(roles),
  });
}

t.test('a student role given by id as a string does not skip student enrolments', async (t) => {
  t.match(await run('5', ['student']), { status: 'completed', result: { action: 'created', moodleUserId: 45 } });
  t.match(await run(5, ['student']), { status: 'completed', result: { action: 'created' } });
});

t.test('by shortname, other roles are still skipped', async (t) => {
  t.match(await run('student', ['editingteacher']), {
    status: 'skipped',
    result: { reason: /not a student enrolment/ },
  });
  t.match(await run('student', ['student']), { status: 'completed', result: { action: 'created' } });
  t.ok(student && classId);
});

t.test(
  'a Zoho student found by e-mail who is already another Moodle account is not re-pointed to this user',
  async (t) => {
    const { resolveZohoStudent } = await import('../../worker/handlers/moodleToZoho/resolveZohoRecords.ts');
    const { getLink } = await import('../../shared/db/queries/syncLinks.ts');
    const [sami] = zohoSim.seed('BTEC_Students', [
      { First_Name: 'Sami', Last_Name: 'Nasser', Academic_Email: 'sami@college.example', Student_Moodle_ID: '46' },
    ]);
    const id = await addTestEvent(db);
    const ctx = testHandlerContext(db, log, { zoho });
    const run = {
      ctx,
      event: { id } as EventRow,
      settings: parseSyncSettings({}),
      dryRun: false,
      zoho,
      moodle: undefined,
      data: null,
    };
    // Moodle user 99 is a second account with Sami's e-mail.
    await t.rejects(resolveZohoStudent(run, 99, 'sami@college.example'), {
      code: 'zoho.conflict',
      message: /BTEC_Students \d+ has its e-mail but belongs to Moodle user 46/,
    });
    t.equal(zohoSim.record('BTEC_Students', sami!)!.Student_Moodle_ID, '46', 'Zoho keeps the Moodle id it has');
    t.equal(await getLink(db, 'student', sami!), null, 'not linked to user 99');
    // The account Zoho names is resolved as before.
    t.equal(await resolveZohoStudent(run, 46, 'sami@college.example'), sami);
    t.match(await getLink(db, 'student', sami!), { moodle_id: 46 });
  },
);

t.test(
  're-enrolled by hand after its Zoho enrollment was deleted: a new one is made; a suspended enrolment makes none',
  async (t) => {
    const { saveLink } = await import('../../shared/db/queries/syncLinks.ts');
    await saveLink(db, {
      entity: 'enrollment',
      zohoId: '5725767099999999999',
      moodleId: 6,
      moodleUserId: 45,
      fingerprint: null,
      state: 'suspended',
    });
    const id = await addTestEvent(db);
    const ctx = testHandlerContext(db, log, { zoho });
    const settings = parseSyncSettings({});
    const again = await syncEnrolmentToZoho({
      ctx,
      event: { id } as EventRow,
      settings,
      dryRun: false,
      zoho,
      moodle: undefined,
      data: enrolment(['student']),
    });
    t.match(
      again,
      { status: 'completed', result: { action: 'created' } },
      'a suspended link is no reason to stay silent',
    );
    t.ok(zohoSim.record('BTEC_Enrollments', (again.result as { zohoId: string }).zohoId), 'the Zoho enrollment exists');
    const suspended = await syncEnrolmentToZoho({
      ctx,
      event: { id } as EventRow,
      settings,
      dryRun: false,
      zoho,
      moodle: undefined,
      data: { ...enrolment(['student']), user_id: 46, status: 1 },
    });
    t.match(suspended, { status: 'skipped', result: { reason: 'the enrolment is suspended in Moodle' } });
  },
);
