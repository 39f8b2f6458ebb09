// The Moodle grade flow's plan as data: a grade (and what read found) → result and steps. Pure: no database, no simulators.
// The conversion to letters is tested in tests/shared/domain/grades/convertToBtecLetter.test.ts; here, what the plan does with it.
import t, { type Test } from 'tap';
import type { GradePush } from '../../../shared/db/queries/gradePushes.ts';
import type { MoodleGradeData } from '../../../shared/domain/moodle/moodleEventData.ts';
import { parseSyncSettings, type SyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { gateVeto } from '../../../shared/domain/sync/flowGate.ts';
import type { EntityResult, GradePushValues, SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import { moodleGrade, planGradeToZoho, type GradeToZohoState } from '../../../worker/flows/moodleGrade.ts';
import type { Flow } from '../../../worker/pipeline/flow.ts';
import { SAMPLE_DUE, SAMPLE_GRADED, sampleMoodleGrade } from '../../helpers/sampleMoodleGrade.ts';

const settings = parseSyncSettings({});
const STUDENT = '5843210000000100001';
const CLASS = '5843210000000200001';
const GRADE = '5843210000000300001';
const KEY = '45_6_7';
const DUE = SAMPLE_DUE;
const GRADED = SAMPLE_GRADED;
const LATER = 1_790_200_000; // 2026-09-23
const FIELD_NAMES = {
  studentMoodleId: 'Student_Moodle_ID',
  studentEmail: 'Academic_Email',
  classMoodleId: 'Moodle_Class_ID',
  gradeClass: 'Class',
};

const P1 = {
  code: 'P1',
  level: 'pass',
  description: 'Explain the marketing mix',
  score: '1',
  feedback: 'Clear',
  achieved: true,
};
const D1 = {
  code: 'D1',
  level: 'distinction',
  description: 'Evaluate strategy',
  score: '0',
  feedback: 'Not yet',
  achieved: false,
};

/** A Merit on the BTEC scale, as the plugin sends it, with two criteria. */
const grade = (over: Partial<MoodleGradeData> = {}): MoodleGradeData =>
  sampleMoodleGrade({ learning_outcomes: [P1, D1], ...over });
/** The same grade on points (out of 100), with no criteria. */
const points = (value: string | null, over: Partial<MoodleGradeData> = {}) =>
  grade({
    grade: value,
    grade_type: 'points',
    grade_max: '100',
    grade_label: null,
    scale_id: null,
    scale_name: null,
    scale_items: null,
    grading_method: null,
    learning_outcomes: [],
    ...over,
  });

function state(over: Partial<GradeToZohoState> = {}): GradeToZohoState {
  return {
    grade: grade(),
    previous: null,
    student: { zohoId: STUDENT, linked: true },
    class: { zohoId: CLASS, linked: true },
    existingZohoId: null,
    fieldNames: FIELD_NAMES,
    ...over,
  };
}
/** The push row of the grade written before for the key. */
const previous = (over: Partial<GradePush> = {}): GradePush => ({
  composite_key: KEY,
  zoho_grade_id: GRADE,
  moodle_grade_id: 500,
  student_moodle_id: 45,
  course_moodle_id: 6,
  assignment_id: 7,
  student_zoho_id: STUDENT,
  class_zoho_id: CLASS,
  letter: 'M',
  attempt_number: 1,
  graded_at: GRADED,
  due_date: DUE,
  fingerprint: 'the fingerprint of an earlier grade',
  origin: 'moodle',
  ...over,
});

/** The Zoho record's fields of the base grade (canonical names of the BTEC_Grades mapping). */
const fields = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  compositeKey: KEY,
  moodleGradeId: '500',
  gradeName: 'Layla Hassan - Unit 4 Marketing - M - 2026-09-22',
  grade: 'M',
  gradeStatus: 'Released',
  attemptNumber: 1,
  attemptDate: '2026-09-22',
  feedback: 'Good analysis of the market.',
  student: { id: STUDENT },
  class: { id: CLASS },
  studentName: 'Layla Hassan',
  className: 'Unit 4 Marketing',
  graderName: 'Omar Teacher',
  ...over,
});
const without = (record: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
const outcomeP1 = {
  code: 'P1',
  outcomeIdentification: 'P1',
  title: 'Explain the marketing mix',
  definition: 'Explain the marketing mix',
  score: '1',
  feedback: 'Clear',
};
const outcomeD1 = {
  code: 'D1',
  outcomeIdentification: 'D1',
  title: 'Evaluate strategy',
  definition: 'Evaluate strategy',
  score: '0',
  feedback: 'Not yet',
};
const OUTCOMES = [outcomeP1, outcomeD1];
/** What the push row remembers: the record's fields and criteria. */
const printOf = (f: Record<string, unknown>, learningOutcomes: unknown[] = OUTCOMES) =>
  fingerprint({ fields: f, learningOutcomes });

/** The two steps of a grade to write: the upsert on the key, then the push row with its dashboard copy. */
function written(o: {
  fields: Record<string, unknown>;
  learningOutcomes?: Record<string, unknown>[];
  existingId?: string | null;
  push?: Partial<GradePushValues>;
}): SyncStep[] {
  const learningOutcomes = o.learningOutcomes ?? OUTCOMES;
  return [
    {
      op: 'zoho.upsert_grade',
      ref: 'grade',
      compositeKey: KEY,
      fields: o.fields,
      learningOutcomes,
      existingId: o.existingId ?? null,
    },
    {
      op: 'grade_push.save',
      push: {
        composite_key: KEY,
        zoho_grade_id: { ref: 'grade' },
        moodle_grade_id: 500,
        student_moodle_id: 45,
        course_moodle_id: 6,
        assignment_id: 7,
        student_zoho_id: STUDENT,
        class_zoho_id: (o.fields.class as { id: string } | undefined)?.id ?? null,
        letter: o.fields.grade as string,
        attempt_number: o.fields.attemptNumber as number,
        graded_at: GRADED,
        due_date: DUE,
        fingerprint: printOf(o.fields, learningOutcomes),
        ...o.push,
      },
      dashboardCopyOf: { ref: 'grade' },
    },
  ];
}
/** The result of a grade to write: whether created or updated is only known once written (`grade:action`). */
const writtenResult = (over: Partial<EntityResult> = {}): EntityResult => ({
  entity: 'grade',
  action: { ref: 'grade:action' },
  compositeKey: KEY,
  letter: 'M',
  basis: 'btec_scale',
  moodleGradeId: 500,
  studentZohoId: STUDENT,
  classZohoId: CLASS,
  zohoId: { ref: 'grade' },
  dashboardQueued: { ref: 'dashboardQueued' },
  ...over,
});
const skipped = (reason: string, over: Partial<EntityResult> = {}): EntityResult => ({
  entity: 'grade',
  action: 'skipped',
  ...over,
  reason,
});

interface Case {
  name: string;
  state: GradeToZohoState;
  settings?: SyncSettings;
  result: EntityResult;
  steps: SyncStep[];
}
function runCases(t: Test, cases: Case[]) {
  for (const c of cases) {
    const plan = planGradeToZoho(c.state, c.settings ?? settings);
    t.strictSame(plan.result, c.result, `${c.name}: result`);
    t.strictSame(plan.steps, c.steps, `${c.name}: steps`);
  }
}

const long = `${'word '.repeat(600)}end`; // 3,003 characters
const CUT_NOTE = ' […] (cut: 3003 characters in Moodle, Zoho keeps 2000; the full feedback is in Moodle)';
const ivRegrade = grade({
  grade: '4.00000',
  grade_label: 'Distinction',
  graded_at: LATER,
  grader_name: 'Iman Verifier',
  grader_role: 'iv',
  learning_outcomes: [P1],
});
const ivFields = without(
  fields({
    grade: 'D',
    gradeName: 'Layla Hassan - Unit 4 Marketing - D - 2026-09-23',
    attemptDate: '2026-09-23',
    ivName: 'Iman Verifier',
  }),
  'graderName',
);

const writes: Case[] = [
  {
    name: 'a Merit on the BTEC scale, student and class linked, nothing in Zoho yet: upserted with no existing id, push and dashboard copy together',
    state: state(),
    result: writtenResult(),
    steps: written({ fields: fields() }),
  },
  {
    name: 'the IV re-grades the same key Distinction, the record exists: the same record updated, IV_Name (Grader_Name left as Zoho has it), criteria replaced',
    state: state({ grade: ivRegrade, previous: previous(), existingZohoId: GRADE }),
    result: writtenResult({ letter: 'D' }),
    steps: written({
      fields: ivFields,
      learningOutcomes: [outcomeP1],
      existingId: GRADE,
      push: { graded_at: LATER },
    }),
  },
  {
    name: 'a new attempt (2) of a key written at attempt 1: the same record, now attempt 2',
    state: state({
      grade: grade({ attempt_number: 2, grade: '2.00000', grade_label: 'Pass', graded_at: LATER }),
      previous: previous({ letter: 'R' }),
      existingZohoId: GRADE,
    }),
    result: writtenResult({ letter: 'P' }),
    steps: written({
      fields: fields({
        grade: 'P',
        attemptNumber: 2,
        gradeName: 'Layla Hassan - Unit 4 Marketing - P - 2026-09-23',
        attemptDate: '2026-09-23',
      }),
      existingId: GRADE,
      push: { graded_at: LATER },
    }),
  },
  {
    name: 'a higher attempt dated before the one written (clocks disagree): the attempt decides, written',
    state: state({ grade: grade({ attempt_number: 2, graded_at: GRADED - 1000 }), previous: previous() }),
    result: writtenResult(),
    steps: written({ fields: fields({ attemptNumber: 2 }), push: { graded_at: GRADED - 1000 } }),
  },
  {
    name: 'the same attempt with no grading date: nothing says it is older, written (no date in the name)',
    state: state({ grade: grade({ graded_at: null }), previous: previous() }),
    result: writtenResult(),
    steps: written({
      fields: fields({ gradeName: 'Layla Hassan - Unit 4 Marketing - M', attemptDate: null }),
      push: { graded_at: null },
    }),
  },
  {
    name: "a teacher corrects attempt 1 after the nightly RR (attempt 2, origin btec_rules): a grade given after the rule's wins",
    state: state({
      grade: grade({ grade: '2.00000', grade_label: 'Pass', graded_at: LATER }),
      previous: previous({
        letter: 'RR',
        attempt_number: 2,
        origin: 'btec_rules',
        fingerprint: 'btec_rules:RR:the fingerprint of the R',
      }),
      existingZohoId: GRADE,
    }),
    result: writtenResult({ letter: 'P' }),
    steps: written({
      fields: fields({
        grade: 'P',
        gradeName: 'Layla Hassan - Unit 4 Marketing - P - 2026-09-23',
        attemptDate: '2026-09-23',
      }),
      existingId: GRADE,
      push: { graded_at: LATER },
    }),
  },
  {
    name: 'a grade the rule gave no date to compare with (btec_rules push, grade undated): written',
    state: state({
      grade: grade({ graded_at: null }),
      previous: previous({ letter: 'F', origin: 'btec_rules', fingerprint: 'btec_rules:F:2026-09-21' }),
      existingZohoId: GRADE,
    }),
    result: writtenResult(),
    steps: written({
      fields: fields({ gradeName: 'Layla Hassan - Unit 4 Marketing - M', attemptDate: null }),
      existingId: GRADE,
      push: { graded_at: null },
    }),
  },
];

const students: Case[] = [
  {
    name: 'the student found in Zoho by their Moodle id (not linked yet): linked first, Student_Moodle_ID already right',
    state: state({ student: { zohoId: STUDENT, linked: false, moodleIdInZoho: '45' } }),
    result: writtenResult(),
    steps: [
      { op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 45, fingerprint: null },
      ...written({ fields: fields() }),
    ],
  },
  {
    name: 'the student found by e-mail only and the class found in Zoho: both linked, Student_Moodle_ID written back, then the grade',
    state: state({
      student: { zohoId: STUDENT, linked: false, moodleIdInZoho: null },
      class: { zohoId: CLASS, linked: false },
    }),
    result: writtenResult(),
    steps: [
      { op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 45, fingerprint: null },
      { op: 'zoho.update', module: 'BTEC_Students', recordId: STUDENT, values: { moodleId: '45' } },
      { op: 'link.save', entity: 'class', zohoId: CLASS, moodleId: 6, fingerprint: null },
      ...written({ fields: fields() }),
    ],
  },
  {
    name: 'a course that is no Zoho class: written without the Class lookup, with a warning naming the fields',
    state: state({ class: null }),
    result: writtenResult({
      classZohoId: null,
      warnings: ['Moodle course 6 is no Zoho class (not linked, no Moodle_Class_ID): Class left empty'],
    }),
    steps: written({ fields: without(fields(), 'class') }),
  },
];

const mapping: Case[] = [
  {
    name: 'feedback longer than Zoho keeps (3,003 characters): cut at a word with a note, and a warning',
    state: state({ grade: grade({ feedback: long }) }),
    result: writtenResult({ warnings: ['Feedback has 3003 characters; Zoho keeps 2000: cut with a note saying so'] }),
    steps: written({ fields: fields({ feedback: `${'word '.repeat(382).trimEnd()}${CUT_NOTE}` }) }),
  },
  {
    name: "feedback cut and no Zoho class: both warnings, the mapping's first",
    state: state({ grade: grade({ feedback: long }), class: null }),
    result: writtenResult({
      classZohoId: null,
      warnings: [
        'Feedback has 3003 characters; Zoho keeps 2000: cut with a note saying so',
        'Moodle course 6 is no Zoho class (not linked, no Moodle_Class_ID): Class left empty',
      ],
    }),
    steps: written({ fields: without(fields({ feedback: `${'word '.repeat(382).trimEnd()}${CUT_NOTE}` }), 'class') }),
  },
  {
    name: 'blank feedback: written as empty (null), not as blanks',
    state: state({ grade: grade({ feedback: '   ' }) }),
    result: writtenResult(),
    steps: written({ fields: fields({ feedback: null }) }),
  },
  {
    name: 'a marking-workflow state: its Grade_Status value (inmarking → In Marking)',
    state: state({ grade: grade({ workflow_state: 'inmarking' }) }),
    result: writtenResult(),
    steps: written({ fields: fields({ gradeStatus: 'In Marking' }) }),
  },
  {
    name: 'no marking workflow (null): visible to the student, Released',
    state: state({ grade: grade({ workflow_state: null }) }),
    result: writtenResult(),
    steps: written({ fields: fields({ gradeStatus: 'Released' }) }),
  },
  {
    name: 'a marking-workflow state Grade_Status has no value for: left out, with a warning',
    state: state({ grade: grade({ workflow_state: 'archived' }) }),
    result: writtenResult({ warnings: ['marking-workflow state "archived" has no Grade_Status value: left out'] }),
    steps: written({ fields: without(fields(), 'gradeStatus') }),
  },
  {
    name: 'no grader named: neither IV_Name nor Grader_Name',
    state: state({ grade: grade({ grader_name: null, grader_role: null }) }),
    result: writtenResult(),
    steps: written({ fields: without(fields(), 'graderName') }),
  },
  {
    name: "grader_role other (a manager): Grader_Name, only 'iv' is the IV",
    state: state({ grade: grade({ grader_name: 'Mona Manager', grader_role: 'other' }) }),
    result: writtenResult(),
    steps: written({ fields: fields({ graderName: 'Mona Manager' }) }),
  },
  {
    name: "grades.iv_role_shortname does not re-classify the grader here: the plugin's grader_role decides",
    state: state(),
    settings: parseSyncSettings({
      grades: { points_thresholds: { D: 70, M: 60, P: 40 }, iv_role_shortname: 'editingteacher' },
    }),
    result: writtenResult(),
    steps: written({ fields: fields() }),
  },
  {
    name: 'no Moodle grade id: Moodle_Grade_ID empty, the push row without it',
    state: state({ grade: grade({ grade_id: null }) }),
    result: writtenResult({ moodleGradeId: null }),
    steps: written({ fields: fields({ moodleGradeId: null }), push: { moodle_grade_id: null } }),
  },
  {
    name: 'a name longer than Zoho keeps: BTEC_Grade_Name cut at 255 characters, Student_Name whole',
    state: state({ grade: grade({ student_fullname: 'L'.repeat(300) }) }),
    result: writtenResult(),
    steps: written({ fields: fields({ gradeName: 'L'.repeat(255), studentName: 'L'.repeat(300) }) }),
  },
];

/** A grade written with `letter` on `basis`: the base grade's record with that letter in it. */
function letterCase(name: string, g: MoodleGradeData, letter: string, basis: string, over: Partial<Case> = {}): Case {
  const onPoints = g.grade_type === 'points' && g.learning_outcomes.length === 0;
  return {
    name,
    state: state({ grade: g }),
    result: writtenResult({ letter, basis }),
    steps: written({
      fields: fields({ grade: letter, gradeName: `Layla Hassan - Unit 4 Marketing - ${letter} - 2026-09-22` }),
      ...(onPoints ? { learningOutcomes: [] } : {}),
    }),
    ...over,
  };
}
const scale = (value: string, label: string) => grade({ grade: value, grade_label: label });
const letters: Case[] = [
  letterCase('BTEC scale 0: F', scale('0.00000', 'Refer'), 'F', 'btec_scale'),
  letterCase('BTEC scale 1 (Refer): R', scale('1.00000', 'Refer'), 'R', 'btec_scale'),
  letterCase('BTEC scale 2 (Pass): P', scale('2.00000', 'Pass'), 'P', 'btec_scale'),
  letterCase('BTEC scale 4 (Distinction): D', scale('4.00000', 'Distinction'), 'D', 'btec_scale'),
  letterCase(
    'the BTEC scale without the BTEC grading method: still the scale value',
    grade({ grade: '4.00000', grade_label: 'Distinction', grading_method: null }),
    'D',
    'btec_scale',
  ),
  letterCase(
    'another scale whose chosen item is a BTEC word: that word (btec_label)',
    grade({
      grade: '3.00000',
      grade_label: 'Merit',
      grading_method: null,
      scale_items: ['Poor', 'Fair', 'Merit', 'Excellent'],
    }),
    'M',
    'btec_label',
  ),
  letterCase('points 70 of 100: D (bound inclusive)', points('70.00000'), 'D', 'points'),
  letterCase('points 69.99999 of 100: M, no float rounding up', points('69.99999'), 'M', 'points'),
  letterCase('points 55 of 100: P', points('55'), 'P', 'points'),
  letterCase('points 39.5 of 100: R', points('39.5'), 'R', 'points'),
  letterCase('points above the maximum (120 of 100): clamped, D', points('120'), 'D', 'points'),
  letterCase('points with grades.points_thresholds D 80, M 65, P 50: 70 is M', points('70'), 'M', 'points', {
    settings: parseSyncSettings({ grades: { points_thresholds: { D: 80, M: 65, P: 50 } } }),
  }),
];

const skips: Case[] = [
  {
    name: 'a gradebook item of another module (a quiz): not a BTEC grade, nothing looked at',
    state: state({ grade: grade({ source: 'gradebook', assignment_id: null, item_module: 'quiz' }) }),
    result: skipped('only assignment grades are BTEC grades in Zoho (this is a quiz item)'),
    steps: [],
  },
  {
    name: 'a manual gradebook item (no module): not a BTEC grade',
    state: state({ grade: grade({ source: 'gradebook', assignment_id: null }) }),
    result: skipped('only assignment grades are BTEC grades in Zoho (this is a gradebook item)'),
    steps: [],
  },
  {
    name: 'an assign grade without an assignment id: not a BTEC grade',
    state: state({ grade: grade({ assignment_id: null }) }),
    result: skipped('only assignment grades are BTEC grades in Zoho (this is a gradebook item)'),
    steps: [],
  },
  {
    name: 'an assignment grade of a gradebook source: not a BTEC grade',
    state: state({ grade: grade({ source: 'gradebook', item_module: 'assign' }) }),
    result: skipped('only assignment grades are BTEC grades in Zoho (this is a assign item)'),
    steps: [],
  },
  {
    name: 'no grade given: skipped, not a Refer',
    state: state({ grade: points(null) }),
    result: skipped('no grade given (an ungraded submission is not a Refer)', { compositeKey: KEY }),
    steps: [],
  },
  {
    name: 'a scale item that is no BTEC word: skipped with the item',
    state: state({
      grade: grade({
        grade: '2.00000',
        grade_label: 'Achieved',
        grading_method: null,
        scale_items: ['Not yet', 'Achieved'],
      }),
    }),
    result: skipped('scale item "Achieved" is not a BTEC grade (Refer, Pass, Merit, Distinction)', {
      compositeKey: KEY,
    }),
    steps: [],
  },
  {
    name: 'points without a positive maximum: skipped',
    state: state({ grade: points('5', { grade_max: '0' }) }),
    result: skipped('points grade without a positive maximum', { compositeKey: KEY }),
    steps: [],
  },
  {
    name: 'a text grade: no letter',
    state: state({ grade: points('5', { grade_type: 'text' }) }),
    result: skipped('grade type text has no BTEC letter', { compositeKey: KEY }),
    steps: [],
  },
  {
    name: 'the same grade again (fingerprint of the push row): unchanged, no write',
    state: state({ grade: ivRegrade, previous: previous({ fingerprint: printOf(ivFields, [outcomeP1]) }) }),
    result: {
      entity: 'grade',
      action: 'unchanged',
      compositeKey: KEY,
      letter: 'D',
      basis: 'btec_scale',
      moodleGradeId: 500,
      studentZohoId: STUDENT,
      classZohoId: CLASS,
      zohoId: GRADE,
    },
    steps: [],
  },
  {
    name: 'the same grade again, the student and class now found unlinked: only the links, no grade write',
    state: state({
      previous: previous({ fingerprint: printOf(fields()) }),
      student: { zohoId: STUDENT, linked: false, moodleIdInZoho: '45' },
      class: { zohoId: CLASS, linked: false },
    }),
    result: {
      entity: 'grade',
      action: 'unchanged',
      compositeKey: KEY,
      letter: 'M',
      basis: 'btec_scale',
      moodleGradeId: 500,
      studentZohoId: STUDENT,
      classZohoId: CLASS,
      zohoId: GRADE,
    },
    steps: [
      { op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 45, fingerprint: null },
      { op: 'link.save', entity: 'class', zohoId: CLASS, moodleId: 6, fingerprint: null },
    ],
  },
  {
    name: 'the same grade again with a warning (no class): unchanged, the warning still reported',
    state: state({ class: null, previous: previous({ fingerprint: printOf(without(fields(), 'class')) }) }),
    result: {
      entity: 'grade',
      action: 'unchanged',
      compositeKey: KEY,
      letter: 'M',
      basis: 'btec_scale',
      moodleGradeId: 500,
      studentZohoId: STUDENT,
      classZohoId: null,
      warnings: ['Moodle course 6 is no Zoho class (not linked, no Moodle_Class_ID): Class left empty'],
      zohoId: GRADE,
    },
    steps: [],
  },
  {
    name: 'a late event of the same attempt graded earlier: skipped, the newer grade stays',
    state: state({ grade: grade({ graded_at: 1_790_150_000 }), previous: previous({ graded_at: LATER }) }),
    result: skipped('older than the grade already in Zoho (attempt 1, graded 1790200000)', {
      compositeKey: KEY,
      zohoId: GRADE,
    }),
    steps: [],
  },
  {
    name: 'an earlier attempt after a later one was written: skipped, whatever its date',
    state: state({ grade: grade({ graded_at: LATER + 1000 }), previous: previous({ attempt_number: 2 }) }),
    result: skipped(`older than the grade already in Zoho (attempt 2, graded ${GRADED})`, {
      compositeKey: KEY,
      zohoId: GRADE,
    }),
    steps: [],
  },
  {
    name: 'an earlier attempt, the push row undated: skipped, "graded ?"',
    state: state({ previous: previous({ attempt_number: 2, graded_at: null }) }),
    result: skipped('older than the grade already in Zoho (attempt 2, graded ?)', { compositeKey: KEY, zohoId: GRADE }),
    steps: [],
  },
  {
    name: 'a grade dated before the F the nightly rules wrote: skipped (the rule came after it)',
    state: state({
      previous: previous({
        letter: 'F',
        origin: 'btec_rules',
        graded_at: LATER,
        fingerprint: 'btec_rules:F:2026-09-21',
      }),
    }),
    result: skipped('older than the grade already in Zoho (attempt 1, graded 1790200000)', {
      compositeKey: KEY,
      zohoId: GRADE,
    }),
    steps: [],
  },
];

t.test('grades to write: created or updated on the composite key, with the push row and dashboard copy', async (t) => {
  runCases(t, writes);
});
t.test('the student and class of the grade: linked when found in Zoho, the class optional', async (t) => {
  runCases(t, students);
});
t.test('the record as Zoho takes it: feedback, status, grader, names', async (t) => {
  runCases(t, mapping);
});
t.test('letters from the BTEC scale, BTEC words and points', async (t) => {
  runCases(t, letters);
});
t.test('no write: not a BTEC grade, no letter, unchanged, or older than the grade written', async (t) => {
  runCases(t, skips);
});

t.test('a person must resolve: no Zoho student, or several records match', async (t) => {
  const thrown = (() => {
    try {
      planGradeToZoho(state({ student: null }), settings);
    } catch (error) {
      return error as Error;
    }
    return null;
  })();
  t.match(
    thrown,
    {
      code: 'zoho.student_not_found',
      message:
        'grade 45_6_7: Moodle user 45 is no BTEC_Students record (no Student_Moodle_ID 45, no Academic_Email match)',
    },
    'no Zoho student: fails naming the user and the fields',
  );
  t.notMatch(String(thrown?.message), /layla@/, 'the e-mail is not echoed');
  t.throws(
    () =>
      planGradeToZoho(
        state({ student: { conflict: 'Moodle user 45: several BTEC_Students records (1, 2) match it; merge them' } }),
        settings,
      ),
    { code: 'zoho.ambiguous', message: 'Moodle user 45: several BTEC_Students records (1, 2) match it; merge them' },
    'several students: ambiguous',
  );
  t.throws(
    () =>
      planGradeToZoho(
        state({
          student: { conflict: 'Moodle user 45: BTEC_Students 1 has its e-mail but belongs to Moodle user 46' },
        }),
        settings,
      ),
    { code: 'zoho.conflict', message: /belongs to Moodle user 46/ },
    'the e-mail of a student who is another Moodle account: a conflict',
  );
  t.throws(
    () =>
      planGradeToZoho(
        state({
          class: { conflict: 'Moodle course 6: several BTEC_Classes records (1, 2) have it as Moodle_Class_ID' },
        }),
        settings,
      ),
    { code: 'zoho.ambiguous', message: /Moodle course 6: several BTEC_Classes/ },
    'several classes: ambiguous',
  );
  t.throws(
    () => planGradeToZoho(state({ student: null, previous: previous({ fingerprint: printOf(fields()) }) }), settings),
    { code: 'zoho.student_not_found' },
    'checked before the unchanged test too',
  );
});

t.test('sync.directions.grades is the gate, not the plan: forbidding Moodle → Zoho vetoes the event', async (t) => {
  const event = { source: 'moodle', event_type: '\\mod_assign\\event\\submission_graded' };
  const { gate } = moodleGrade as unknown as Flow;
  const directed = (grades: string) => parseSyncSettings({ 'sync.directions': { grades } });
  t.equal(
    gateVeto(directed('zoho_to_moodle'), gate, event),
    'direction zoho_to_moodle (sync.directions.grades) does not sync Moodle → Zoho',
  );
  t.equal(
    gateVeto(directed('disabled'), gate, event),
    'direction disabled (sync.directions.grades) does not sync Moodle → Zoho',
  );
  t.equal(gateVeto(directed('moodle_to_zoho'), gate, event), null, 'moodle_to_zoho: runs');
  t.equal(gateVeto(directed('bidirectional'), gate, event), null, 'bidirectional: runs');
  t.equal(gateVeto(settings, gate, event), null, 'unset: runs');
  t.equal(
    gateVeto(parseSyncSettings({ 'modules.enabled': { BTEC_Grades: false } }), gate, event),
    'module disabled (modules.enabled.BTEC_Grades is false)',
  );
  t.strictSame(
    planGradeToZoho(state(), directed('zoho_to_moodle')),
    planGradeToZoho(state(), settings),
    'the plan itself does not read the directions',
  );
});

t.test('one lock per composite key: two attempts (two assign_grades rows) hold the same key', async (t) => {
  const { lock } = moodleGrade as unknown as Flow<unknown, MoodleGradeData>;
  t.equal(lock?.({ recordId: '500', data: grade() }), 'moodle:BTEC_Grades:45_6_7');
  t.equal(lock?.({ recordId: '501', data: grade({ grade_id: 501, attempt_number: 2 }) }), 'moodle:BTEC_Grades:45_6_7');
  t.equal(lock?.({ recordId: '9', data: grade({ source: 'gradebook', assignment_id: null }) }), null, 'no key: none');
});

t.test('planning is pure: the same state plans the same, twice, and is left as it was', async (t) => {
  for (const c of [...writes, ...students, ...mapping, ...letters, ...skips]) {
    const before = structuredClone(c.state);
    t.strictSame(
      planGradeToZoho(c.state, c.settings ?? settings),
      planGradeToZoho(c.state, c.settings ?? settings),
      c.name,
    );
    t.strictSame(c.state, before, `${c.name}: state untouched`);
  }
});
