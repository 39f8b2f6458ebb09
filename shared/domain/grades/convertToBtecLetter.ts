import type { MoodleGradeData } from '../moodle/moodleEventData.ts';

/** Every letter the service writes to Zoho's `Grade` picklist (RR and F by the nightly BTEC rules). */
export const BTEC_LETTERS = ['D', 'M', 'P', 'R', 'RR', 'F'] as const;
export type BtecLetter = (typeof BTEC_LETTERS)[number];

/** Percentages (of the maximum) from which a points grade is D, M, P (`grades.points_thresholds`). */
export interface PointsThresholds {
  D: number;
  M: number;
  P: number;
}

export type BtecConversion =
  | { letter: BtecLetter; basis: 'btec_scale' | 'btec_label' | 'points'; percentage?: number }
  | { letter: null; reason: string };

/** Scale item words → letter; the college's BTEC scale is Refer, Pass, Merit, Distinction. */
const WORDS: Record<string, BtecLetter> = {
  refer: 'R',
  referral: 'R',
  pass: 'P',
  merit: 'M',
  distinction: 'D',
  fail: 'F',
};

const wordLetter = (label: string | null | undefined): BtecLetter | undefined =>
  label
    ? WORDS[
        label
          .trim()
          .toLowerCase()
          .replace(/[^a-z]/g, '')
      ]
    : undefined;

/** Whether a scale's items, in order, are Refer, Pass, Merit, Distinction. */
export function isBtecScale(items: readonly string[] | null): boolean {
  if (!items || items.length !== 4) return false;
  return items.map(wordLetter).join(',') === 'R,P,M,D';
}

/**
 * A Moodle grade → the letter of Zoho's `Grade` picklist (docs/design.md "Moodle → Zoho"):
 * - on the BTEC grading method or the BTEC scale (Refer 1, Pass 2, Merit 3, Distinction 4):
 *   0 ⇒ F, below 2 ⇒ R, below 3 ⇒ P, below 4 ⇒ M, else D;
 * - on another scale whose chosen item is a BTEC word (Merit…): that word's letter;
 * - on points: the percentage of the maximum, clamped to 0–100, ≥ D ⇒ D, ≥ M ⇒ M, ≥ P ⇒ P,
 *   else R (bounds inclusive);
 * - no grade at all is not a Refer: no letter, with the reason.
 */
export function convertToBtecLetter(
  grade: Pick<MoodleGradeData, 'grade' | 'grade_type' | 'grade_max' | 'grade_label' | 'scale_items' | 'grading_method'>,
  thresholds: PointsThresholds,
): BtecConversion {
  if (grade.grade === null) return { letter: null, reason: 'no grade given (an ungraded submission is not a Refer)' };
  const value = Number(grade.grade);
  if (grade.grading_method === 'btec' || (grade.grade_type === 'scale' && isBtecScale(grade.scale_items))) {
    const letter: BtecLetter = value <= 0 ? 'F' : value < 2 ? 'R' : value < 3 ? 'P' : value < 4 ? 'M' : 'D';
    return { letter, basis: 'btec_scale' };
  }
  if (grade.grade_type === 'scale') {
    const letter = wordLetter(grade.grade_label);
    if (letter) return { letter, basis: 'btec_label' };
    return {
      letter: null,
      reason: `scale item "${grade.grade_label ?? ''}" is not a BTEC grade (Refer, Pass, Merit, Distinction)`,
    };
  }
  if (grade.grade_type === 'points') {
    const max = grade.grade_max === null ? 0n : scaled(grade.grade_max);
    if (max <= 0n) return { letter: null, reason: 'points grade without a positive maximum' };
    // Exact decimal arithmetic: 69.995 of 100 must not become 70 through a float.
    const given = scaled(grade.grade);
    const points = given < 0n ? 0n : given > max ? max : given; // clamped to 0–100 %
    const reaches = (threshold: number) => points * 100n * UNIT >= scaled(String(threshold)) * max;
    const letter: BtecLetter = reaches(thresholds.D)
      ? 'D'
      : reaches(thresholds.M)
        ? 'M'
        : reaches(thresholds.P)
          ? 'P'
          : 'R';
    return { letter, basis: 'points', percentage: Math.min(100, Math.max(0, (value / Number(grade.grade_max)) * 100)) };
  }
  return { letter: null, reason: `grade type ${grade.grade_type} has no BTEC letter` };
}

const SCALE = 12;
const UNIT = 10n ** BigInt(SCALE);

/** A decimal string as an integer of 10^-12 units (exact for the decimals Moodle sends). */
function scaled(decimal: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) return 0n;
  const fraction = (match[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const magnitude = BigInt(match[2]!) * UNIT + BigInt(fraction);
  return match[1] ? -magnitude : magnitude;
}
