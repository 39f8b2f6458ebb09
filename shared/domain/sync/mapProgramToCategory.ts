import type { ZohoProgram } from '../zoho/zohoRecordSchemas.ts';

/** The course category a Zoho program (Products) should have. */
export interface DesiredCategory {
  name: string;
  idnumber: string;
  /** `MoodleID` of the program: an existing category the college already made for it. */
  existingCategoryId: number | null;
}

export function mapProgramToCategory(program: ZohoProgram): DesiredCategory {
  const existing = program.moodleCategoryId?.trim();
  return {
    name: program.name.trim(),
    idnumber: program.id,
    existingCategoryId: existing && /^[1-9]\d{0,14}$/.test(existing) ? Number(existing) : null,
  };
}
