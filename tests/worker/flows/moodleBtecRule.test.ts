// The BTEC rule flow's plan as data: an F or RR the nightly rules queued (and what read found) → result and steps.
// Pure: no database, no simulators. Which rules apply is tests/shared/domain/grades/planBtecRules.test.ts.
import t, { type Test } from 'tap';
import type { GradePush } from '../../../shared/db/queries/gradePushes.ts';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import { gateVeto } from '../../../shared/domain/sync/flowGate.ts';
import type { EntityResult, SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import {
  btecRuleSchema,
  moodleBtecRule,
  planBtecRule,
  type BtecRuleState,
} from '../../../worker/flows/moodleBtecRule.ts';
import type { Flow } from '../../../worker/pipeline/flow.ts';

const STUDENT = '5843210000000100070';
const CLASS = '5843210000000200080';
const GRADE = '5843210000000300071';
const HELD = '5843210000000300070';
const DUE = 1_790_000_000; // 2026-09-21
const NOW = 1_790_500_000; // the night the rule is applied
const F_KEY = '70_80_90';
const RR_KEY = '71_80_90';

type Action = BtecRuleState['action'];
const fRule = (over: Partial<Extract<Action, { rule: 'F' }>> = {}): Action => ({
  rule: 'F',
  compositeKey: F_KEY,
  userId: 70,
  courseId: 80,
  assignmentId: 90,
  assignmentName: 'Finance report',
  dueDate: DUE,
  ...over,
});
const rrRule = (over: Partial<Extract<Action, { rule: 'RR' }>> = {}): Action => ({
  rule: 'RR',
  compositeKey: RR_KEY,
  userId: 71,
  courseId: 80,
  assignmentId: 90,
  assignmentName: 'Finance report',
  zohoGradeId: GRADE,
  ...over,
});
const state = (over: Partial<BtecRuleState> = {}): BtecRuleState => ({
  action: fRule(),
  push: null,
  now: NOW,
  held: null,
  student: { zohoId: STUDENT, linked: true },
  classZohoId: CLASS,
  ...over,
});
/** Dina's first attempt, referred, as the grade flow recorded it. */
const referred = (over: Partial<GradePush> = {}): GradePush => ({
  composite_key: RR_KEY,
  zoho_grade_id: GRADE,
  moodle_grade_id: 9001,
  student_moodle_id: 71,
  course_moodle_id: 80,
  assignment_id: 90,
  student_zoho_id: STUDENT,
  class_zoho_id: CLASS,
  letter: 'R',
  attempt_number: 1,
  graded_at: NOW - 21 * 86_400,
  due_date: DUE,
  fingerprint: 'the fingerprint of the R',
  origin: 'moodle',
  ...over,
});

/** F's record: attempt 1, dated the due date, saying why. */
const fFields = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  compositeKey: F_KEY,
  grade: 'F',
  gradeStatus: 'Released',
  attemptNumber: 1,
  attemptDate: '2026-09-21',
  gradeName: 'Finance report - F - 2026-09-21',
  feedback: "No submission by the due date (2026-09-21): F applied by the integration's nightly BTEC rules.",
  student: { id: STUDENT },
  class: { id: CLASS },
  ...over,
});
function fSteps(o: { fields?: Record<string, unknown>; existingId?: string | null; classZohoId?: string | null } = {}) {
  const steps: SyncStep[] = [
    {
      op: 'zoho.upsert_grade',
      ref: 'grade',
      compositeKey: F_KEY,
      fields: o.fields ?? fFields(),
      learningOutcomes: [],
      existingId: o.existingId ?? null,
    },
    {
      op: 'grade_push.save',
      push: {
        composite_key: F_KEY,
        zoho_grade_id: { ref: 'grade' },
        moodle_grade_id: null,
        student_moodle_id: 70,
        course_moodle_id: 80,
        assignment_id: 90,
        student_zoho_id: STUDENT,
        class_zoho_id: o.classZohoId === undefined ? CLASS : o.classZohoId,
        letter: 'F',
        attempt_number: 1,
        graded_at: NOW,
        due_date: DUE,
        fingerprint: 'btec_rules:F:2026-09-21',
        origin: 'btec_rules',
      },
      dashboardCopyOf: { ref: 'grade' },
    },
  ];
  return steps;
}
const fWritten: EntityResult = {
  entity: 'grade',
  rule: 'F',
  compositeKey: F_KEY,
  action: { ref: 'grade:action' },
  letter: 'F',
  zohoId: { ref: 'grade' },
};
const skipped = (rule: 'F' | 'RR', reason: string): EntityResult => ({
  entity: 'grade',
  rule,
  compositeKey: rule === 'F' ? F_KEY : RR_KEY,
  action: 'skipped',
  reason,
});
const rrSteps = (push: GradePush, recordId = push.zoho_grade_id): SyncStep[] => [
  {
    op: 'zoho.update',
    module: 'BTEC_Grades',
    recordId,
    values: { grade: 'RR', attemptNumber: 2, gradeStatus: 'Released' },
  },
  {
    op: 'grade_push.save',
    push: {
      composite_key: RR_KEY,
      zoho_grade_id: recordId,
      moodle_grade_id: push.moodle_grade_id,
      student_moodle_id: 71,
      course_moodle_id: 80,
      assignment_id: 90,
      student_zoho_id: STUDENT,
      class_zoho_id: push.class_zoho_id,
      letter: 'RR',
      attempt_number: 2,
      graded_at: NOW,
      due_date: DUE,
      fingerprint: `btec_rules:RR:${push.fingerprint}`,
      origin: 'btec_rules',
    },
    dashboardCopyOf: recordId,
  },
];
const rrUpdated = (zohoId = GRADE): EntityResult => ({
  entity: 'grade',
  rule: 'RR',
  compositeKey: RR_KEY,
  action: 'updated',
  letter: 'RR',
  zohoId,
});

interface Case {
  name: string;
  state: BtecRuleState;
  result: EntityResult;
  steps: SyncStep[];
}
function runCases(t: Test, cases: Case[]) {
  for (const c of cases) {
    const plan = planBtecRule(c.state);
    t.strictSame(plan.result, c.result, `${c.name}: result`);
    t.strictSame(plan.steps, c.steps, `${c.name}: steps`);
  }
}

const fCases: Case[] = [
  {
    name: 'no grade anywhere, student and class linked: F created (attempt 1, dated the due date), push and dashboard copy together',
    state: state(),
    result: fWritten,
    steps: fSteps(),
  },
  {
    name: 'our own F found again in Zoho (a retry after a crash before the push): redone on that record',
    state: state({ held: { id: HELD, letter: 'F' } }),
    result: fWritten,
    steps: fSteps({ existingId: HELD }),
  },
  {
    name: 'a record for the key with no grade in it (empty letter): F written on that record',
    state: state({ held: { id: HELD, letter: '' } }),
    result: fWritten,
    steps: fSteps({ existingId: HELD }),
  },
  {
    name: 'a record for the key whose Grade is null: F written on that record',
    state: state({ held: { id: HELD, letter: null } }),
    result: fWritten,
    steps: fSteps({ existingId: HELD }),
  },
  {
    name: 'the student found in Zoho, not linked yet and without the Moodle id: linked and written back first',
    state: state({ student: { zohoId: STUDENT, linked: false, moodleIdInZoho: null } }),
    result: fWritten,
    steps: [
      { op: 'link.save', entity: 'student', zohoId: STUDENT, moodleId: 70, fingerprint: null },
      { op: 'zoho.update', module: 'BTEC_Students', recordId: STUDENT, values: { moodleId: '70' } },
      ...fSteps(),
    ],
  },
  {
    name: 'the course is no linked class: F without the Class lookup',
    state: state({ classZohoId: null }),
    result: fWritten,
    steps: fSteps({
      fields: Object.fromEntries(Object.entries(fFields()).filter(([k]) => k !== 'class')),
      classZohoId: null,
    }),
  },
  {
    name: 'a long assignment name: the grade name cut at 255 characters',
    state: state({ action: fRule({ assignmentName: 'A'.repeat(300) }) }),
    result: fWritten,
    steps: fSteps({ fields: fFields({ gradeName: 'A'.repeat(255) }) }),
  },
  {
    name: 'graded meanwhile (a push row for the key): no F',
    state: state({ push: referred({ composite_key: F_KEY, letter: 'P' }) }),
    result: skipped('F', 'graded meanwhile (Zoho has P): no F'),
    steps: [],
  },
  {
    name: 'an F of ours already recorded (the push row): not again',
    state: state({ push: referred({ composite_key: F_KEY, letter: 'F', origin: 'btec_rules' }) }),
    result: skipped('F', 'graded meanwhile (Zoho has F): no F'),
    steps: [],
  },
  {
    name: 'a grade Zoho holds that we never wrote (entered in Zoho, or by the predecessor): never overwritten with F',
    state: state({ held: { id: HELD, letter: 'P' }, student: null }),
    result: skipped('F', `Zoho already has a grade for this key (P, record ${HELD}): no F`),
    steps: [],
  },
];

const rrCases: Case[] = [
  {
    name: 'R on attempt 1: RR, attempt 2, Released on the same record; the push row keeps everything else',
    state: state({ action: rrRule(), push: referred() }),
    result: rrUpdated(),
    steps: rrSteps(referred()),
  },
  {
    name: "the record is the push row's, not the one the rule named when it was queued",
    state: state({ action: rrRule({ zohoGradeId: '5843210000000399999' }), push: referred() }),
    result: rrUpdated(),
    steps: rrSteps(referred()),
  },
  {
    name: 'RR needs no student or class look-up: none read, none linked',
    state: state({ action: rrRule(), push: referred({ class_zoho_id: null }), student: null, classZohoId: null }),
    result: rrUpdated(),
    steps: rrSteps(referred({ class_zoho_id: null })),
  },
  {
    name: 'no grade recorded any more: no RR',
    state: state({ action: rrRule(), push: null }),
    result: skipped('RR', 'changed meanwhile (Zoho has no grade): no RR'),
    steps: [],
  },
  {
    name: 'graded Pass meanwhile: no RR',
    state: state({ action: rrRule(), push: referred({ letter: 'P' }) }),
    result: skipped('RR', 'changed meanwhile (Zoho has P, attempt 1): no RR'),
    steps: [],
  },
  {
    name: 'the second attempt referred too (R, attempt 2): no RR',
    state: state({ action: rrRule(), push: referred({ attempt_number: 2 }) }),
    result: skipped('RR', 'changed meanwhile (Zoho has R, attempt 2): no RR'),
    steps: [],
  },
  {
    name: 'RR applied already (a second delivery of the event): not again',
    state: state({ action: rrRule(), push: referred({ letter: 'RR', attempt_number: 2, origin: 'btec_rules' }) }),
    result: skipped('RR', 'changed meanwhile (Zoho has RR, attempt 2): no RR'),
    steps: [],
  },
];

t.test('F: no submission by the due date, unless someone graded', async (t) => {
  runCases(t, fCases);
});
t.test('RR: a first-attempt Refer with no second attempt, unless it changed', async (t) => {
  runCases(t, rrCases);
});

t.test('F for a Moodle user who is no Zoho student, or matches several: a person must resolve', async (t) => {
  t.throws(() => planBtecRule(state({ student: null })), {
    code: 'zoho.student_not_found',
    message: 'F for 70_80_90: Moodle user 70 is no BTEC_Students record',
  });
  t.throws(
    () =>
      planBtecRule(state({ student: { conflict: 'Moodle user 70: several BTEC_Students records (1, 2) match it' } })),
    { code: 'zoho.ambiguous', message: 'Moodle user 70: several BTEC_Students records (1, 2) match it' },
  );
  t.throws(
    () =>
      planBtecRule(
        state({
          student: { conflict: 'Moodle user 70: BTEC_Students 1 has its e-mail but belongs to Moodle user 99' },
        }),
      ),
    { code: 'zoho.conflict', message: /belongs to Moodle user 99/ },
  );
  t.strictSame(
    planBtecRule(state({ student: null, push: referred({ composite_key: F_KEY }) })).result.action,
    'skipped',
    'graded meanwhile is decided before the student is needed',
  );
});

t.test('the events the nightly rules queue are what this flow takes (btec_rule payload)', async (t) => {
  t.strictSame(btecRuleSchema.parse({ btec_rule: fRule() }).btec_rule, fRule(), 'an F action');
  t.strictSame(btecRuleSchema.parse({ btec_rule: rrRule() }).btec_rule, rrRule(), 'an RR action');
  t.throws(
    () => btecRuleSchema.parse({ btec_rule: fRule({ compositeKey: '70_80' }) }),
    { message: /must be \{userid\}_\{courseid\}_\{assignmentid\}/ },
    'a two-part key is refused',
  );
  t.throws(
    () => btecRuleSchema.parse({ btec_rule: { ...rrRule(), rule: 'X' } }),
    { name: 'ZodError' },
    'an unknown rule is refused',
  );
});

t.test('gated like grades: sync.directions.grades forbidding Moodle → Zoho vetoes the rule events', async (t) => {
  const { gate } = moodleBtecRule as unknown as Flow;
  const event = { source: 'moodle', event_type: 'btec_rule' };
  t.equal(
    gateVeto(parseSyncSettings({ 'sync.directions': { grades: 'zoho_to_moodle' } }), gate, event),
    'direction zoho_to_moodle (sync.directions.grades) does not sync Moodle → Zoho',
  );
  t.equal(gateVeto(parseSyncSettings({ 'sync.directions': { grades: 'bidirectional' } }), gate, event), null);
});

t.test('planning is pure: the same state plans the same, twice, and is left as it was', async (t) => {
  for (const c of [...fCases, ...rrCases]) {
    const before = structuredClone(c.state);
    t.strictSame(planBtecRule(c.state), planBtecRule(c.state), c.name);
    t.strictSame(c.state, before, `${c.name}: state untouched`);
  }
});
