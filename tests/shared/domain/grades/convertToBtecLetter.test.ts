import t from 'tap';
import {
  convertToBtecLetter,
  isBtecScale,
  type BtecConversion,
} from '../../../../shared/domain/grades/convertToBtecLetter.ts';
import type { MoodleGradeData } from '../../../../shared/domain/moodle/moodleEventData.ts';

/** Moodle grade → Zoho `Grade` letter (docs/design.md "Moodle → Zoho"), table-driven. */

type GradeFields = Pick<
  MoodleGradeData,
  'grade' | 'grade_type' | 'grade_max' | 'grade_label' | 'scale_items' | 'grading_method'
>;
const THRESHOLDS = { D: 70, M: 60, P: 40 };
const BTEC_ITEMS = ['Refer', 'Pass', 'Merit', 'Distinction'];

const btecMethod = (grade: string | null): GradeFields => ({
  grade,
  grade_type: 'points',
  grade_max: '4',
  grade_label: null,
  scale_items: null,
  grading_method: 'btec',
});
const btecScale = (grade: string | null, label: string | null = null): GradeFields => ({
  grade,
  grade_type: 'scale',
  grade_max: '4',
  grade_label: label,
  scale_items: BTEC_ITEMS,
  grading_method: null,
});
const points = (grade: string | null, max = '100'): GradeFields => ({
  grade,
  grade_type: 'points',
  grade_max: max,
  grade_label: null,
  scale_items: null,
  grading_method: null,
});

const CASES: {
  name: string;
  input: GradeFields;
  thresholds?: typeof THRESHOLDS;
  expected: Partial<BtecConversion> & { letter: string | null };
}[] = [
  // BTEC grading method / scale: 0 ⇒ F, below 2 ⇒ R, then P, M, D
  {
    name: 'btec method 0 is F (nothing achieved)',
    input: btecMethod('0.00000'),
    expected: { letter: 'F', basis: 'btec_scale' },
  },
  { name: 'btec method 1 (Refer) is R', input: btecMethod('1.00000'), expected: { letter: 'R' } },
  { name: 'btec method 1.99 is still R', input: btecMethod('1.99'), expected: { letter: 'R' } },
  { name: 'btec method 2 (Pass) is P', input: btecMethod('2'), expected: { letter: 'P' } },
  { name: 'btec method 3 (Merit) is M', input: btecMethod('3'), expected: { letter: 'M' } },
  { name: 'btec method 4 (Distinction) is D', input: btecMethod('4'), expected: { letter: 'D' } },
  { name: 'BTEC scale item 1 is R', input: btecScale('1', 'Refer'), expected: { letter: 'R', basis: 'btec_scale' } },
  { name: 'BTEC scale item 3 is M', input: btecScale('3', 'Merit'), expected: { letter: 'M' } },
  { name: 'BTEC scale 0 is F', input: btecScale('0'), expected: { letter: 'F' } },
  {
    name: 'ungraded on the BTEC method is skipped, not a Refer',
    input: btecMethod(null),
    expected: { letter: null, reason: 'no grade given (an ungraded submission is not a Refer)' },
  },
  // Another scale: the chosen item's word
  {
    name: 'a scale with a Merit item',
    input: { ...btecScale('2', 'Merit'), scale_items: ['Not yet', 'Merit', 'Other'] },
    expected: { letter: 'M', basis: 'btec_label' },
  },
  {
    name: 'a scale with a non-BTEC item is skipped',
    input: { ...btecScale('1', 'Competent'), scale_items: ['Competent', 'Not competent'] },
    expected: { letter: null },
  },
  // Points: percentage of the maximum, clamped, bounds inclusive
  { name: 'points 70/100 is D (inclusive)', input: points('70'), expected: { letter: 'D', basis: 'points' } },
  { name: 'points 69.99999/100 is M', input: points('69.99999'), expected: { letter: 'M' } },
  { name: 'points 60/100 is M (inclusive)', input: points('60.00000'), expected: { letter: 'M' } },
  { name: 'points 59.99/100 is P', input: points('59.99'), expected: { letter: 'P' } },
  { name: 'points 40/100 is P (inclusive)', input: points('40'), expected: { letter: 'P' } },
  { name: 'points 39.99999/100 is R', input: points('39.99999'), expected: { letter: 'R' } },
  { name: 'points 0 is R (a points grade is never F)', input: points('0'), expected: { letter: 'R' } },
  {
    name: 'points above the maximum clamp to 100 %: D',
    input: points('120'),
    expected: { letter: 'D', percentage: 100 },
  },
  { name: 'negative points clamp to 0 %: R', input: points('-5'), expected: { letter: 'R', percentage: 0 } },
  { name: '14/20 = 70 % exactly is D (no float rounding)', input: points('14', '20'), expected: { letter: 'D' } },
  { name: '13.93/19.9 = 70 % exactly is D', input: points('13.93', '19.9'), expected: { letter: 'D' } },
  { name: 'custom thresholds', input: points('75'), thresholds: { D: 80, M: 75, P: 50 }, expected: { letter: 'M' } },
  { name: 'ungraded points grade is skipped', input: points(null), expected: { letter: null } },
  {
    name: 'a points grade without a maximum is skipped',
    input: points('5', '0'),
    expected: { letter: null, reason: 'points grade without a positive maximum' },
  },
  {
    name: 'grade type none is skipped',
    input: { ...points('1'), grade_type: 'none' },
    expected: { letter: null, reason: 'grade type none has no BTEC letter' },
  },
];

t.test('convertToBtecLetter', async (t) => {
  for (const c of CASES) t.match(convertToBtecLetter(c.input, c.thresholds ?? THRESHOLDS), c.expected, c.name);
});

t.test('isBtecScale: exactly Refer, Pass, Merit, Distinction in that order', async (t) => {
  t.ok(isBtecScale(BTEC_ITEMS));
  t.ok(isBtecScale(['refer', ' Pass ', 'MERIT', 'Distinction!']));
  t.notOk(isBtecScale(['Pass', 'Refer', 'Merit', 'Distinction']), 'order matters: the grade is the item index');
  t.notOk(isBtecScale(['Refer', 'Pass', 'Merit']));
  t.notOk(isBtecScale(null));
});
