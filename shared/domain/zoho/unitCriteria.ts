import type { ZohoUnit } from './zohoRecordSchemas.ts';

/** One BTEC grading criterion of a unit, in the order Moodle should show it. */
export interface UnitCriterion {
  code: string; // P1 … P20, M1 … M9, D1 … D6
  level: 'pass' | 'merit' | 'distinction';
  description: string;
  sortOrder: number; // one running counter over P…, M…, D… (docs/zoho-fields.md §1.4)
}

const LEVELS = { P: 'pass', M: 'merit', D: 'distinction' } as const;

/**
 * The criteria of a unit: P1–P10 from the record, P11–P20 from the `BTEC_Grading_Template_P1`
 * subform (the predecessor's webhook path lost these, §5 #20), then M1–M9 and D1–D6. Empty
 * descriptions are skipped. If several subform rows carry the same column, the first filled
 * one wins (the subform's row layout is not in the export).
 */
export function unitCriteria(unit: ZohoUnit): UnitCriterion[] {
  const byCode = new Map<string, string>();
  const take = (code: string, description: string | null | undefined) => {
    if (description != null && description.trim() !== '' && !byCode.has(code)) byCode.set(code, description);
  };
  const fields = unit as unknown as Record<string, string | null>;
  for (let n = 1; n <= 10; n++) take(`P${n}`, fields[`p${n}Description`]);
  for (const row of unit.gradingTemplateP1) {
    const columns = row as unknown as Record<string, string | null>;
    for (let n = 11; n <= 20; n++) take(`P${n}`, columns[`p${n}Description`]);
  }
  for (let n = 1; n <= 9; n++) take(`M${n}`, fields[`m${n}Description`]);
  for (let n = 1; n <= 6; n++) take(`D${n}`, fields[`d${n}Description`]);
  return [...byCode].map(([code, description], index) => ({
    code,
    level: LEVELS[code[0] as keyof typeof LEVELS],
    description,
    sortOrder: index + 1,
  }));
}
