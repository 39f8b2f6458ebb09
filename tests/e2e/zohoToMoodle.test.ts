import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';

/**
 * Zoho → Moodle end to end: signed (and plain) Zoho webhooks into the real ingress and
 * worker processes, a real PostgreSQL, the Zoho simulator as the source of the records and
 * the Moodle simulator as the target. Assertions read the simulators' resulting state.
 */

const lookup = (id: string, name = 'x') => ({ id, name });

function seedCollege(zoho: SyncStack['zoho'], tag: string) {
  const [programId] = zoho.seed('Products', [{ Product_Name: `Level 5 Business ${tag}` }]);
  const [teacherId] = zoho.seed('BTEC_Teachers', [{ Name: `Leila Haddad ${tag}`, Academic_Email: `leila.${tag}@college.example` }]);
  const [classId] = zoho.seed('BTEC_Classes', [{
    Name: `CL-${tag}`, Class_Name: `Unit 4 Marketing ${tag}`, Class_Short_Name: `U4-MKT-${tag}`, Class_Status: 'Active',
    BTEC_Program: lookup(programId!), Teacher: lookup(teacherId!), Start_Date: '2026-09-01', End_Date: '2027-01-31',
  }]);
  const [studentId] = zoho.seed('BTEC_Students', [{
    Name: `ST-${tag}`, First_Name: 'Zeynep', Last_Name: 'Çelik', Academic_Email: `Zeynep.${tag}@College.example`,
    City: 'Istanbul', Country: 'Turkey', Status: 'Active',
  }]);
  const [enrollmentId] = zoho.seed('BTEC_Enrollments', [{ Name: `EN-${tag}`, Enrolled_Students: lookup(studentId!), Classes: lookup(classId!) }]);
  return { programId: programId!, teacherId: teacherId!, classId: classId!, studentId: studentId!, enrollmentId: enrollmentId! };
}

const MODULES = { program: 'Products', teacher: 'BTEC_Teachers', class: 'BTEC_Classes', student: 'BTEC_Students', enrollment: 'BTEC_Enrollments' } as const;

async function send(stack: SyncStack, entity: keyof typeof MODULES, recordId: string, eventType: 'created' | 'updated' | 'deleted' = 'created') {
  const eventId = randomUUID();
  const answer = await stack.sendZoho(entity, { event_id: eventId, event_type: eventType, module: MODULES[entity], record_id: recordId });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return stack.settled(eventId);
}

const linkSchema = z.object({ entity: z.string(), zoho_id: z.string(), moodle_id: z.coerce.number(), moodle_user_id: z.coerce.number().nullable(), state: z.string() });

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
    t.match(event.result, { entity: 'enrollment', action: 'created', dependencies: [{ entity: 'class', action: 'created', dependencies: [{ entity: 'program', action: 'created' }, { entity: 'teacher', action: 'created' }] }, { entity: 'student', action: 'created' }] });

    const category = moodle.state.categories.find((c) => c.idnumber === ids.programId);
    t.match(category, { name: 'Level 5 Business a1' }, 'program → category, idnumber = Zoho id');
    const course = moodle.state.courses.find((c) => c.idnumber === ids.classId);
    t.match(course, { fullname: 'Unit 4 Marketing a1', shortname: 'U4-MKT-a1', category: category!.id, startdate: Date.UTC(2026, 8, 1) / 1000, enddate: Date.UTC(2027, 0, 31) / 1000 });
    const student = moodle.state.users.find((u) => u.idnumber === ids.studentId);
    t.match(student, { username: 'zeynep.a1@college.example', email: 'zeynep.a1@college.example', firstname: 'Zeynep', lastname: 'Çelik', city: 'Istanbul', country: 'TR', suspended: false });
    const teacher = moodle.state.users.find((u) => u.idnumber === ids.teacherId);
    t.match(teacher, { username: 'leila.a1@college.example', firstname: 'Leila', lastname: 'Haddad a1' });

    const enrolments = moodle.state.enrolments.filter((e) => e.courseid === course!.id);
    t.same(enrolments.map((e) => [e.userid, e.status]).sort(), [[student!.id, 0], [teacher!.id, 0]].sort(), 'student and teacher enrolled, active');
    const roles = moodle.state.roleAssignments.filter((r) => r.userid === student!.id || r.userid === teacher!.id);
    t.ok(roles.some((r) => r.userid === student!.id && r.roleid === 5), 'student role');
    t.ok(roles.some((r) => r.userid === teacher!.id && r.roleid === 3), 'editing teacher role');

    t.equal(zoho.record('BTEC_Students', ids.studentId)?.Student_Moodle_ID, String(student!.id), 'Student_Moodle_ID written back');
    t.equal(zoho.record('BTEC_Teachers', ids.teacherId)?.Teacher_Moodle_ID, String(teacher!.id), 'Teacher_Moodle_ID written back');
    t.equal(zoho.record('BTEC_Classes', ids.classId)?.Moodle_Class_ID, String(course!.id), 'Moodle_Class_ID written back');
    const writes = zoho.calls.filter((c) => c.method === 'PUT');
    t.ok(writes.length >= 3 && writes.every((c) => Array.isArray(c.trigger) && (c.trigger as unknown[]).length === 0), 'every Zoho write sends "trigger": [] (no workflow echo)');

    const links = await stack.db.any(sql.type(linkSchema)`select entity, zoho_id, moodle_id, moodle_user_id, state from sync_links order by entity`);
    t.same(links.map((l) => l.entity).sort(), ['class', 'enrollment', 'program', 'student', 'teacher']);

    // The other records' own events now find everything in place and write nothing.
    const before = moodle.calls.length;
    for (const [entity, id] of [['program', ids.programId], ['teacher', ids.teacherId], ['class', ids.classId], ['student', ids.studentId]] as const) {
      const again = await send(stack, entity, id);
      t.match(again, { status: 'completed', result: { action: 'unchanged' } }, `${entity} event after the fact: unchanged`);
    }
    t.equal(moodle.calls.length, before, 'no Moodle call at all for unchanged records');
  });

});
