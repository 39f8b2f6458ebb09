import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { MoodleGradeData } from '../../shared/domain/moodle/moodleEventData.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { sampleMoodleGrade } from '../helpers/sampleMoodleGrade.ts';

/**
 * Another college's org, whose fields have other API names (ZOHO_FIELD_OVERRIDES): both
 * directions end to end must read, query (COQL), write and write back under the org's names,
 * and never send one of the shipped names that the org renamed.
 */

const OVERRIDES = {
  BTEC_Students: { academicEmail: 'College_Email', moodleId: 'LMS_User_ID' },
  BTEC_Classes: { moodleClassId: 'LMS_Course_ID' },
  BTEC_Enrollments: { class: 'Class_Lookup' },
  BTEC_Grades: { compositeKey: 'Grade_Key', 'learningOutcomes.code': 'Criterion' },
};
// The shipped names the overrides replace: the org does not have them.
const RENAMED_AWAY = [
  'Academic_Email',
  'Student_Moodle_ID',
  'Moodle_Class_ID',
  'Classes',
  'Moodle_Grade_Composite_Key',
  'LO_Code',
];

const lookup = (id: string, name = 'x') => ({ id, name });

function gradeData(overrides: Partial<MoodleGradeData>): MoodleGradeData {
  return sampleMoodleGrade({
    student_id: 0,
    student_email: null,
    student_username: '',
    student_fullname: 'Aylin Demir',
    course_id: 0,
    grade_id: 900,
    feedback: 'Good',
    learning_outcomes: [
      { code: 'P1', level: 'pass', description: 'Explain the mix', score: '1', feedback: 'Clear', achieved: true },
    ],
    ...overrides,
  });
}

async function sendZoho(stack: SyncStack, entity: string, module: string, recordId: string) {
  const eventId = randomUUID();
  const answer = await stack.sendZoho(entity, {
    event_id: eventId,
    event_type: 'created',
    module,
    record_id: recordId,
  });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return stack.settled(eventId);
}

async function sendMoodle(
  stack: SyncStack,
  entity: 'user' | 'grade',
  data: Record<string, unknown> & { id?: number; grade_id?: number | null },
) {
  const eventId = randomUUID();
  const envelope =
    entity === 'user'
      ? {
          event_id: eventId,
          event_type: '\\core\\event\\user_created',
          entity_type: 'user',
          entity_id: data.id,
          user_id: data.id,
          course_id: null,
          timestamp: 1_790_000_000,
          data,
        }
      : {
          event_id: eventId,
          event_type: '\\mod_assign\\event\\submission_graded',
          entity_type: 'assign_grades',
          entity_id: data.grade_id,
          user_id: data.student_id,
          course_id: data.course_id,
          timestamp: 1_790_100_000,
          data,
        };
  const answer = await stack.sendMoodle(entity, envelope);
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return stack.settled(eventId);
}

t.test('an org with renamed fields: every read, query and write uses its names', async (t) => {
  const stack = await startSyncStack(t, {
    workerEnv: { ZOHO_FIELD_OVERRIDES: JSON.stringify(OVERRIDES) },
    moodleSeed: {
      users: [
        {
          id: 77,
          username: 'baran@college.example',
          email: 'baran@college.example',
          firstname: 'Baran',
          lastname: 'Kaya',
        },
      ],
    },
  });
  const { zoho, moodle } = stack;
  zoho.setUniqueFields('BTEC_Grades', ['Grade_Key']);

  const [programId] = zoho.seed('Products', [{ Product_Name: 'Level 5 Business' }]);
  const [teacherId] = zoho.seed('BTEC_Teachers', [{ Name: 'Leila Haddad', Academic_Email: 'leila@college.example' }]);
  const [classId] = zoho.seed('BTEC_Classes', [
    {
      Name: 'CL-1',
      Class_Name: 'Unit 4 Marketing',
      Class_Short_Name: 'U4-MKT',
      Class_Status: 'Active',
      BTEC_Program: lookup(programId!),
      Teacher: lookup(teacherId!),
      Start_Date: '2026-09-01',
      End_Date: '2027-01-31',
    },
  ]);
  const [aylin, baran] = zoho.seed('BTEC_Students', [
    { Name: 'ST-1', First_Name: 'Aylin', Last_Name: 'Demir', College_Email: 'aylin@college.example', Status: 'Active' },
    { Name: 'ST-2', First_Name: 'Baran', Last_Name: 'Kaya', College_Email: 'baran@college.example', Status: 'Active' },
  ]);
  const [enrollmentId] = zoho.seed('BTEC_Enrollments', [
    { Name: 'EN-1', Enrolled_Students: lookup(aylin!), Class_Lookup: lookup(classId!) },
  ]);

  t.test(
    "Zoho → Moodle: the account comes from College_Email; the Moodle ids go back under the org's names",
    async (t) => {
      t.match(await sendZoho(stack, 'enrollment', 'BTEC_Enrollments', enrollmentId!), { status: 'completed' });
      const user = moodle.state.users.find((u) => u.idnumber === aylin);
      t.match(
        user,
        { username: 'aylin@college.example', email: 'aylin@college.example' },
        'username and e-mail from the renamed field',
      );
      t.equal(
        zoho.record('BTEC_Students', aylin!)!.LMS_User_ID,
        String(user!.id),
        'Moodle user id written back as LMS_User_ID',
      );
      const course = moodle.state.courses.find((c) => c.idnumber === classId);
      t.ok(course, 'the class became a course');
      t.equal(
        zoho.record('BTEC_Classes', classId!)!.LMS_Course_ID,
        String(course!.id),
        'course id written back as LMS_Course_ID',
      );
      t.ok(
        moodle.state.enrolments.some((e) => e.userid === user!.id && e.courseid === course!.id),
        'the student is enrolled',
      );
    },
  );

  t.test(
    'Moodle → Zoho: a user is linked by College_Email; a grade is written under Grade_Key and Criterion',
    async (t) => {
      const linked = await sendMoodle(stack, 'user', {
        id: 77,
        username: 'baran@college.example',
        email: 'baran@college.example',
        firstname: 'Baran',
        lastname: 'Kaya',
        deleted: false,
        suspended: false,
        auth: 'manual',
        idnumber: '',
        city: null,
        country: null,
      });
      t.match(linked, { status: 'completed', result: { action: 'linked', linkedBy: 'email', zohoId: baran } });
      t.equal(zoho.record('BTEC_Students', baran!)!.LMS_User_ID, '77');

      const course = moodle.state.courses.find((c) => c.idnumber === classId)!;
      const aylinUser = moodle.state.users.find((u) => u.idnumber === aylin)!;
      const grade = await sendMoodle(
        stack,
        'grade',
        gradeData({
          student_id: aylinUser.id,
          student_email: aylinUser.email,
          course_id: course.id,
          course_idnumber: classId!,
        }),
      );
      t.match(grade, {
        status: 'completed',
        result: { action: 'created', studentZohoId: aylin, classZohoId: classId },
      });
      const record = zoho.record('BTEC_Grades', (grade.result as { zohoId: string }).zohoId)!;
      t.match(record, {
        Grade_Key: `${aylinUser.id}_${course.id}_7`,
        Grade: 'M',
        Student: { id: aylin },
        Class: { id: classId },
      });
      t.match(record.Learning_Outcomes_Assessm, [{ Criterion: 'P1', LO_Score: '1' }], 'subform column renamed');
      t.notOk('Moodle_Grade_Composite_Key' in record, 'the shipped key name is not written');

      // A re-grade finds the record by Grade_Key (COQL) and updates it.
      const again = await sendMoodle(
        stack,
        'grade',
        gradeData({
          student_id: aylinUser.id,
          student_email: aylinUser.email,
          course_id: course.id,
          course_idnumber: classId!,
          grade: '4.00000',
          grade_label: 'Distinction',
          graded_at: 1_790_200_000,
        }),
      );
      t.match(again, { status: 'completed', result: { action: 'updated', zohoId: record.id } });
    },
  );

  t.test('no call to Zoho named a field the org renamed', async (t) => {
    const sent = zoho.calls.map((call) => JSON.stringify(call));
    for (const name of RENAMED_AWAY) {
      const offending = sent.filter((text) => new RegExp(`\\b${name}\\b`).test(text));
      t.same(offending, [], `${name} never sent`);
    }
    t.ok(
      sent.some((text) => text.includes('Grade_Key')),
      'COQL and writes used Grade_Key',
    );
  });
});
