import t from 'tap';
import { planBtecRules, type RuleFacts } from '../../../../shared/domain/grades/planBtecRules.ts';

/** The nightly BTEC rules as a pure plan: F for no submission after the due date, RR for no second attempt after a Refer. */

const NOW = 1_800_000_000;
const DAY = 86_400;
const base = (overrides: Partial<RuleFacts> = {}): RuleFacts => ({
  now: NOW,
  assignments: [{ id: 7, courseId: 6, name: 'Assignment 1', dueDate: NOW - DAY, attemptReopenMethod: 'untilpass' }],
  studentsByCourse: new Map([[6, [45]]]),
  submitted: new Set(),
  latestGrades: new Map(),
  pushes: new Map(),
  rrAfterDays: 14,
  ...overrides,
});
const refer = (gradedAt: number) =>
  new Map([['45_6_7', { letter: 'R' as const, attempt_number: 1, graded_at: gradedAt, zoho_grade_id: 'Z1' }]]);

const CASES: { name: string; facts: RuleFacts; expected: unknown[] }[] = [
  {
    name: 'past due, nothing submitted, no grade: F',
    facts: base(),
    expected: [{ rule: 'F', compositeKey: '45_6_7', userId: 45, courseId: 6, assignmentId: 7, dueDate: NOW - DAY }],
  },
  {
    name: 'an extension still running: no F yet',
    facts: base({ extensions: new Map([['7:45', NOW + DAY]]) }),
    expected: [],
  },
  {
    name: 'an extension that has passed: F dated the extension',
    facts: base({ extensions: new Map([['7:45', NOW - 10]]) }),
    expected: [{ rule: 'F', dueDate: NOW - 10 }],
  },
  {
    name: 'an extension earlier than the due date changes nothing',
    facts: base({ extensions: new Map([['7:45', NOW - 5 * DAY]]) }),
    expected: [{ rule: 'F', dueDate: NOW - DAY }],
  },
  {
    name: 'not yet due: nothing',
    facts: base({
      assignments: [{ id: 7, courseId: 6, name: 'A', dueDate: NOW + DAY, attemptReopenMethod: 'untilpass' }],
    }),
    expected: [],
  },
  {
    name: 'no due date: never F',
    facts: base({ assignments: [{ id: 7, courseId: 6, name: 'A', dueDate: 0, attemptReopenMethod: 'untilpass' }] }),
    expected: [],
  },
  { name: 'submitted but not graded yet: no F', facts: base({ submitted: new Set(['7:45']) }), expected: [] },
  {
    name: 'graded in Moodle (even if not sent yet): no F',
    facts: base({ latestGrades: new Map([['7:45', { attemptNumber: 0, grade: 2 }]]) }),
    expected: [],
  },
  {
    name: 'a grade row of −1 is no grade: F',
    facts: base({ latestGrades: new Map([['7:45', { attemptNumber: 0, grade: -1 }]]) }),
    expected: [{ rule: 'F' }],
  },
  {
    name: 'F already in Zoho: not again',
    facts: base({
      pushes: new Map([['45_6_7', { letter: 'F' as const, attempt_number: 1, graded_at: NOW, zoho_grade_id: 'Z1' }]]),
    }),
    expected: [],
  },
  {
    name: 'a student of another course is not concerned',
    facts: base({ studentsByCourse: new Map([[9, [45]]]) }),
    expected: [],
  },
  {
    name: 'R on attempt 1 graded 15 days ago, no second attempt: RR',
    facts: base({
      submitted: new Set(['7:45']),
      latestGrades: new Map([['7:45', { attemptNumber: 0, grade: 1 }]]),
      pushes: refer(NOW - 15 * DAY),
    }),
    expected: [{ rule: 'RR', compositeKey: '45_6_7', zohoGradeId: 'Z1' }],
  },
  {
    name: 'R graded 13 days ago: not yet RR',
    facts: base({ submitted: new Set(['7:45']), pushes: refer(NOW - 13 * DAY) }),
    expected: [],
  },
  {
    name: 'second attempt graded: no RR',
    facts: base({
      submitted: new Set(['7:45']),
      latestGrades: new Map([['7:45', { attemptNumber: 1, grade: 2 }]]),
      pushes: refer(NOW - 30 * DAY),
    }),
    expected: [],
  },
  {
    name: 'second attempt opened but ungraded (−1): RR',
    facts: base({
      submitted: new Set(['7:45']),
      latestGrades: new Map([['7:45', { attemptNumber: 1, grade: -1 }]]),
      pushes: refer(NOW - 30 * DAY),
    }),
    expected: [{ rule: 'RR' }],
  },
  {
    name: 'second attempt submitted, not marked yet: no RR',
    facts: base({ submitted: new Set(['7:45']), resubmitted: new Set(['7:45']), pushes: refer(NOW - 30 * DAY) }),
    expected: [],
  },
  {
    name: 'no re-open allowed (none): no RR',
    facts: base({
      assignments: [{ id: 7, courseId: 6, name: 'A', dueDate: NOW - DAY, attemptReopenMethod: 'none' }],
      submitted: new Set(['7:45']),
      pushes: refer(NOW - 30 * DAY),
    }),
    expected: [],
  },
  {
    name: 'P on attempt 1: no RR',
    facts: base({
      submitted: new Set(['7:45']),
      pushes: new Map([
        ['45_6_7', { letter: 'P' as const, attempt_number: 1, graded_at: NOW - 30 * DAY, zoho_grade_id: 'Z1' }],
      ]),
    }),
    expected: [],
  },
  {
    name: 'RR already: not again',
    facts: base({
      submitted: new Set(['7:45']),
      pushes: new Map([
        ['45_6_7', { letter: 'RR' as const, attempt_number: 2, graded_at: NOW - 30 * DAY, zoho_grade_id: 'Z1' }],
      ]),
    }),
    expected: [],
  },
  {
    name: 'rrAfterDays 0: RR as soon as the Refer is in',
    facts: base({ submitted: new Set(['7:45']), pushes: refer(NOW - 1), rrAfterDays: 0 }),
    expected: [{ rule: 'RR' }],
  },
];

t.test('planBtecRules', async (t) => {
  for (const c of CASES) {
    const actions = planBtecRules(c.facts);
    t.equal(actions.length, c.expected.length, `${c.name}: ${c.expected.length} action(s)`);
    t.match(actions, c.expected, c.name);
  }
});

t.test('many students and assignments: one action per student and assignment at most', async (t) => {
  const assignments = [1, 2, 3].map((id) => ({
    id,
    courseId: 6,
    name: `A${id}`,
    dueDate: NOW - DAY,
    attemptReopenMethod: 'untilpass',
  }));
  const students = Array.from({ length: 30 }, (_, i) => 100 + i);
  const actions = planBtecRules(
    base({
      assignments,
      studentsByCourse: new Map([[6, students]]),
      submitted: new Set(students.filter((s) => s % 2 === 0).map((s) => `2:${s}`)),
    }),
  );
  t.equal(actions.length, 30 * 3 - 15, 'everyone gets F except the even students on assignment 2');
  t.equal(new Set(actions.map((a) => a.compositeKey)).size, actions.length);
});
