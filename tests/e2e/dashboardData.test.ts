import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';

/**
 * Dashboard data end to end: Zoho registrations, payments, grades, units and students'
 * finance summaries, pushed by the real ingress and worker into the Moodle simulator's copy
 * of the local_zohosync plugin (its ten web-service functions). Assertions read the plugin's
 * tables in the simulator and the calls it received.
 */

const lookup = (id: string, name = 'x') => ({ id, name });
const MODULES = {
  student: 'BTEC_Students',
  class: 'BTEC_Classes',
  registration: 'BTEC_Registrations',
  payment: 'BTEC_Payments',
  grade: 'BTEC_Grades',
  unit: 'BTEC',
  program: 'Products',
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

function seedStudent(zoho: SyncStack['zoho'], tag: string, finance: Record<string, unknown> = {}) {
  const [id] = zoho.seed('BTEC_Students', [
    {
      Name: `ST-${tag}`,
      First_Name: 'Omar',
      Last_Name: 'Aziz',
      Academic_Email: `omar.${tag}@college.example`,
      Status: 'Active',
      ...finance,
    },
  ]);
  return id!;
}

const installment = (no: number, amount: unknown, status = 'Pending', due = `2026-0${no}-15`) => ({
  Installment_No: no,
  Due_Date: due,
  Installment_Amount: amount,
  Installment_Status: status,
  Paid_Date: null,
});

const pluginCalls = (stack: SyncStack) => stack.moodle.calls.filter((c) => c.wsfunction?.startsWith('local_zohosync_'));
const linkSchema = z.object({
  entity: z.string(),
  moodle_id: z.coerce.number(),
  moodle_user_id: z.coerce.number().nullable(),
  state: z.string(),
});

t.test('dashboard data through the real ingress and worker', async (t) => {
  const stack = await startSyncStack(t);
  const { zoho, moodle } = stack;
  const tables = () => moodle.state.zohosync;
  t.teardown(() => {
    if (process.env.E2E_DEBUG) for (const l of stack.logs.worker) console.error(JSON.stringify(l).slice(0, 400));
  });

  t.test(
    'a registration whose student is not in Moodle yet brings the student; installments created, updated, then unchanged with no call',
    async (t) => {
      const studentId = seedStudent(zoho, 'r1');
      const [programId] = zoho.seed('Products', [{ Product_Name: 'HND Business' }]);
      const [registrationId] = zoho.seed('BTEC_Registrations', [
        {
          Name: 'REG-1',
          Student_ID: lookup(studentId),
          Program: lookup(programId!, 'HND Business'),
          Registration_Date: '2026-01-10',
          Registration_Status: 'Active',
          Study_Mode: 'Online',
          Currency: 'USD',
          Program_Price: '4400$',
          Payment_Schedule: [
            { id: '9000000000000000001', ...installment(1, 2200, 'Paid') },
            { id: '9000000000000000002', ...installment(2, '2200$') },
          ],
        },
      ]);

      const event = await send(stack, 'registration', registrationId!);
      t.equal(event.status, 'completed', String(event.last_error));
      const user = moodle.state.users.find((u) => u.idnumber === studentId)!;
      t.ok(user, 'the student was created in Moodle first');
      t.match(event.result, {
        entity: 'registration',
        action: 'created',
        details: { userId: user.id },
        dependencies: [{ entity: 'student', action: 'created', moodleId: user.id }],
      });
      const row = tables().local_zohosync_registration.find((r) => r.zohoid === registrationId)!;
      t.match(row, {
        userid: user.id,
        programname: 'HND Business',
        registrationdate: '2026-01-10',
        status: 'Active',
        studymode: 'Online',
        currency: 'USD',
        programprice: '4400.00',
      });
      t.equal((event.result as { moodleId: number }).moodleId, row.id, 'the result names the plugin row');
      const installments = () =>
        tables()
          .local_zohosync_installment.filter((i) => i.registrationid === row.id)
          .map((i) => [i.installmentno, i.amount, i.status]);
      t.same(
        installments(),
        [
          [1, '2200.00', 'Paid'],
          [2, '2200.00', 'Pending'],
        ],
        'amounts exact, "2200$" parsed',
      );

      zoho.edit('BTEC_Registrations', registrationId!, {
        Payment_Schedule: [
          { id: '9000000000000000001', ...installment(1, 2200, 'Paid') },
          { id: '9000000000000000002', ...installment(2, '1999.99') },
          { id: '9000000000000000003', ...installment(3, 200.01) },
        ],
      });
      const updated = await send(stack, 'registration', registrationId!, 'updated');
      t.match(updated, { status: 'completed', result: { action: 'updated', moodleId: row.id } });
      t.same(
        installments(),
        [
          [1, '2200.00', 'Paid'],
          [2, '1999.99', 'Pending'],
          [3, '200.01', 'Pending'],
        ],
        'the schedule was replaced',
      );
      t.equal(
        tables().local_zohosync_registration.filter((r) => r.zohoid === registrationId).length,
        1,
        'still one row',
      );

      zoho.edit('BTEC_Registrations', registrationId!, { Intake: 'Jan 2026' }); // not shown on the dashboard
      const before = moodle.calls.length;
      const unchanged = await send(stack, 'registration', registrationId!, 'updated');
      t.match(unchanged, { status: 'completed', result: { action: 'unchanged', moodleId: row.id } });
      t.equal(moodle.calls.length, before, 'no Moodle call at all');

      zoho.remove('BTEC_Registrations', registrationId!);
      const deleted = await send(stack, 'registration', registrationId!, 'deleted');
      t.match(deleted, { status: 'completed', result: { action: 'deleted', moodleId: row.id } });
      t.equal(
        tables().local_zohosync_registration.find((r) => r.zohoid === registrationId),
        undefined,
        'removed from the dashboard',
      );
      t.same(installments(), [], 'with its installments');
      const again = await send(stack, 'registration', registrationId!, 'deleted');
      t.match(again, { status: 'completed', result: { action: 'unchanged' } }, 'a repeated delete is unchanged');
    },
  );

  t.test(
    'payments: a "4400$" amount stored exactly, a declined one voided, a payment without Student_ID found through its registration; deleted in Zoho → gone',
    async (t) => {
      const studentId = seedStudent(zoho, 'p1');
      const [registrationId] = zoho.seed('BTEC_Registrations', [
        { Student_ID: lookup(studentId), Payment_Schedule: [{ id: '9000000000000000011', ...installment(1, 4400) }] },
      ]);
      await send(stack, 'registration', registrationId!);
      const [paidId, declinedId] = zoho.seed('BTEC_Payments', [
        {
          Name: 'PAY-1',
          Registration_ID: lookup(registrationId!),
          Payment_Amount: '4400$',
          Payment_Date: '2026-01-20',
          Payment_Method: 'Cash',
          Installment_No: 1,
          SRM_Active: 'Yes',
          Note: 'Paid <in full>',
        },
        {
          Name: 'PAY-2',
          Student_ID: lookup(studentId),
          Registration_ID: lookup(registrationId!),
          Payment_Amount: 1699.5,
          SRM_Active: 'Declined',
        },
      ]);
      const user = moodle.state.users.find((u) => u.idnumber === studentId)!;

      const paid = await send(stack, 'payment', paidId!);
      t.match(paid, {
        status: 'completed',
        result: { entity: 'payment', action: 'created', details: { userId: user.id } },
      });
      t.match(
        tables().local_zohosync_payment.find((p) => p.zohoid === paidId),
        {
          userid: user.id,
          registrationzohoid: registrationId,
          paymentnumber: 'PAY-1',
          amount: '4400.00',
          paymentdate: '2026-01-20',
          method: 'Cash',
          installmentno: 1,
          voided: 0,
          note: 'Paid < in full>',
        },
      );
      const declined = await send(stack, 'payment', declinedId!);
      t.match(declined, { status: 'completed', result: { action: 'created' } });
      t.match(
        tables().local_zohosync_payment.find((p) => p.zohoid === declinedId),
        { amount: '1699.50', voided: 1 },
      );

      // Neither Student_ID nor a registration on the dashboard: the student is read from the registration in Zoho.
      const [otherRegistration] = zoho.seed('BTEC_Registrations', [{ Student_ID: lookup(studentId) }]);
      const [viaZoho, orphan] = zoho.seed('BTEC_Payments', [
        { Registration_ID: lookup(otherRegistration!), Payment_Amount: 10 },
        { Payment_Amount: 10 },
      ]);
      t.match(await send(stack, 'payment', viaZoho!), {
        status: 'completed',
        result: { action: 'created', details: { userId: user.id } },
      });
      t.match(await send(stack, 'payment', orphan!), {
        status: 'failed',
        last_error: /Student_ID is empty and Registration_ID gives no student/,
      });

      zoho.remove('BTEC_Payments', paidId!);
      const deleted = await send(stack, 'payment', paidId!, 'deleted');
      t.match(deleted, { status: 'completed', result: { action: 'deleted', reason: /removed from the dashboard/ } });
      t.equal(
        tables().local_zohosync_payment.find((p) => p.zohoid === paidId),
        undefined,
        'the student no longer sees it',
      );
      const [link] = await stack.db.any(
        sql.type(
          linkSchema,
        )`select entity, moodle_id, moodle_user_id, state from sync_links where entity = 'payment' and zoho_id = ${paidId!}`,
      );
      t.match(link, { state: 'suspended', moodle_user_id: user.id });
    },
  );

  t.test(
    'a picklist value the college added later ("Card") reaches the dashboard with a warning; an unknown status fails naming its setting',
    async (t) => {
      const studentId = seedStudent(zoho, 'pk1');
      t.match(await send(stack, 'student', studentId), { status: 'completed' });
      const user = moodle.state.users.find((u) => u.idnumber === studentId)!;
      const [card] = zoho.seed('BTEC_Payments', [
        { Name: 'PAY-CARD', Student_ID: lookup(studentId), Payment_Amount: 300, Payment_Method: 'Card' },
      ]);
      const sent = await send(stack, 'payment', card!);
      t.match(sent, {
        status: 'completed',
        result: {
          action: 'created',
          warnings: [`BTEC_Payments ${card}: Payment_Method "Card" is not one of the org's values; kept as it is`],
        },
      });
      t.match(
        tables().local_zohosync_payment.find((p) => p.zohoid === card),
        { userid: user.id, method: 'Card', amount: '300.00' },
        'the student sees it',
      );

      zoho.edit('BTEC_Students', studentId, { Status: 'On Leave' });
      const unknown = await send(stack, 'student', studentId, 'updated');
      t.match(unknown, {
        status: 'failed',
        last_error:
          /Status "On Leave" is a value the org's field does not list, and students\.suspend_when_status decides what its values mean/,
      });
      t.notMatch(unknown.last_error, /schema|Invalid input/, 'not a schema error');
    },
  );

  t.test("a Zoho grade with its learning outcomes, in its class's course", async (t) => {
    const studentId = seedStudent(zoho, 'g1');
    const [programId] = zoho.seed('Products', [{ Product_Name: 'HND Computing g1' }]);
    const [classId] = zoho.seed('BTEC_Classes', [
      {
        Class_Name: 'Networking g1',
        Class_Short_Name: 'NET-g1',
        Class_Status: 'Active',
        BTEC_Program: lookup(programId!),
      },
    ]);
    t.match(await send(stack, 'class', classId!), { status: 'completed' });
    const course = moodle.state.courses.find((c) => c.idnumber === classId)!;
    const [gradeId] = zoho.seed('BTEC_Grades', [
      {
        Student: lookup(studentId),
        Class: lookup(classId!, 'Networking g1'),
        BTEC_Unit: 'Unit 2: Networking',
        Grade: 'M',
        Grade_Status: 'Released',
        Attempt_Number: 1,
        Attempt_Date: '2026-03-01',
        Feedback: 'Good design',
        Grader_Name: 'Dr. Example',
        Learning_Outcomes_Assessm: [
          {
            id: '9000000000000000021',
            LO_Code: 'P1',
            LO_Title: 'Explain',
            LO_Definition: 'Explain protocols',
            LO_Score: '1',
            LO_Feedback: 'Clear',
          },
          { id: '9000000000000000022', LO_Code: 'M1', LO_Title: 'Analyse', LO_Score: 'Yes' },
          { id: '9000000000000000023', LO_Code: 'D1', LO_Title: 'Evaluate', LO_Score: '0' },
        ],
      },
    ]);
    const event = await send(stack, 'grade', gradeId!);
    t.match(event, {
      status: 'completed',
      result: { entity: 'grade', action: 'created', dependencies: [{ entity: 'student', action: 'created' }] },
    });
    const row = tables().local_zohosync_grade.find((g) => g.zohoid === gradeId)!;
    t.match(row, {
      courseid: course.id,
      classzohoid: classId,
      classname: 'Networking g1',
      unitname: 'Unit 2: Networking',
      grade: 'M',
      gradestatus: 'Released',
      attemptno: 1,
      feedback: 'Good design',
      gradername: 'Dr. Example',
      ivname: null,
    });
    t.same(
      tables()
        .local_zohosync_grade_lo.filter((lo) => lo.gradeid === row.id)
        .map((lo) => [lo.code, lo.achieved, lo.sortorder]),
      [
        ['P1', 1, 1],
        ['M1', 1, 2],
        ['D1', 0, 3],
      ],
    );

    zoho.edit('BTEC_Grades', gradeId!, {
      Learning_Outcomes_Assessm: [{ id: '9000000000000000021', LO_Code: 'P1', LO_Score: '1' }],
    });
    t.match(await send(stack, 'grade', gradeId!, 'updated'), { status: 'completed', result: { action: 'updated' } });
    t.same(
      tables()
        .local_zohosync_grade_lo.filter((lo) => lo.gradeid === row.id)
        .map((lo) => lo.code),
      ['P1'],
      'outcome rows replaced',
    );

    // The course was deleted in Moodle by hand: the grade stays visible, without a course.
    moodle.state.courses = moodle.state.courses.filter((c) => c.id !== course.id);
    zoho.edit('BTEC_Grades', gradeId!, { Grade_Status: 'Ready for release' });
    const orphaned = await send(stack, 'grade', gradeId!, 'updated');
    t.match(orphaned, {
      status: 'completed',
      result: {
        action: 'updated',
        warnings: [`course ${course.id} of class ${classId} no longer exists in Moodle; grade stored without a course`],
      },
    });
    t.match(
      tables().local_zohosync_grade.find((g) => g.zohoid === gradeId),
      { courseid: 0, gradestatus: 'Ready for release' },
    );
  });

  t.test('a unit template with P1–P20 (P11+ from the subform), M and D criteria', async (t) => {
    const record: Record<string, unknown> = {
      Name: 'Unit 9: Security',
      Unit_Code: 'U9',
      Unit_Level: 'Level 5',
      M1_description: 'Analyse risks',
      M2_description: 'Compare',
      D1_description: 'Evaluate',
    };
    for (let n = 1; n <= 10; n++) record[`P${n}_description`] = `Pass ${n}`;
    record.BTEC_Grading_Template_P1 = [
      Object.fromEntries([
        ['id', '9000000000000000031'],
        ...Array.from({ length: 10 }, (_, i) => [`P${i + 11}_description`, `Pass ${i + 11}`]),
      ]),
    ];
    const [unitId] = zoho.seed('BTEC', [record]);
    const event = await send(stack, 'unit', unitId!);
    t.match(event, { status: 'completed', result: { entity: 'unit', action: 'created' } });
    const row = tables().local_zohosync_unit.find((u) => u.zohoid === unitId)!;
    t.match(row, { name: 'Unit 9: Security', unitcode: 'U9', unitlevel: 'Level 5' });
    const criteria = tables().local_zohosync_unit_crit.filter((c) => c.unitid === row.id);
    t.same(
      criteria.map((c) => c.code),
      [...Array.from({ length: 20 }, (_, i) => `P${i + 1}`), 'M1', 'M2', 'D1'],
    );
    t.match(
      criteria.find((c) => c.code === 'P17'),
      { level: 'pass', description: 'Pass 17' },
    );
    t.match(
      criteria.find((c) => c.code === 'D1'),
      { level: 'distinction', sortorder: 23 },
    );
  });

  t.test(
    "a student's finance summary rides on the student event: created, unchanged with no call, off when finance does not flow Zoho → Moodle",
    async (t) => {
      const studentId = seedStudent(zoho, 'f1', {
        Scholarship: 'Partial Scholarship %',
        Scholarship_Percentage: 25,
        Currency: 'USD',
        Total_Amount: 4400,
        Amount_Transferred: 3300.5,
        Discount_Amount: 1100,
      });
      const event = await send(stack, 'student', studentId);
      const user = moodle.state.users.find((u) => u.idnumber === studentId)!;
      t.match(event, {
        status: 'completed',
        result: {
          entity: 'student',
          action: 'created',
          moodleId: user.id,
          details: { finance: { entity: 'finance', action: 'created', details: { userId: user.id } } },
        },
      });
      t.match(
        tables().local_zohosync_finance.find((f) => f.zohoid === studentId),
        {
          userid: user.id,
          scholarship: 'Partial Scholarship %',
          scholarshippct: '25.00',
          totalamount: '4400.00',
          amounttransferred: '3300.50',
          discountamount: '1100.00',
          bankname: null,
        },
      );

      const before = moodle.calls.length;
      t.match(await send(stack, 'student', studentId, 'updated'), {
        status: 'completed',
        result: { action: 'unchanged', details: { finance: { action: 'unchanged' } } },
      });
      t.equal(moodle.calls.length, before, 'no Moodle call for an unchanged student and summary');

      zoho.edit('BTEC_Students', studentId, { Amount_Transferred: 4400 });
      t.match(await send(stack, 'student', studentId, 'updated'), {
        status: 'completed',
        result: { action: 'unchanged', details: { finance: { action: 'updated' } } },
      });
      t.equal(tables().local_zohosync_finance.find((f) => f.zohoid === studentId)?.amounttransferred, '4400.00');

      // Emptied in Zoho → removed; the student deleted in Zoho → suspended, and a summary removed too.
      const emptied = {
        Scholarship: null,
        Scholarship_Percentage: null,
        Currency: null,
        Total_Amount: null,
        Amount_Transferred: null,
        Discount_Amount: null,
      };
      const other = seedStudent(zoho, 'f2', { Total_Amount: 100 });
      await send(stack, 'student', other);
      t.ok(tables().local_zohosync_finance.find((f) => f.zohoid === other));
      zoho.edit('BTEC_Students', other, emptied);
      t.match(await send(stack, 'student', other, 'updated'), {
        status: 'completed',
        result: { details: { finance: { action: 'deleted', reason: /finance fields emptied in Zoho/ } } },
      });
      t.equal(
        tables().local_zohosync_finance.find((f) => f.zohoid === other),
        undefined,
      );
      zoho.edit('BTEC_Students', other, { Total_Amount: 200 });
      t.match(
        await send(stack, 'student', other, 'updated'),
        { status: 'completed', result: { details: { finance: { action: 'created' } } } },
        'filled again: pushed again',
      );
      zoho.remove('BTEC_Students', other);
      t.match(await send(stack, 'student', other, 'deleted'), {
        status: 'completed',
        result: { action: 'suspended', details: { finance: { action: 'deleted' } } },
      });
      t.equal(
        tables().local_zohosync_finance.find((f) => f.zohoid === other),
        undefined,
        'the summary is gone with the student',
      );

      await stack.setting('sync.directions', {
        student_profile: 'zoho_to_moodle',
        finance: 'moodle_to_zoho',
        enrollments: 'bidirectional',
        grades: 'moodle_to_zoho',
      });
      t.teardown(() =>
        stack.setting('sync.directions', {
          student_profile: 'zoho_to_moodle',
          finance: 'zoho_to_moodle',
          enrollments: 'bidirectional',
          grades: 'moodle_to_zoho',
        }),
      );
      zoho.edit('BTEC_Students', studentId, { Amount_Transferred: 1 });
      const off = await send(stack, 'student', studentId, 'updated');
      t.equal((off.result as { details?: unknown }).details, undefined, 'no finance push');
      t.equal(tables().local_zohosync_finance.find((f) => f.zohoid === studentId)?.amounttransferred, '4400.00');
      const [registrationId] = zoho.seed('BTEC_Registrations', [{ Student_ID: lookup(studentId) }]);
      t.match(await send(stack, 'registration', registrationId!), {
        status: 'skipped',
        result: { reason: 'direction moodle_to_zoho (sync.directions.finance) does not sync Zoho → Moodle' },
      });
    },
  );

  t.test('dry run writes nothing; a disabled module skips', async (t) => {
    const studentId = seedStudent(zoho, 'd1');
    const [registrationId] = zoho.seed('BTEC_Registrations', [
      { Student_ID: lookup(studentId), Program_Price: '100$' },
    ]);
    const [paymentId] = zoho.seed('BTEC_Payments', [{ Student_ID: lookup(studentId), Payment_Amount: '100$' }]);
    const [unitId] = zoho.seed('BTEC', [{ Name: 'Unit dry', P1_description: 'x' }]);
    const callsBefore = pluginCalls(stack).length;

    await stack.setting('system.dry_run', { enabled: true, modules: [] });
    const dry = await send(stack, 'registration', registrationId!);
    t.match(dry, {
      status: 'skipped',
      result: {
        dryRun: true,
        action: 'created',
        reason: /^dry run/,
        dependencies: [{ entity: 'student', action: 'created' }],
      },
    });
    t.match(await send(stack, 'unit', unitId!), { status: 'skipped', result: { dryRun: true, action: 'created' } });
    await stack.setting('system.dry_run', { enabled: false, modules: [] });
    t.equal(pluginCalls(stack).length, callsBefore, 'no plugin call');
    t.equal(
      moodle.state.users.find((u) => u.idnumber === studentId),
      undefined,
      'no student created either',
    );
    t.equal(
      tables().local_zohosync_registration.find((r) => r.zohoid === registrationId),
      undefined,
    );
    const links = await stack.db.any(
      sql.type(
        z.object({ entity: z.string() }),
      )`select entity from sync_links where zoho_id in (${registrationId!}, ${unitId!})`,
    );
    t.same(links, [], 'no links');

    await stack.setting('modules.enabled', { BTEC_Payments: false, BTEC: false });
    t.teardown(() => stack.setting('modules.enabled', {}));
    t.match(await send(stack, 'payment', paymentId!), {
      status: 'skipped',
      result: { reason: 'module disabled (modules.enabled.BTEC_Payments is false)' },
    });
    t.match(await send(stack, 'unit', unitId!), {
      status: 'skipped',
      result: { reason: 'module disabled (modules.enabled.BTEC is false)' },
    });
    t.equal(pluginCalls(stack).length, callsBefore, 'still no plugin call');
    await stack.setting('modules.enabled', {});
    t.match(
      await send(stack, 'unit', unitId!),
      { status: 'completed', result: { action: 'created' } },
      'enabled again: it runs',
    );
  });

  t.test(
    'a record the plugin refuses fails permanently, naming the record and field; one without a student too',
    async (t) => {
      const studentId = seedStudent(zoho, 'x1');
      const [badId, orphanId] = zoho.seed('BTEC_Grades', [
        {
          Student: lookup(studentId),
          Learning_Outcomes_Assessm: [{ id: '9000000000000000041', LO_Code: 'P1-very-long-code-over-twenty' }],
        },
        { Grade: 'P' },
      ]);
      const bad = await send(stack, 'grade', badId!);
      t.equal(bad.status, 'failed');
      t.match(
        bad.last_error,
        `local_zohosync_upsert_grades: BTEC_Grades ${badId} refused (invalidfield): learningoutcomes[0].code: longer than 20`,
      );
      const orphan = await send(stack, 'grade', orphanId!);
      t.match(orphan, {
        status: 'failed',
        last_error: `BTEC_Grades ${orphanId}: Student is empty; the dashboard shows a record only to its student`,
      });
    },
  );

  t.test('a student account deleted by hand in Moodle is made again when their dashboard data arrives', async (t) => {
    const studentId = seedStudent(zoho, 's9');
    const [registrationId] = zoho.seed('BTEC_Registrations', [
      { Name: 'REG-S9', Student_ID: lookup(studentId), Registration_Status: 'Active', Payment_Schedule: [] },
    ]);
    t.equal((await send(stack, 'registration', registrationId!)).status, 'completed');
    const old = moodle.state.users.find((u) => u.idnumber === studentId)!;
    const answer = await fetch(
      `${moodle.endpoint}?wstoken=${moodle.token}&wsfunction=core_user_delete_users&moodlewsrestformat=json&userids[0]=${old.id}`,
      { method: 'POST' },
    );
    t.equal(await answer.text(), 'null', 'deleted in Moodle');
    zoho.edit('BTEC_Registrations', registrationId!, { Registration_Status: 'Freeze' });
    const event = await send(stack, 'registration', registrationId!, 'updated');
    t.match(event, {
      status: 'completed',
      attempts: 2,
      result: { action: 'updated', dependencies: [{ entity: 'student', action: 'created' }] },
    });
    const renewed = moodle.state.users.find((u) => u.idnumber === studentId && !u.deleted)!;
    t.not(renewed.id, old.id, 'a new account');
    t.match(
      tables().local_zohosync_registration.find((r) => r.zohoid === registrationId),
      { userid: renewed.id, status: 'Freeze' },
    );
  });
});
