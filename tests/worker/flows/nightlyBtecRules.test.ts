// The nightly BTEC rules as a plan: facts → one btec_rule event per action. Pure: no database, no simulators.
// Which actions the rules take is tests/shared/domain/grades/planBtecRules.test.ts; here, what this flow makes of them.
import t from 'tap';
import type { RuleFacts } from '../../../shared/domain/grades/planBtecRules.ts';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import type { SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import { btecRuleSchema, planBtecRule } from '../../../worker/flows/moodleBtecRule.ts';
import { btecRulesVeto, planNightlyBtecRules } from '../../../worker/flows/nightlyBtecRules.ts';

const NOW = 1_800_000_000; // 2027-01-15 08:00 UTC
const DAY = 86_400;
const facts = (over: Partial<RuleFacts> = {}): RuleFacts => ({
  now: NOW,
  assignments: [{ id: 7, courseId: 6, name: 'Assignment 1', dueDate: NOW - DAY, attemptReopenMethod: 'untilpass' }],
  studentsByCourse: new Map([[6, [45]]]),
  submitted: new Set(),
  latestGrades: new Map(),
  pushes: new Map(),
  rrAfterDays: 14,
  ...over,
});
const referred = (key: string, gradedAt = NOW - 30 * DAY) =>
  [key, { letter: 'R' as const, attempt_number: 1, graded_at: gradedAt, zoho_grade_id: 'Z1' }] as const;

const fAction = (over: Record<string, unknown> = {}) => ({
  rule: 'F',
  compositeKey: '45_6_7',
  userId: 45,
  courseId: 6,
  assignmentId: 7,
  assignmentName: 'Assignment 1',
  dueDate: NOW - DAY,
  ...over,
});
const rrAction = (over: Record<string, unknown> = {}) => ({
  rule: 'RR',
  compositeKey: '45_6_7',
  userId: 45,
  courseId: 6,
  assignmentId: 7,
  assignmentName: 'Assignment 1',
  zohoGradeId: 'Z1',
  ...over,
});
/**
 * The event the grade flow applies (worker/flows/moodleBtecRule.ts): one per rule, key and day,
 * dated when the rules read Moodle (`decidedAt`: a grade given after that wins over the rule).
 */
const queued = (action: { rule: unknown; compositeKey: unknown }, day = '2027-01-15', decidedAt = NOW): SyncStep => ({
  op: 'event.queue',
  event: {
    kind: 'moodle.grade',
    module: 'BTEC_Grades',
    eventId: `btec-rule:${String(action.rule)}:${String(action.compositeKey)}:${day}`,
    eventType: 'btec_rule',
    recordId: String(action.compositeKey),
    payload: { btec_rule: { ...action, decidedAt } },
  },
});

const cases: { name: string; facts: RuleFacts; planned: { F: number; RR: number }; steps: SyncStep[] }[] = [
  {
    name: 'no action: nothing planned, nothing queued',
    facts: facts({ submitted: new Set(['7:45']) }),
    planned: { F: 0, RR: 0 },
    steps: [],
  },
  {
    name: 'no student enrolled: nothing queued',
    facts: facts({ studentsByCourse: new Map() }),
    planned: { F: 0, RR: 0 },
    steps: [],
  },
  {
    name: 'past due with nothing submitted: one F event, the action as its payload',
    facts: facts(),
    planned: { F: 1, RR: 0 },
    steps: [queued(fAction())],
  },
  {
    name: 'an extension that has passed: the F event carries the extension as the due date',
    facts: facts({ extensions: new Map([['7:45', NOW - 10]]) }),
    planned: { F: 1, RR: 0 },
    steps: [queued(fAction({ dueDate: NOW - 10 }))],
  },
  {
    name: 'a Refer with no second attempt: one RR event naming the Zoho grade',
    facts: facts({ submitted: new Set(['7:45']), pushes: new Map([referred('45_6_7')]) }),
    planned: { F: 0, RR: 1 },
    steps: [queued(rrAction())],
  },
  {
    name: 'F and RR in one course: counted apart, queued in the order of the students',
    facts: facts({
      studentsByCourse: new Map([[6, [45, 46, 47]]]),
      submitted: new Set(['7:46', '7:47']),
      pushes: new Map([referred('46_6_7')]),
    }),
    planned: { F: 1, RR: 1 },
    steps: [queued(fAction()), queued(rrAction({ compositeKey: '46_6_7', userId: 46 }))],
  },
  {
    name: 'two assignments of two courses: queued assignment by assignment, each with its own key',
    facts: facts({
      assignments: [
        { id: 7, courseId: 6, name: 'Assignment 1', dueDate: NOW - DAY, attemptReopenMethod: 'untilpass' },
        { id: 8, courseId: 9, name: 'Finance report', dueDate: NOW - 2 * DAY, attemptReopenMethod: 'none' },
      ],
      studentsByCourse: new Map([
        [6, [45]],
        [9, [45, 50]],
      ]),
    }),
    planned: { F: 3, RR: 0 },
    steps: [
      queued(fAction()),
      queued(
        fAction({
          compositeKey: '45_9_8',
          courseId: 9,
          assignmentId: 8,
          assignmentName: 'Finance report',
          dueDate: NOW - 2 * DAY,
        }),
      ),
      queued(
        fAction({
          compositeKey: '50_9_8',
          userId: 50,
          courseId: 9,
          assignmentId: 8,
          assignmentName: 'Finance report',
          dueDate: NOW - 2 * DAY,
        }),
      ),
    ],
  },
  {
    name: 'the day in the event id is the night the rules run (UTC), not the due date',
    facts: facts({
      now: 1_800_057_599,
      assignments: [
        { id: 7, courseId: 6, name: 'Assignment 1', dueDate: NOW - 10 * DAY, attemptReopenMethod: 'untilpass' },
      ],
    }),
    planned: { F: 1, RR: 0 },
    steps: [queued(fAction({ dueDate: NOW - 10 * DAY }), '2027-01-15', 1_800_057_599)],
  },
];

t.test('planNightlyBtecRules: one btec_rule event per action, counted by rule', async (t) => {
  for (const c of cases) {
    t.strictSame(planNightlyBtecRules(c.facts), { planned: c.planned, steps: c.steps }, c.name);
  }
});

t.test('a second run the same night queues the same event ids (recorded once); the next night, new ones', async (t) => {
  const ids = (now: number) =>
    planNightlyBtecRules(facts({ now })).steps.map((s) => (s.op === 'event.queue' ? s.event.eventId : s.op));
  t.strictSame(ids(NOW), ['btec-rule:F:45_6_7:2027-01-15'], 'in the morning');
  t.strictSame(ids(1_800_057_599), ids(NOW), 'the same day, one second before midnight UTC: the same id');
  t.strictSame(ids(1_800_057_600), ['btec-rule:F:45_6_7:2027-01-16'], 'the next day (UTC): another id');
});

t.test('every queued payload is what the btec_rule flow takes, and it plans the rule from it', async (t) => {
  const { steps } = planNightlyBtecRules(
    facts({
      studentsByCourse: new Map([[6, [45, 46]]]),
      submitted: new Set(['7:46']),
      pushes: new Map([referred('46_6_7')]),
    }),
  );
  t.equal(steps.length, 2, 'an F and an RR');
  for (const step of steps) {
    if (step.op !== 'event.queue') throw new Error(`unexpected step ${step.op}`);
    const parsed = btecRuleSchema.parse(step.event.payload);
    t.strictSame(parsed, step.event.payload, `${step.event.eventId}: parsed as it is`);
    t.equal(step.event.recordId, parsed.btec_rule.compositeKey, 'the record is the composite key (its lock)');
  }
  const f = steps[0]!.op === 'event.queue' ? btecRuleSchema.parse(steps[0]!.event.payload).btec_rule : null;
  const plan = planBtecRule({
    action: f!,
    push: null,
    now: NOW,
    held: null,
    student: { zohoId: '5843210000000100045', linked: true },
    classZohoId: null,
  });
  t.match(
    plan.steps[0],
    { op: 'zoho.upsert_grade', compositeKey: '45_6_7', fields: { grade: 'F', attemptDate: '2027-01-14' } },
    "the F is dated the due date, the night's date is only in the event id",
  );
});

t.test('btecRulesVeto: the rules are gated as grades are', async (t) => {
  const grades = (over: Record<string, unknown>) =>
    ({ points_thresholds: { D: 70, M: 60, P: 40 }, iv_role_shortname: 'internalverifier', ...over }) as const;
  const vetoes: { name: string; values: Record<string, unknown>; moodle?: boolean; veto: string | null }[] = [
    { name: 'defaults, Moodle configured: they run', values: {}, veto: null },
    {
      name: 'grades.btec_rules_enabled false',
      values: { grades: grades({ btec_rules_enabled: false }) },
      veto: 'grades.btec_rules_enabled is false',
    },
    {
      name: 'BTEC_Grades disabled',
      values: { 'modules.enabled': { BTEC_Grades: false } },
      veto: 'modules.enabled.BTEC_Grades is false',
    },
    {
      name: 'grades flowing Zoho → Moodle only',
      values: { 'sync.directions': { grades: 'zoho_to_moodle' } },
      veto: 'sync.directions.grades is zoho_to_moodle',
    },
    {
      name: 'grades disabled',
      values: { 'sync.directions': { grades: 'disabled' } },
      veto: 'sync.directions.grades is disabled',
    },
    {
      name: 'grades bidirectional',
      values: { 'sync.directions': { grades: 'bidirectional' } },
      veto: null,
    },
    {
      name: 'another direction forbidding Moodle → Zoho does not concern the rules',
      values: { 'sync.directions': { grades: 'moodle_to_zoho', enrollments: 'zoho_to_moodle' } },
      veto: null,
    },
    { name: 'Moodle not configured', values: {}, moodle: false, veto: 'Moodle is not configured' },
    {
      name: 'the switch off is reported before Moodle missing',
      values: { grades: grades({ btec_rules_enabled: false }) },
      moodle: false,
      veto: 'grades.btec_rules_enabled is false',
    },
  ];
  for (const v of vetoes) t.equal(btecRulesVeto(parseSyncSettings(v.values), v.moodle ?? true), v.veto, v.name);
});

t.test('planning is pure: the same facts plan the same, twice', async (t) => {
  for (const c of cases) t.strictSame(planNightlyBtecRules(c.facts), planNightlyBtecRules(c.facts), c.name);
});
