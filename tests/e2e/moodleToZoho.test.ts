import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import type {
  MoodleEnrolmentData,
  MoodleGradeData,
  MoodleUserData,
} from '../../shared/domain/moodle/moodleEventData.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { sampleMoodleGrade } from '../helpers/sampleMoodleGrade.ts';

/**
 * Moodle → Zoho end to end: signed Moodle-plugin payloads (moodle-plugin/README.md "What is
 * sent") into the real ingress and worker processes, the Zoho simulator as the target.
 */

let nextGradeId = 9000;

function gradeData(overrides: Partial<MoodleGradeData> = {}): MoodleGradeData {
  return sampleMoodleGrade({
    grade_id: nextGradeId++,
    learning_outcomes: [
      {
        code: 'P1',
        level: 'pass',
        description: 'Explain the marketing mix',
        score: '1',
        feedback: 'Clear',
        achieved: true,
      },
      { code: 'M1', level: 'merit', description: 'Analyse a campaign', score: '1', feedback: 'Good', achieved: true },
      {
        code: 'D1',
        level: 'distinction',
        description: 'Evaluate strategy',
        score: '0',
        feedback: 'Not yet',
        achieved: false,
      },
    ],
    ...overrides,
  });
}

async function sendGrade(stack: SyncStack, data: MoodleGradeData) {
  const eventId = randomUUID();
  const answer = await stack.sendMoodle('grade', {
    event_id: eventId,
    event_type: '\\mod_assign\\event\\submission_graded',
    entity_type: 'assign_grades',
    entity_id: data.grade_id,
    user_id: data.student_id,
    course_id: data.course_id,
    timestamp: data.graded_at ?? 0,
    data,
  });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return stack.settled(eventId);
}

async function sendEnrolment(stack: SyncStack, data: MoodleEnrolmentData) {
  const eventId = randomUUID();
  const answer = await stack.sendMoodle('enrollment', {
    event_id: eventId,
    event_type: data.deleted ? '\\core\\event\\user_enrolment_deleted' : '\\core\\event\\user_enrolment_created',
    entity_type: 'user_enrolments',
    entity_id: data.user_enrolment_id,
    user_id: data.user_id,
    course_id: data.course_id,
    timestamp: 1_790_000_000,
    data,
  });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}`);
  return stack.settled(eventId);
}

async function sendUser(stack: SyncStack, data: MoodleUserData) {
  const eventId = randomUUID();
  const answer = await stack.sendMoodle('user', {
    event_id: eventId,
    event_type: '\\core\\event\\user_created',
    entity_type: 'user',
    entity_id: data.id,
    user_id: data.id,
    course_id: null,
    timestamp: 1_790_000_000,
    data,
  });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}`);
  return stack.settled(eventId);
}

t.test('Moodle → Zoho through the real ingress and worker', async (t) => {
  // The Moodle side of the payloads below exists too: the grades' dashboard copies (queued after
  // each write) push to these users and this course, and would otherwise find them missing.
  const stack = await startSyncStack(t, {
    moodleSeed: {
      users: [
        {
          id: 45,
          username: 'layla@college.example',
          email: 'layla@college.example',
          firstname: 'Layla',
          lastname: 'Hassan',
        },
        {
          id: 46,
          username: 'sami@college.example',
          email: 'sami@college.example',
          firstname: 'Sami',
          lastname: 'Nasser',
        },
      ],
      courses: [{ id: 6, shortname: 'U4', fullname: 'Unit 4 Marketing' }],
    },
  });
  const { zoho } = stack;
  // Layla: a Zoho student whose Moodle id Zoho already knows (never linked in our database).
  const [layla] = zoho.seed('BTEC_Students', [
    { First_Name: 'Layla', Last_Name: 'Hassan', Academic_Email: 'layla@college.example', Student_Moodle_ID: '45' },
  ]);
  const [classId] = zoho.seed('BTEC_Classes', [
    { Class_Name: 'Unit 4 Marketing', Moodle_Class_ID: '6', Class_Status: 'Active' },
  ]);

  t.test(
    'a BTEC grade creates its Zoho record, then updates the same record; the student and class are found in Zoho',
    async (t) => {
      const first = await sendGrade(stack, gradeData({ grade_id: 500 }));
      t.match(first, {
        status: 'completed',
        result: {
          action: 'created',
          letter: 'M',
          basis: 'btec_scale',
          compositeKey: '45_6_7',
          studentZohoId: layla,
          classZohoId: classId,
        },
      });
      const zohoId = (first.result as { zohoId: string }).zohoId;
      const record = zoho.record('BTEC_Grades', zohoId)!;
      t.match(record, {
        Moodle_Grade_Composite_Key: '45_6_7',
        Grade: 'M',
        Grade_Status: 'Released',
        Attempt_Number: 1,
        Attempt_Date: '2026-09-22',
        Feedback: 'Good analysis of the market.',
        Grader_Name: 'Omar Teacher',
        Student: { id: layla },
        Class: { id: classId },
        BTEC_Grade_Name: 'Layla Hassan - Unit 4 Marketing - M - 2026-09-22',
      });
      t.equal(record.IV_Name, undefined, 'a teacher is not the IV');
      t.match(record.Learning_Outcomes_Assessm, [
        {
          LO_Code: 'P1',
          LO_Outcome_Identification: 'P1',
          LO_Title: 'Explain the marketing mix',
          LO_Definition: 'Explain the marketing mix',
          LO_Score: '1',
          LO_Feedback: 'Clear',
        },
        { LO_Code: 'M1' },
        { LO_Code: 'D1', LO_Score: '0' },
      ]);
      const write = zoho.calls.find((c) => c.method === 'POST' && c.path.endsWith('/BTEC_Grades'));
      t.same(write?.trigger, [], 'written with "trigger": [] (no workflow echo)');

      // The IV re-grades it Distinction later, with one LO changed.
      const second = await sendGrade(
        stack,
        gradeData({
          grade_id: 500,
          grade: '4.00000',
          grade_label: 'Distinction',
          graded_at: 1_790_200_000,
          grader_name: 'Iman Verifier',
          grader_role: 'iv',
          learning_outcomes: [
            {
              code: 'P1',
              level: 'pass',
              description: 'Explain the marketing mix',
              score: '1',
              feedback: 'Clear',
              achieved: true,
            },
          ],
        }),
      );
      t.match(second, { status: 'completed', result: { action: 'updated', letter: 'D', zohoId } });
      const updated = zoho.record('BTEC_Grades', zohoId)!;
      t.match(updated, { Grade: 'D', IV_Name: 'Iman Verifier', Grader_Name: 'Omar Teacher' });
      t.equal((updated.Learning_Outcomes_Assessm as unknown[]).length, 1, 'LO subform replaced, not appended');
      const sameKey = zoho.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/BTEC_Grades')).length;
      t.equal(sameKey, 1, 'one create for the composite key; the re-grade was an update');

      // The same grade again: nothing to write. An older event arriving late: ignored.
      const before = zoho.calls.length;
      t.match(
        await sendGrade(
          stack,
          gradeData({
            grade_id: 500,
            grade: '4.00000',
            grade_label: 'Distinction',
            graded_at: 1_790_200_000,
            grader_name: 'Iman Verifier',
            grader_role: 'iv',
            learning_outcomes: [
              {
                code: 'P1',
                level: 'pass',
                description: 'Explain the marketing mix',
                score: '1',
                feedback: 'Clear',
                achieved: true,
              },
            ],
          }),
        ),
        { status: 'completed', result: { action: 'unchanged' } },
      );
      // (The dashboard-copy events of the earlier writes may run meanwhile: they only read Zoho.)
      const gradeWrites = (calls: typeof zoho.calls) =>
        calls.filter((c) => (c.method === 'POST' || c.method === 'PUT') && /\/BTEC_Grades(\/|$)/.test(c.path)).length;
      t.equal(
        gradeWrites(zoho.calls),
        gradeWrites(zoho.calls.slice(0, before)),
        'no Zoho write for an unchanged grade',
      );
      t.match(await sendGrade(stack, gradeData({ grade_id: 500, graded_at: 1_790_150_000 })), {
        status: 'skipped',
        result: { reason: /older than the grade already in Zoho/ },
      });
      t.equal(zoho.record('BTEC_Grades', zohoId)!.Grade, 'D', 'the newer grade stays');

      const links = await stack.db.any(
        sql.type(
          z.object({ entity: z.string(), zoho_id: z.string(), moodle_id: z.coerce.number() }),
        )`select entity, zoho_id, moodle_id from sync_links where entity in ('class', 'student') order by entity`,
      );
      t.match(
        links,
        [
          { entity: 'class', zoho_id: classId, moodle_id: 6 },
          { entity: 'student', zoho_id: layla, moodle_id: 45 },
        ],
        'student and class linked once found',
      );
      // The grade's dashboard copy, queued after the write, reaches the plugin.
      const copy = await waitFor(
        async () =>
          stack.moodle.state.zohosync.local_zohosync_grade.find((g) => g.zohoid === zohoId && g.grade === 'D'),
        30_000,
        'the dashboard copy',
      );
      t.match(
        copy,
        { userid: 45, courseid: 6, gradestatus: 'Released', ivname: 'Iman Verifier' },
        'the dashboard copy followed the write',
      );
    },
  );

  t.test(
    'points grades use the percentage thresholds; no grade is skipped, not a Refer; long feedback is cut and said so',
    async (t) => {
      const points = (grade: string | null, assignment: number, feedback = 'ok') =>
        gradeData({
          assignment_id: assignment,
          grade,
          grade_type: 'points',
          grade_max: '100',
          grade_label: null,
          scale_items: null,
          scale_id: null,
          grading_method: null,
          learning_outcomes: [],
          feedback,
        });
      t.match(await sendGrade(stack, points('70.00000', 101)), {
        status: 'completed',
        result: { letter: 'D', basis: 'points' },
      });
      t.match(await sendGrade(stack, points('69.99999', 102)), { status: 'completed', result: { letter: 'M' } });
      t.match(await sendGrade(stack, points('39.5', 103)), { status: 'completed', result: { letter: 'R' } });
      t.match(await sendGrade(stack, points(null, 104)), { status: 'skipped', result: { reason: /no grade given/ } });
      const long = `${'word '.repeat(600)}end`;
      const cut = await sendGrade(stack, points('55', 105, long));
      t.match(cut, {
        status: 'completed',
        result: { letter: 'P', warnings: [/Feedback has 3003 characters; Zoho keeps 2000: cut/] },
      });
      const feedback = String(zoho.record('BTEC_Grades', (cut.result as { zohoId: string }).zohoId)!.Feedback);
      t.ok(
        [...feedback].length <= 2000 && feedback.endsWith('the full feedback is in Moodle)'),
        'at most 2,000 characters, ending with the note',
      );
    },
  );

  t.test('a create answered DUPLICATE_DATA updates the record Zoho names', async (t) => {
    // The predecessor wrote a 2-part key; the org has a unique rule on Moodle_Grade_ID.
    zoho.setUniqueFields('BTEC_Grades', ['Moodle_Grade_Composite_Key', 'Moodle_Grade_ID']);
    t.teardown(() => zoho.setUniqueFields('BTEC_Grades', ['Moodle_Grade_Composite_Key']));
    const [legacy] = zoho.seed('BTEC_Grades', [
      { Moodle_Grade_Composite_Key: '45_8', Moodle_Grade_ID: '7777', Grade: 'R' },
    ]);
    const event = await sendGrade(stack, gradeData({ assignment_id: 8, grade_id: 7777 }));
    t.match(event, {
      status: 'completed',
      result: { action: 'updated', zohoId: legacy, warnings: [/DUPLICATE_DATA \(Moodle_Grade_ID\): updated record/] },
    });
    t.match(zoho.record('BTEC_Grades', legacy!), { Moodle_Grade_Composite_Key: '45_6_8', Grade: 'M' });
  });

  t.test('a student only known by e-mail is resolved and linked; an unknown one fails naming the user', async (t) => {
    const [sami] = zoho.seed('BTEC_Students', [
      { First_Name: 'Sami', Last_Name: 'Nasser', Academic_Email: 'sami@college.example' },
    ]);
    const event = await sendGrade(
      stack,
      gradeData({ student_id: 46, student_email: 'Sami@College.example', assignment_id: 9 }),
    );
    t.match(event, { status: 'completed', result: { studentZohoId: sami } });
    t.equal(zoho.record('BTEC_Students', sami!)!.Student_Moodle_ID, '46', 'Student_Moodle_ID written back');
    const unknown = await sendGrade(
      stack,
      gradeData({ student_id: 47, student_email: 'nobody@college.example', assignment_id: 9 }),
    );
    t.match(unknown, {
      status: 'failed',
      error_code: 'zoho.student_not_found',
      last_error: /Moodle user 47 is no BTEC_Students record/,
    });
    t.notMatch(String(unknown.last_error), /nobody@/, 'the e-mail is not echoed');
  });

  t.test(
    'grades are skipped when sync.directions.grades does not go to Zoho, and a dry run writes nothing',
    async (t) => {
      await stack.setting('sync.directions', {
        student_profile: 'zoho_to_moodle',
        finance: 'zoho_to_moodle',
        enrollments: 'bidirectional',
        grades: 'zoho_to_moodle',
      });
      t.match(await sendGrade(stack, gradeData({ assignment_id: 10 })), {
        status: 'skipped',
        result: { reason: /does not sync Moodle → Zoho/ },
      });
      await stack.setting('sync.directions', {
        student_profile: 'zoho_to_moodle',
        finance: 'zoho_to_moodle',
        enrollments: 'bidirectional',
        grades: 'moodle_to_zoho',
      });
      await stack.setting('system.dry_run', { enabled: true, modules: ['BTEC_Grades'] });
      const writes = zoho.calls.filter((c) => c.method !== 'GET' && !c.path.endsWith('/coql')).length;
      t.match(await sendGrade(stack, gradeData({ assignment_id: 11 })), {
        status: 'skipped',
        result: { dryRun: true, action: 'created' },
      });
      t.equal(
        zoho.calls.filter((c) => c.method !== 'GET' && !c.path.endsWith('/coql')).length,
        writes,
        'no Zoho write',
      );
      await stack.setting('system.dry_run', { enabled: false, modules: [] });
    },
  );

  t.test('enrolments made in Moodle reach BTEC_Enrollments; ours are not echoed; unenrolment deletes it', async (t) => {
    const enrolment = (overrides: Partial<MoodleEnrolmentData> = {}): MoodleEnrolmentData => ({
      user_enrolment_id: 500,
      user_id: 45,
      course_id: 6,
      course_idnumber: '',
      course_shortname: 'U4',
      enrol_instance_id: 12,
      enrol_method: 'manual',
      status: 0,
      timestart: 1_790_000_000,
      timeend: null,
      roles: ['student'],
      deleted: false,
      last_enrolment: null,
      ...overrides,
    });
    const created = await sendEnrolment(stack, enrolment());
    t.match(created, {
      status: 'completed',
      result: { action: 'created', studentZohoId: layla, classZohoId: classId },
    });
    const zohoId = (created.result as { zohoId: string }).zohoId;
    t.match(zoho.record('BTEC_Enrollments', zohoId), {
      Enrolled_Students: { id: layla },
      Classes: { id: classId },
      Start_Date: '2026-09-21',
    });
    t.match(
      await sendEnrolment(stack, enrolment({ user_enrolment_id: 500, status: 1 })),
      { status: 'completed', result: { action: 'unchanged' } },
      'a linked enrolment is not sent again',
    );
    t.match(await sendEnrolment(stack, enrolment({ user_id: 3, roles: ['editingteacher'] })), {
      status: 'skipped',
      result: { reason: /not a student enrolment/ },
    });
    t.match(await sendEnrolment(stack, enrolment({ deleted: true, roles: [], last_enrolment: true })), {
      status: 'completed',
      result: { action: 'deleted', zohoId },
    });
    t.equal(zoho.record('BTEC_Enrollments', zohoId), undefined, 'deleted in Zoho');
    const deleteCall = zoho.calls.find((c) => c.method === 'DELETE');
    t.equal(deleteCall?.query.wf_trigger, 'false', 'the delete runs no workflow (no echo)');
  });

  t.test(
    'a Moodle user is linked to their Zoho record by e-mail; never created in Zoho unless the direction says so',
    async (t) => {
      const [teacher] = zoho.seed('BTEC_Teachers', [{ Name: 'Nadia Karim', Email: 'nadia@college.example' }]);
      const user = (id: number, email: string): MoodleUserData => ({
        id,
        username: email,
        email,
        idnumber: '',
        firstname: 'N',
        lastname: 'K',
        city: '',
        country: '',
        suspended: false,
        auth: 'manual',
        deleted: false,
      });
      t.match(await sendUser(stack, user(60, 'Nadia@college.example')), {
        status: 'completed',
        result: { action: 'linked', linkedTo: 'teacher', zohoId: teacher },
      });
      t.equal(zoho.record('BTEC_Teachers', teacher!)!.Teacher_Moodle_ID, '60');
      t.match(await sendUser(stack, user(61, 'stranger@college.example')), {
        status: 'skipped',
        result: { reason: /created from Moodle only when sync.directions.student_profile/ },
      });
      await stack.setting('sync.directions', {
        student_profile: 'bidirectional',
        finance: 'zoho_to_moodle',
        enrollments: 'bidirectional',
        grades: 'moodle_to_zoho',
      });
      const created = await sendUser(stack, user(62, 'newcomer@college.example'));
      t.match(created, { status: 'completed', result: { action: 'created', linkedTo: 'student' } });
      t.match(zoho.record('BTEC_Students', (created.result as { zohoId: string }).zohoId), {
        Academic_Email: 'newcomer@college.example',
        Student_Moodle_ID: '62',
      });
    },
  );

  t.test(
    'the nightly BTEC rules: F for no submission after the due date, RR for no second attempt after a Refer',
    async (t) => {
      const now = Math.floor(Date.now() / 1000);
      const DAY = 86_400;
      const [rami, dina] = zoho.seed('BTEC_Students', [
        { First_Name: 'Rami', Last_Name: 'Aziz', Academic_Email: 'rami@college.example', Student_Moodle_ID: '70' },
        { First_Name: 'Dina', Last_Name: 'Saad', Academic_Email: 'dina@college.example', Student_Moodle_ID: '71' },
      ]);
      const [ruleClass] = zoho.seed('BTEC_Classes', [
        { Class_Name: 'Unit 9 Finance', Moodle_Class_ID: '80', Class_Status: 'Active' },
      ]);
      stack.moodle.seed({
        users: [
          { id: 70, username: 'rami@college.example' },
          { id: 71, username: 'dina@college.example' },
          { id: 72, username: 'omar@college.example' },
        ],
        courses: [{ id: 80, shortname: 'U9-FIN', idnumber: ruleClass }],
        enrolments: [
          { userid: 70, courseid: 80 },
          { userid: 71, courseid: 80 },
          { userid: 72, courseid: 80 },
        ],
        assignments: [{ id: 90, courseid: 80, name: 'Finance report', duedate: now - 2 * DAY }],
        submissions: [{ assignmentid: 90, userid: 71 }],
        // Omar has an extension until next week: no F for him yet.
        extensions: [{ assignmentid: 90, userid: 72, extensionduedate: now + 7 * DAY }],
      });
      await stack.db.query(
        sql.unsafe`insert into sync_links (entity, zoho_id, moodle_id) values ('class', ${ruleClass!}, 80)`,
      );
      // Dina's first attempt was referred three weeks ago, and nothing has been graded since.
      const referred = await sendGrade(
        stack,
        gradeData({
          student_id: 71,
          student_email: 'dina@college.example',
          course_id: 80,
          assignment_id: 90,
          grade: '1.00000',
          grade_label: 'Refer',
          graded_at: now - 21 * DAY,
        }),
      );
      t.match(referred, { status: 'completed', result: { letter: 'R', compositeKey: '71_80_90' } });

      const runRules = async () => {
        await stack.db.query(sql.unsafe`select graphile_worker.add_job('grades_btec_rules', '{}'::json)`);
        return waitFor(
          async () => {
            const rows = await stack.db.any(sql.type(
              z.object({ event_id: z.string(), status: z.string(), result: z.unknown() }),
            )`
          select event_id, status, result from integration_events_log where event_type = 'btec_rule' order by id`);
            return rows.length === 2 && rows.every((r) => ['completed', 'skipped', 'failed'].includes(r.status))
              ? rows
              : undefined;
          },
          30_000,
          'the two rule events to settle',
        );
      };
      const events = await runRules();
      t.match(events, [
        { status: 'completed', result: { rule: 'F', compositeKey: '70_80_90', letter: 'F', action: 'created' } },
        { status: 'completed', result: { rule: 'RR', compositeKey: '71_80_90', letter: 'RR' } },
      ]);
      const f = zoho.record('BTEC_Grades', (events[0]!.result as { zohoId: string }).zohoId);
      t.match(f, {
        Moodle_Grade_Composite_Key: '70_80_90',
        Grade: 'F',
        Attempt_Number: 1,
        Grade_Status: 'Released',
        Student: { id: rami },
        Class: { id: ruleClass },
        Feedback: /No submission by the due date/,
      });
      const rr = zoho.record('BTEC_Grades', (referred.result as { zohoId: string }).zohoId);
      t.match(rr, { Grade: 'RR', Attempt_Number: 2, Grade_Status: 'Released', Student: { id: dina } });

      // The next night finds nothing more to do.
      await stack.db.query(
        sql.unsafe`select graphile_worker.add_job('grades_btec_rules', '{}'::json, job_key := 'rules-again')`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const count = await stack.db.oneFirst(
        sql.type(
          z.object({ n: z.coerce.number() }),
        )`select count(*) as n from integration_events_log where event_type = 'btec_rule'`,
      );
      t.equal(count, 2, 'no rule applies twice, and Omar (extension until next week) gets none');

      // The teacher corrects Dina's first attempt to a Pass the next day: a teacher's grade given
      // after the rule's RR wins (one given before it would be the older one).
      const corrected = await sendGrade(
        stack,
        gradeData({
          student_id: 71,
          student_email: 'dina@college.example',
          course_id: 80,
          assignment_id: 90,
          grade: '2.00000',
          grade_label: 'Pass',
          graded_at: now + DAY,
        }),
      );
      t.match(corrected, { status: 'completed', result: { action: 'updated', letter: 'P' } });
      t.match(zoho.record('BTEC_Grades', (referred.result as { zohoId: string }).zohoId), {
        Grade: 'P',
        Attempt_Number: 1,
      });
    },
  );
});
