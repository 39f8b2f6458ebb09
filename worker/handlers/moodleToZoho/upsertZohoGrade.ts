import type { ZohoClient } from '../../../shared/clients/zoho/createZohoClient.ts';
import { ZohoDuplicateError } from '../../../shared/clients/zoho/zohoErrors.ts';

const SUBFORM = 'Learning_Outcomes_Assessm';

/**
 * Writes a BTEC_Grades record by its composite key: found through COQL (exact, no index lag)
 * and updated, else created; a create answered DUPLICATE_DATA updates the record Zoho names.
 * `learningOutcomes` replaces the LO subform; null leaves it as it is. A caller that has just
 * looked the key up passes what it found as `existingId` (a record id, or null for none).
 */
export async function upsertZohoGrade(
  zoho: ZohoClient,
  compositeKey: string,
  fields: Record<string, unknown>,
  learningOutcomes: Record<string, unknown>[] | null,
  lookedUp?: { existingId: string | null },
): Promise<{ zohoId: string; action: 'created' | 'updated'; warnings: string[] }> {
  const update = async (id: string) =>
    learningOutcomes === null
      ? (await zoho.updateOne('BTEC_Grades', { ...fields, id })).id
      : (await zoho.replaceSubform('BTEC_Grades', id, SUBFORM, learningOutcomes, fields)).id;
  // Composite keys are digits and underscores: safe inside the COQL string.
  const existingId = lookedUp
    ? lookedUp.existingId
    : ((await zoho.coql(`select id from BTEC_Grades where Moodle_Grade_Composite_Key = '${compositeKey}' limit 1`))[0]?.id ?? null);
  if (existingId) return { zohoId: await update(existingId), action: 'updated', warnings: [] };
  try {
    const record = learningOutcomes === null ? fields : { ...fields, [SUBFORM]: learningOutcomes };
    return { zohoId: (await zoho.insertOne('BTEC_Grades', record)).id, action: 'created', warnings: [] };
  } catch (error) {
    // Created meanwhile, or held by another unique field: Zoho names the record.
    if (!(error instanceof ZohoDuplicateError) || !error.existingId) throw error;
    return {
      zohoId: await update(error.existingId),
      action: 'updated',
      warnings: [`create answered DUPLICATE_DATA (${error.field ?? 'unique field'}): updated record ${error.existingId} instead`],
    };
  }
}
