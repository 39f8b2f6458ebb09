import t from 'tap';
import {
  fitFeedback,
  gradeCompositeKey,
  mapGradeToZohoRecord,
  unixToZohoDate,
  ZOHO_FEEDBACK_MAX,
} from '../../../../shared/domain/grades/mapGradeToZohoRecord.ts';
import type { MoodleGradeData } from '../../../../shared/domain/moodle/moodleEventData.ts';
import { sampleMoodleGrade } from '../../../helpers/sampleMoodleGrade.ts';

/** A Moodle grade → its Zoho BTEC_Grades record (docs/design.md "Moodle → Zoho", docs/zoho-fields.md §1.9). */

const GRADE: MoodleGradeData = sampleMoodleGrade({
  student_username: 'layla',
  grade_id: 123,
  grade: '3',
  workflow_state: null,
  attempt_number: 2,
  due_date: null,
  feedback: 'Well done',
});
const map = (overrides: Partial<MoodleGradeData>, classZohoId: string | null = '5725767000000000002') =>
  mapGradeToZohoRecord({
    grade: { ...GRADE, ...overrides },
    letter: 'M',
    studentZohoId: '5725767000000000001',
    classZohoId,
  });

t.test('the record: key, letter, status, attempt, date, names, lookups', async (t) => {
  const { fields, learningOutcomes, warnings } = map({});
  t.strictSame(fields, {
    compositeKey: '45_6_7',
    moodleGradeId: '123',
    gradeName: 'Layla Hassan - Unit 4 Marketing - M - 2026-09-22',
    grade: 'M',
    gradeStatus: 'Released',
    attemptNumber: 2,
    attemptDate: '2026-09-22',
    feedback: 'Well done',
    student: { id: '5725767000000000001' },
    class: { id: '5725767000000000002' },
    studentName: 'Layla Hassan',
    className: 'Unit 4 Marketing',
    graderName: 'Omar Teacher',
  });
  t.strictSame(learningOutcomes, [], 'no LOs: an empty subform (replaces whatever was there)');
  t.strictSame(warnings, []);
  t.equal(gradeCompositeKey({ student_id: 1, course_id: 2, assignment_id: 3 }), '1_2_3');
  t.equal(unixToZohoDate(0), '1970-01-01');
});

t.test('grader: IV vs teacher vs other', async (t) => {
  const cases = [
    { role: 'iv' as const, field: 'ivName' as const, absent: 'graderName' },
    { role: 'teacher' as const, field: 'graderName' as const, absent: 'ivName' },
    { role: 'other' as const, field: 'graderName' as const, absent: 'ivName' },
  ];
  for (const c of cases) {
    const { fields } = map({ grader_role: c.role, grader_name: 'Someone' });
    t.equal(fields[c.field], 'Someone', `${c.role} → ${c.field}`);
    t.notOk(c.absent in fields, `${c.role}: ${c.absent} untouched`);
  }
  t.notOk('graderName' in map({ grader_name: null }).fields, 'no grader name: neither field written');
});

t.test('Grade_Status only takes values of its picklist', async (t) => {
  const states: [string | null, string | undefined][] = [
    [null, 'Released'],
    ['notmarked', 'Not Marked'],
    ['inmarking', 'In Marking'],
    ['readyforreview', 'Marking completed'],
    ['inreview', 'In review'],
    ['readyforrelease', 'Ready for release'],
    ['released', 'Released'],
    ['something', undefined],
  ];
  for (const [state, status] of states) {
    const { fields, warnings } = map({ workflow_state: state });
    t.equal(fields.gradeStatus, status, `${state} → ${status}`);
    if (status === undefined) t.match(warnings, [/marking-workflow state "something" has no Grade_Status value/]);
  }
});

t.test('learning outcomes: one row per criterion, 20 P-criteria and more', async (t) => {
  const los = [
    ...Array.from({ length: 20 }, (_, i) => ({
      code: `P${i + 1}`,
      level: 'pass',
      description: `Pass ${i + 1}`,
      score: '1',
      feedback: null,
      achieved: true,
    })),
    { code: 'M1', level: 'merit', description: 'Merit 1', score: '0', feedback: 'Try again', achieved: false },
    { code: 'D1', level: 'distinction', description: null, score: null, feedback: null, achieved: false },
  ];
  const { learningOutcomes } = map({ learning_outcomes: los });
  t.equal(learningOutcomes.length, 22);
  t.strictSame(learningOutcomes[19], {
    code: 'P20',
    outcomeIdentification: 'P20',
    title: 'Pass 20',
    definition: 'Pass 20',
    score: '1',
    feedback: null,
  });
  t.strictSame(learningOutcomes[20], {
    code: 'M1',
    outcomeIdentification: 'M1',
    title: 'Merit 1',
    definition: 'Merit 1',
    score: '0',
    feedback: 'Try again',
  });
  t.strictSame(learningOutcomes[21], {
    code: 'D1',
    outcomeIdentification: 'D1',
    title: null,
    definition: null,
    score: null,
    feedback: null,
  });
});

t.test('feedback: Zoho keeps 2,000 characters; longer is cut with a note and a warning, never silently', async (t) => {
  t.strictSame(fitFeedback(null), { text: null, cut: false });
  t.strictSame(fitFeedback('  '), { text: null, cut: false });
  const exact = 'x'.repeat(ZOHO_FEEDBACK_MAX);
  t.strictSame(fitFeedback(exact), { text: exact, cut: false }, 'exactly 2,000 stays');
  const long = `${'word '.repeat(500)}${'é'.repeat(100)}`;
  const fitted = fitFeedback(long);
  t.equal(fitted.cut, true);
  t.ok([...fitted.text!].length <= ZOHO_FEEDBACK_MAX, 'fits');
  t.match(
    fitted.text,
    /^word word .* \[…\] \(cut: 2600 characters in Moodle, Zoho keeps 2000; the full feedback is in Moodle\)$/s,
  );
  const emoji = '😀'.repeat(2001);
  t.ok(
    [...fitFeedback(emoji).text!].length <= ZOHO_FEEDBACK_MAX,
    'counts characters, not UTF-16 units; never splits one',
  );
  const { warnings, fields } = map({ feedback: long });
  t.match(warnings, [/Feedback has 2600 characters; Zoho keeps 2000: cut with a note saying so/]);
  t.equal(fields.feedback, fitted.text);
});

t.test('a course that is no Zoho class: no Class lookup; long names are cut to 255', async (t) => {
  t.notOk('class' in map({}, null).fields);
  const { fields } = map({ student_fullname: 'N'.repeat(300) });
  t.equal([...String(fields.gradeName)].length, 255);
});
