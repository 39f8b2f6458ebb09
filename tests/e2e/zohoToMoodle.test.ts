import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { eventAttempts } from '../../shared/db/queries/eventAttempts.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';

/**
 * Zoho → Moodle end to end: signed (and plain) Zoho webhooks into the real ingress and
 * worker processes, a real PostgreSQL, the Zoho simulator as the source of the records and
 * the Moodle simulator as the target. Assertions read the simulators' resulting state.
 */

const lookup = (id: string, name = 'x') => ({ id, name });

function seedCollege(zoho: SyncStack['zoho'], tag: string) {
  const [programId] = zoho.seed('Products', [{ Product_Name: `Level 5 Business ${tag}` }]);
  const [teacherId] = zoho.seed('BTEC_Teachers', [
    { Name: `Leila Haddad ${tag}`, Academic_Email: `leila.${tag}@college.example` },
  ]);
  const [classId] = zoho.seed('BTEC_Classes', [
    {
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
      Name: `ST-${tag}`,
      First_Name: 'Zeynep',
      Last_Name: 'Çelik',
      Academic_Email: `Zeynep.${tag}@College.example`,
      City: 'Istanbul',
      Country: 'Turkey',
      Status: 'Active',
    },
  ]);
  const [enrollmentId] = zoho.seed('BTEC_Enrollments', [
    { Name: `EN-${tag}`, Enrolled_Students: lookup(studentId!), Classes: lookup(classId!) },
  ]);
  return {
    programId: programId!,
    teacherId: teacherId!,
    classId: classId!,
    studentId: studentId!,
    enrollmentId: enrollmentId!,
  };
}

const MODULES = {
  program: 'Products',
  teacher: 'BTEC_Teachers',
  class: 'BTEC_Classes',
  student: 'BTEC_Students',
  enrollment: 'BTEC_Enrollments',
} as const;

async function send(
  stack: SyncStack,
  entity: keyof typeof MODULES,
  recordId: string,
  eventType: 'created' | 'updated' | 'deleted' = 'created',
) {
  const eventId = randomUUID();
  const answer = await stack.sendZoho(entity, {
    event_id: eventId,
    event_type: eventType,
    module: MODULES[entity],
    record_id: recordId,
  });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return stack.settled(eventId);
}

const linkSchema = z.object({
  entity: z.string(),
  zoho_id: z.string(),
  moodle_id: z.coerce.number(),
  moodle_user_id: z.coerce.number().nullable(),
  state: z.string(),
});

t.test('Zoho → Moodle through the real ingress and worker', async (t) => {
  const stack = await startSyncStack(t);
  const { zoho, moodle } = stack;
  t.teardown(() => {
    if (process.env.E2E_DEBUG) for (const l of stack.logs.worker) console.error(JSON.stringify(l).slice(0, 400));
  });

  t.test('an enrollment arriving first brings its class, program, teacher and student with it', async (t) => {
    const ids = seedCollege(zoho, 'a1');
    const event = await send(stack, 'enrollment', ids.enrollmentId);
    t.equal(event.status, 'completed', String(event.last_error));
    t.match(event.result, {
      entity: 'enrollment',
      action: 'created',
      dependencies: [
        {
          entity: 'class',
          action: 'created',
          dependencies: [
            { entity: 'program', action: 'created' },
            { entity: 'teacher', action: 'created' },
          ],
        },
        { entity: 'student', action: 'created' },
      ],
    });

    const category = moodle.state.categories.find((c) => c.idnumber === ids.programId);
    t.match(category, { name: 'Level 5 Business a1' }, 'program → category, idnumber = Zoho id');
    const course = moodle.state.courses.find((c) => c.idnumber === ids.classId);
    t.match(course, {
      fullname: 'Unit 4 Marketing a1',
      shortname: 'U4-MKT-a1',
      category: category!.id,
      startdate: Date.UTC(2026, 8, 1) / 1000,
      enddate: Date.UTC(2027, 0, 31) / 1000,
    });
    const student = moodle.state.users.find((u) => u.idnumber === ids.studentId);
    t.match(student, {
      username: 'zeynep.a1@college.example',
      email: 'zeynep.a1@college.example',
      firstname: 'Zeynep',
      lastname: 'Çelik',
      city: 'Istanbul',
      country: 'TR',
      suspended: false,
    });
    const teacher = moodle.state.users.find((u) => u.idnumber === ids.teacherId);
    t.match(teacher, { username: 'leila.a1@college.example', firstname: 'Leila', lastname: 'Haddad a1' });

    const enrolments = moodle.state.enrolments.filter((e) => e.courseid === course!.id);
    t.same(
      enrolments.map((e) => [e.userid, e.status]).sort(),
      [
        [student!.id, 0],
        [teacher!.id, 0],
      ].sort(),
      'student and teacher enrolled, active',
    );
    const roles = moodle.state.roleAssignments.filter((r) => r.userid === student!.id || r.userid === teacher!.id);
    t.ok(
      roles.some((r) => r.userid === student!.id && r.roleid === 5),
      'student role',
    );
    t.ok(
      roles.some((r) => r.userid === teacher!.id && r.roleid === 3),
      'editing teacher role',
    );

    t.equal(
      zoho.record('BTEC_Students', ids.studentId)?.Student_Moodle_ID,
      String(student!.id),
      'Student_Moodle_ID written back',
    );
    t.equal(
      zoho.record('BTEC_Teachers', ids.teacherId)?.Teacher_Moodle_ID,
      String(teacher!.id),
      'Teacher_Moodle_ID written back',
    );
    t.equal(
      zoho.record('BTEC_Classes', ids.classId)?.Moodle_Class_ID,
      String(course!.id),
      'Moodle_Class_ID written back',
    );
    const writes = zoho.calls.filter((c) => c.method === 'PUT');
    t.ok(
      writes.length >= 3 && writes.every((c) => Array.isArray(c.trigger) && (c.trigger as unknown[]).length === 0),
      'every Zoho write sends "trigger": [] (no workflow echo)',
    );

    const links = await stack.db.any(
      sql.type(linkSchema)`select entity, zoho_id, moodle_id, moodle_user_id, state from sync_links order by entity`,
    );
    t.same(links.map((l) => l.entity).sort(), ['class', 'enrollment', 'program', 'student', 'teacher']);

    // The other records' own events now find everything in place and write nothing.
    const before = moodle.calls.length;
    for (const [entity, id] of [
      ['program', ids.programId],
      ['teacher', ids.teacherId],
      ['class', ids.classId],
      ['student', ids.studentId],
    ] as const) {
      const again = await send(stack, entity, id);
      t.match(
        again,
        { status: 'completed', result: { action: 'unchanged' } },
        `${entity} event after the fact: unchanged`,
      );
    }
    t.equal(moodle.calls.length, before, 'no Moodle call at all for unchanged records');
  });

  t.test('updates: a changed record updates only what changed; an unchanged one writes nothing', async (t) => {
    const ids = seedCollege(zoho, 'b1');
    await send(stack, 'student', ids.studentId);
    const user = () => moodle.state.users.find((u) => u.idnumber === ids.studentId)!;

    zoho.edit('BTEC_Students', ids.studentId, { Last_Name: 'Çelik-Yılmaz', City: 'Ankara' });
    const updated = await send(stack, 'student', ids.studentId, 'updated');
    t.match(updated, { status: 'completed', result: { action: 'updated', moodleId: user().id } });
    t.same((updated.result as { changes: string[] }).changes.sort(), ['city', 'lastname']);
    t.match(user(), { lastname: 'Çelik-Yılmaz', city: 'Ankara', username: 'zeynep.b1@college.example' });
    // The attempt's row keeps the plan it applied (bin/jobs show prints it).
    const [applied] = await eventAttempts(stack.db, updated.id);
    t.match(applied, { attempt: 1, outcome: 'completed', action: 'updated' });
    t.match(applied?.plan, [
      { op: 'moodle.update_user', userId: user().id, changes: { lastname: 'Çelik-Yılmaz', city: 'Ankara' } },
    ]);

    // Zoho edited a field we do not map: same canonical model, nothing to write.
    zoho.edit('BTEC_Students', ids.studentId, { Phone_Number: '+90 555 000 0000' });
    const before = moodle.calls.length;
    const unchanged = await send(stack, 'student', ids.studentId, 'updated');
    t.match(unchanged, { status: 'completed', result: { action: 'unchanged' } });
    t.equal(moodle.calls.length, before, 'no Moodle call');
    t.match(
      await eventAttempts(stack.db, unchanged.id),
      [{ outcome: 'completed', action: 'unchanged', plan: null, zoho_calls: 1, moodle_calls: 0 }],
      'an unchanged record cost one Zoho read and no Moodle call, as its attempt says',
    );

    // A class renamed and moved: the course follows.
    zoho.edit('BTEC_Classes', ids.classId, { Class_Name: 'Unit 4 Marketing (evening) b1', End_Date: '2027-02-28' });
    const classEvent = await send(stack, 'class', ids.classId, 'updated');
    t.match(classEvent, { status: 'completed', result: { action: 'created' } }, 'first event of the class creates it');
    zoho.edit('BTEC_Classes', ids.classId, { Class_Name: 'Unit 4 Marketing (late) b1' });
    const renamed = await send(stack, 'class', ids.classId, 'updated');
    t.match(renamed, { status: 'completed', result: { action: 'updated', changes: ['fullname'] } });
    t.equal(moodle.state.courses.find((c) => c.idnumber === ids.classId)?.fullname, 'Unit 4 Marketing (late) b1');

    // Status Graduated suspends the account; Active again re-activates it.
    zoho.edit('BTEC_Students', ids.studentId, { Status: 'Graduated' });
    t.match(await send(stack, 'student', ids.studentId, 'updated'), {
      status: 'completed',
      result: { action: 'suspended' },
    });
    t.equal(user().suspended, true);
    zoho.edit('BTEC_Students', ids.studentId, { Status: 'Active' });
    t.match(await send(stack, 'student', ids.studentId, 'updated'), {
      status: 'completed',
      result: { action: 'updated', changes: ['suspended'] },
    });
    t.equal(user().suspended, false);
  });

  t.test(
    'deletes: students and teachers are suspended, enrolments suspended, courses hidden — nothing is deleted',
    async (t) => {
      const ids = seedCollege(zoho, 'c1');
      await send(stack, 'enrollment', ids.enrollmentId);
      // The class became a course on the way, which queues its enrolments (this one) again: let that
      // follow-up finish first, or it may suspend the enrolment before the delete event below does.
      const followUp = await stack.db.oneFirst(sql.type(z.object({ event_id: z.string() }))`
      select event_id from integration_events_log where event_id like 'class-course:%' and record_id = ${ids.enrollmentId}`);
      await stack.settled(followUp);
      const course = moodle.state.courses.find((c) => c.idnumber === ids.classId)!;
      const student = moodle.state.users.find((u) => u.idnumber === ids.studentId)!;

      zoho.remove('BTEC_Enrollments', ids.enrollmentId);
      const enrolmentGone = await send(stack, 'enrollment', ids.enrollmentId, 'deleted');
      t.match(enrolmentGone, {
        status: 'completed',
        result: { action: 'suspended', moodleId: course.id, details: { userId: student.id } },
      });
      t.match(
        moodle.state.enrolments.find((e) => e.courseid === course.id && e.userid === student.id),
        { status: 1 },
        'enrolment suspended, still there (grades kept)',
      );

      zoho.remove('BTEC_Students', ids.studentId);
      t.match(await send(stack, 'student', ids.studentId, 'deleted'), {
        status: 'completed',
        result: { action: 'suspended', moodleId: student.id },
      });
      t.match(
        moodle.state.users.find((u) => u.id === student.id),
        { suspended: true, deleted: false },
      );

      zoho.remove('BTEC_Classes', ids.classId);
      t.match(await send(stack, 'class', ids.classId, 'deleted'), {
        status: 'completed',
        result: { action: 'suspended', changes: ['visible'] },
      });
      t.match(
        moodle.state.courses.find((c) => c.id === course.id),
        { visible: 0 },
        'course hidden, not deleted',
      );

      // The same delete delivered again: already done.
      t.match(await send(stack, 'student', ids.studentId, 'deleted'), {
        status: 'completed',
        result: { action: 'unchanged' },
      });
      zoho.remove('Products', ids.programId);
      t.match(await send(stack, 'program', ids.programId, 'deleted'), {
        status: 'skipped',
        result: { reason: /category is kept/ },
      });
      t.ok(
        moodle.state.categories.some((c) => c.idnumber === ids.programId),
        'category kept',
      );
    },
  );

  t.test('a record deleted in Zoho before its event runs is reported, not crashed on', async (t) => {
    const [ghost] = zoho.seed('BTEC_Students', [
      { First_Name: 'Ghost', Last_Name: 'Student', Academic_Email: 'ghost@college.example' },
    ]);
    zoho.remove('BTEC_Students', ghost!);
    const event = await send(stack, 'student', ghost!, 'created');
    t.match(event, {
      status: 'skipped',
      result: { action: 'skipped', reason: /no longer exists in Zoho and has no Moodle account/ },
    });
    t.notOk(
      moodle.state.users.some((u) => u.idnumber === ghost),
      'no account created',
    );
  });

  t.test('dry run records what would happen and writes nothing anywhere', async (t) => {
    const ids = seedCollege(zoho, 'd1');
    await stack.setting('system.dry_run', { enabled: true, modules: [] });
    t.teardown(() => stack.setting('system.dry_run', { enabled: false, modules: [] }));
    const zohoWrites = zoho.calls.filter((c) => c.method !== 'GET' && !c.path.includes('coql')).length;
    const event = await send(stack, 'enrollment', ids.enrollmentId);
    t.match(event, {
      status: 'skipped',
      result: {
        dryRun: true,
        action: 'created',
        reason: /^dry run/,
        dependencies: [
          { entity: 'class', action: 'created' },
          { entity: 'student', action: 'created' },
        ],
      },
    });
    t.notOk(
      moodle.state.users.some((u) => u.idnumber === ids.studentId || u.idnumber === ids.teacherId),
      'no Moodle user',
    );
    t.notOk(
      moodle.state.courses.some((c) => c.idnumber === ids.classId),
      'no course',
    );
    t.notOk(
      moodle.state.categories.some((c) => c.idnumber === ids.programId),
      'no category',
    );
    t.equal(
      zoho.calls.filter((c) => c.method !== 'GET' && !c.path.includes('coql')).length,
      zohoWrites,
      'no Zoho write',
    );
    const links = await stack.db.any(
      sql.type(
        linkSchema,
      )`select entity, zoho_id, moodle_id, moodle_user_id, state from sync_links where zoho_id = any(${sql.array(Object.values(ids), 'text')})`,
    );
    t.same(links, [], 'no link stored');

    // Only for listed modules: students dry, programs real.
    await stack.setting('system.dry_run', { enabled: true, modules: ['BTEC_Students'] });
    t.match(await send(stack, 'program', ids.programId), { status: 'completed', result: { action: 'created' } });
    t.match(await send(stack, 'student', ids.studentId), { status: 'skipped', result: { dryRun: true } });
  });

  t.test('a disabled module or workflow skips its events with the reason; re-enabled it syncs again', async (t) => {
    const ids = seedCollege(zoho, 'e1');
    await stack.setting('modules.enabled', { BTEC_Teachers: false });
    t.match(await send(stack, 'teacher', ids.teacherId), {
      status: 'skipped',
      result: { reason: 'module disabled (modules.enabled.BTEC_Teachers is false)' },
    });
    await stack.setting('modules.enabled', { BTEC_Teachers: true });
    await stack.setting('workflows.auto_enabled', { 'BTEC_Teachers.created': false });
    t.match(await send(stack, 'teacher', ids.teacherId), {
      status: 'skipped',
      result: { reason: /workflow disabled/ },
    });
    t.match(
      await send(stack, 'teacher', ids.teacherId, 'updated'),
      { status: 'completed', result: { action: 'created' } },
      'other event types still run',
    );
    await stack.setting('workflows.auto_enabled', {});
    await stack.setting('sync.directions', { student_profile: 'moodle_to_zoho', enrollments: 'bidirectional' });
    t.teardown(() =>
      stack.setting('sync.directions', {
        student_profile: 'zoho_to_moodle',
        finance: 'zoho_to_moodle',
        enrollments: 'bidirectional',
        grades: 'moodle_to_zoho',
      }),
    );
    t.match(await send(stack, 'student', ids.studentId), {
      status: 'skipped',
      result: { reason: /does not sync Zoho → Moodle/ },
    });
  });

  t.test('the same webhook twice is stored once and synced once', async (t) => {
    const ids = seedCollege(zoho, 'f1');
    const envelope = {
      event_id: randomUUID(),
      event_type: 'created',
      module: 'BTEC_Students',
      record_id: ids.studentId,
    };
    const first = await stack.sendZoho('student', envelope);
    const second = await stack.sendZoho('student', envelope);
    t.equal(first.status, 202);
    t.match(second, { status: 200, body: { status: 'duplicate' } });
    await stack.settled(envelope.event_id);
    const rows = await stack.db.oneFirst(
      sql.type(
        z.object({ n: z.coerce.number() }),
      )`select count(*) as n from integration_events_log where event_id = ${envelope.event_id}`,
    );
    t.equal(rows, 1);
    t.equal(moodle.state.users.filter((u) => u.idnumber === ids.studentId).length, 1);
  });

  t.test('plain {zoho_id, module} webhooks: a burst for one record coalesces into one run', async (t) => {
    const ids = seedCollege(zoho, 'g1');
    moodle.setLatency(150); // the first run is still busy while the burst arrives
    t.teardown(() => moodle.setLatency(0));
    const answers = [];
    for (let i = 0; i < 10; i++)
      answers.push(
        await stack.sendPlainZoho(
          'student',
          { zoho_id: ids.studentId, module: 'BTEC_Students' },
          i === 0 ? 'created' : 'updated',
        ),
      );
    t.ok(
      answers.every((a) => a.status === 202),
      'all accepted',
    );
    const events = await Promise.all(answers.map((a) => stack.settled(String(a.body.event_id))));
    t.ok(
      events.every((e) => e.status === 'completed'),
      'every delivery settled completed',
    );
    const covered = events.filter((e) => (e.result as { covered_by?: string } | null)?.covered_by !== undefined).length;
    const runs = events.length - covered;
    t.ok(runs <= 2 && covered >= 8, `${runs} runs for 10 deliveries (${covered} covered by a run)`);
    t.equal(
      moodle.calls.filter(
        (c) => c.wsfunction === 'core_user_create_users' && JSON.stringify(c.params).includes(ids.studentId),
      ).length,
      1,
      'one account created',
    );
  });

  t.test(
    'a Moodle outage: the job retries with backoff and completes; a write that happened before the failure is not repeated',
    async (t) => {
      const ids = seedCollege(zoho, 'h1');
      moodle.failNext('core_user_create_users', 'http503');
      const event = await send(stack, 'student', ids.studentId);
      t.match(event, { status: 'completed', attempts: 2, result: { action: 'created' } });

      // The create commits in Moodle but its answer is lost (timeout, crash): the retry finds it by idnumber.
      const [other] = zoho.seed('BTEC_Students', [
        { First_Name: 'Omar', Last_Name: 'Saleh', Academic_Email: 'omar.h1@college.example' },
      ]);
      moodle.failNext('core_user_create_users', 'http500', { when: 'after' });
      const retried = await send(stack, 'student', other!);
      t.match(retried, { status: 'completed', attempts: 2, result: { action: 'unchanged', linkedBy: 'idnumber' } });
      t.equal(moodle.state.users.filter((u) => u.idnumber === other).length, 1, 'one account, not two');
    },
  );

  t.test('existing Moodle accounts are adopted by e-mail, never duplicated; conflicts fail naming both', async (t) => {
    moodle.seed({
      users: [
        { username: 'maya.k1@college.example', email: 'maya.k1@college.example', firstname: 'Maya', lastname: 'K' },
      ],
    });
    const [maya] = zoho.seed('BTEC_Students', [
      { First_Name: 'Maya', Last_Name: 'Khoury', Academic_Email: 'maya.k1@college.example', Country: 'Lebanon' },
    ]);
    const adopted = await send(stack, 'student', maya!);
    t.match(adopted, { status: 'completed', result: { action: 'updated', linkedBy: 'email' } });
    t.match(
      moodle.state.users.filter((u) => u.email === 'maya.k1@college.example'),
      [{ idnumber: maya, lastname: 'Khoury', country: 'LB' }],
    );

    const [twin] = zoho.seed('BTEC_Students', [
      { First_Name: 'Maya', Last_Name: 'Twin', Academic_Email: 'maya.k1@college.example' },
    ]);
    const conflict = await send(stack, 'student', twin!);
    t.match(conflict, {
      status: 'failed',
      error_code: 'moodle.conflict',
      last_error: new RegExp(`BTEC_Students ${twin}.*already belongs to Zoho record ${maya}`),
    });
  });

  t.test('bad records fail permanently with a reason naming the record, never its data', async (t) => {
    const [noEmail] = zoho.seed('BTEC_Students', [{ First_Name: 'No', Last_Name: 'Mail' }]);
    const failed = await send(stack, 'student', noEmail!);
    t.match(failed, {
      status: 'failed',
      attempts: 1,
      error_code: 'zoho.missing_email',
      last_error: new RegExp(`BTEC_Students ${noEmail}: Academic_Email is empty`),
    });
    const [badEmail] = zoho.seed('BTEC_Students', [
      { First_Name: 'Bad', Last_Name: 'Mail', Academic_Email: 'not-an-email' },
    ]);
    const invalid = await send(stack, 'student', badEmail!);
    t.match(invalid, { status: 'failed', error_code: 'zoho.invalid_record', last_error: /Academic_Email/ });
    t.notMatch(String(invalid.last_error), /not-an-email/, 'the value is not echoed');
  });

  t.test('a class not yet Active is skipped; when it becomes Active its waiting enrolments follow', async (t) => {
    const ids = seedCollege(zoho, 'i1');
    zoho.edit('BTEC_Classes', ids.classId, { Class_Status: 'Pending' });
    const early = await send(stack, 'enrollment', ids.enrollmentId);
    t.match(early, { status: 'skipped', result: { reason: /is not a Moodle course: Class_Status is "Pending"/ } });
    t.notOk(
      moodle.state.users.some((u) => u.idnumber === ids.studentId),
      'student not created for a class that is no course',
    );

    zoho.edit('BTEC_Classes', ids.classId, { Class_Status: 'Active' });
    const active = await send(stack, 'class', ids.classId, 'updated');
    t.match(active, { status: 'completed', result: { action: 'created', details: { enrollmentsQueued: 1 } } });
    const course = moodle.state.courses.find((c) => c.idnumber === ids.classId)!;
    const student = await waitFor(
      async () => moodle.state.users.find((u) => u.idnumber === ids.studentId),
      20_000,
      'the student',
    );
    await waitFor(
      async () =>
        moodle.state.enrolments.find((e) => e.courseid === course.id && e.userid === student.id && e.status === 0),
      20_000,
      'the enrolment',
    );
    t.pass('the queued enrolment made the student and enrolled them');
  });
  t.test(
    "a program's MoodleID links the college's own category; renames follow; a taken shortname gets the record number",
    async (t) => {
      moodle.seed({
        categories: [{ id: 700, name: 'Business (made by hand)' }],
        courses: [{ shortname: 'U9-ACC-j1', fullname: 'Someone else' }],
      });
      const [programId] = zoho.seed('Products', [{ Product_Name: 'Business j1', MoodleID: '700' }]);
      const linked = await send(stack, 'program', programId!);
      t.match(linked, {
        status: 'completed',
        result: { action: 'updated', moodleId: 700, linkedBy: 'zoho_moodle_id' },
      });
      t.same((linked.result as { changes: string[] }).changes.sort(), ['idnumber', 'name']);
      t.match(
        moodle.state.categories.find((c) => c.id === 700),
        { name: 'Business j1', idnumber: programId },
      );

      zoho.edit('Products', programId!, { Product_Name: 'Business & Management j1' });
      t.match(await send(stack, 'program', programId!, 'updated'), {
        status: 'completed',
        result: { action: 'updated', changes: ['name'] },
      });
      t.equal(
        moodle.state.categories.find((c) => c.id === 700)?.name,
        'Business & Management j1',
        'renamed through core_course_update_categories',
      );

      const [teacherA, teacherB] = zoho.seed('BTEC_Teachers', [
        { Name: 'Teacher A j1', Academic_Email: 'teacher.a.j1@college.example' },
        { Name: 'Teacher B j1', Email: 'teacher.b.j1@college.example' },
      ]);
      const [classId] = zoho.seed('BTEC_Classes', [
        {
          Name: 'CL-77',
          Class_Name: 'Unit 9 Accounting',
          Class_Short_Name: 'U9-ACC-j1',
          Class_Status: 'Active',
          BTEC_Program: lookup(programId!),
          Teacher: lookup(teacherA!),
        },
      ]);
      const created = await send(stack, 'class', classId!);
      t.match(created, {
        status: 'completed',
        result: { action: 'created', warnings: [/belongs to another course; used "U9-ACC-j1 \(CL-77\)"/] },
      });
      const course = moodle.state.courses.find((c) => c.idnumber === classId)!;
      t.match(course, { shortname: 'U9-ACC-j1 (CL-77)', category: 700 });

      // The class gets another teacher: B enrolled, A's enrolment suspended (not removed).
      zoho.edit('BTEC_Classes', classId!, { Teacher: lookup(teacherB!) });
      const moved = await send(stack, 'class', classId!, 'updated');
      t.match(moved, {
        status: 'completed',
        result: { action: 'updated', changes: ['teacher'], details: { previousTeacherSuspended: Number } },
      });
      const userA = moodle.state.users.find((u) => u.idnumber === teacherA)!;
      const userB = moodle.state.users.find((u) => u.idnumber === teacherB)!;
      t.equal(userB.username, 'teacher.b.j1@college.example', 'a teacher without Academic_Email uses Email');
      t.match(
        moodle.state.enrolments
          .filter((e) => e.courseid === course.id)
          .map((e) => [e.userid, e.status])
          .sort(),
        [
          [userA.id, 1],
          [userB.id, 0],
        ].sort(),
      );
    },
  );
  t.test('a class whose teacher cannot have an account still becomes a course, saying why', async (t) => {
    const [programId] = zoho.seed('Products', [{ Product_Name: 'Program k1' }]);
    const [teacherId] = zoho.seed('BTEC_Teachers', [{ Name: 'No Mail Teacher' }]);
    const [classId] = zoho.seed('BTEC_Classes', [
      {
        Class_Name: 'Unit 2 k1',
        Class_Status: 'Active',
        BTEC_Program: lookup(programId!),
        Teacher: lookup(teacherId!),
      },
    ]);
    const event = await send(stack, 'class', classId!);
    t.match(event, {
      status: 'completed',
      result: {
        action: 'created',
        warnings: [
          new RegExp(
            `teacher ${teacherId} not enrolled: BTEC_Teachers ${teacherId}: Academic_Email \\(or Email\\) is empty`,
          ),
        ],
      },
    });
    t.ok(
      moodle.state.courses.some((c) => c.idnumber === classId),
      'the course exists',
    );
    // Once the teacher has an e-mail, the class's next event enrols them (no fingerprint was kept).
    zoho.edit('BTEC_Teachers', teacherId!, { Email: 'late.k1@college.example' });
    t.match(await send(stack, 'class', classId!, 'updated'), {
      status: 'completed',
      result: { action: 'updated', changes: ['teacher'] },
    });
  });
  t.test('a course deleted by hand in Moodle is made again, and its enrolments follow into it', async (t) => {
    const ids = seedCollege(zoho, 'n1');
    await send(stack, 'enrollment', ids.enrollmentId);
    const old = moodle.state.courses.find((c) => c.idnumber === ids.classId)!;
    const student = moodle.state.users.find((u) => u.idnumber === ids.studentId)!;
    // A Moodle admin deletes the course in Moodle (with its enrolments), as the site's UI would.
    moodle.state.courses.splice(moodle.state.courses.indexOf(old), 1);
    moodle.state.enrolments = moodle.state.enrolments.filter((e) => e.courseid !== old.id);

    // The class's next event finds no course: made again, and the class's enrolments queued into it.
    zoho.edit('BTEC_Classes', ids.classId, { Class_Name: 'Unit 4 Marketing (again) n1' });
    const remade = await send(stack, 'class', ids.classId, 'updated');
    t.match(remade, { status: 'completed', result: { action: 'created', details: { enrollmentsQueued: 1 } } });
    const course = moodle.state.courses.find((c) => c.idnumber === ids.classId)!;
    t.not(course.id, old.id, 'a new course');
    // The queued enrolment event: the record did not change, but the course did; the old
    // enrolment is gone with its course, so there is nothing to suspend there.
    const enrolment = await waitFor(
      async () =>
        moodle.state.enrolments.find((e) => e.courseid === course.id && e.userid === student.id && e.status === 0),
      20_000,
      'the enrolment in the new course',
    );
    t.ok(enrolment, 'enrolled in the new course');
    const queued = await waitFor(async () => {
      const rows = await stack.db.any(
        sql.type(z.object({ status: z.string(), result: z.unknown() }))`
          select status, result from integration_events_log
           where entity = 'enrollment' and record_id = ${ids.enrollmentId} and event_id like 'class-course:%'`,
      );
      return rows.find((r) => r.status === 'completed');
    }, 20_000);
    t.match(queued.result, {
      action: 'updated',
      moodleId: course.id,
      details: { previous: { courseId: old.id, suspended: true } },
      warnings: [`the earlier enrolment was not suspended: Moodle course ${old.id} no longer exists in Moodle`],
    });
  });
  t.test('a user deleted by hand in Moodle after we linked it is made again when an enrolment needs it', async (t) => {
    const ids = seedCollege(zoho, 'm1');
    await send(stack, 'enrollment', ids.enrollmentId);
    const old = moodle.state.users.find((u) => u.idnumber === ids.studentId)!;
    // A Moodle admin deletes the account (through Moodle itself, as the site would).
    const answer = await fetch(
      `${moodle.endpoint}?wstoken=${moodle.token}&wsfunction=core_user_delete_users&moodlewsrestformat=json&userids[0]=${old.id}`,
      { method: 'POST' },
    );
    t.equal(await answer.text(), 'null', 'deleted in Moodle');
    // The student is enrolled in a second class: the stale link is found, dropped, and the retry re-creates the account.
    const [secondClass] = zoho.seed('BTEC_Classes', [
      {
        Class_Name: 'Unit 5 m1',
        Class_Short_Name: 'U5-m1',
        Class_Status: 'Active',
        BTEC_Program: lookup(ids.programId),
      },
    ]);
    const [second] = zoho.seed('BTEC_Enrollments', [
      { Enrolled_Students: lookup(ids.studentId), Classes: lookup(secondClass!) },
    ]);
    const event = await send(stack, 'enrollment', second!);
    // Attempt 1 found the account gone and dropped its link. Attempt 2, or the enrolment event the
    // new class course queued (newer: when it runs first, its run covers this one), made the
    // account again and enrolled it.
    if ((event.result as { covered_by?: unknown } | null)?.covered_by)
      t.match(event, { status: 'completed', attempts: 1 }, 'covered by the newer event of the enrolment');
    else t.match(event, { status: 'completed', attempts: 2, result: { entity: 'enrollment' } });
    const retried = stack.logs.worker.find((l) => l.code === 'moodle.stale_link');
    t.match(
      retried,
      {
        msg: 'event failed; will retry',
        err: {
          message: new RegExp(
            `Moodle user ${old.id} no longer exists in Moodle; dropped the link of student ${ids.studentId}`,
          ),
        },
      },
      'the first attempt said why it retries',
    );
    const renewed = moodle.state.users.find((u) => u.idnumber === ids.studentId && !u.deleted)!;
    t.not(renewed.id, old.id, 'a new account');
    t.ok(
      moodle.state.enrolments.some((e) => e.userid === renewed.id && e.status === 0),
      'enrolled',
    );
  });
});
