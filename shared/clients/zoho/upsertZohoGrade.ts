import type { ZohoClient } from './createZohoClient.ts';
import { coqlString } from './createZohoClient.ts';
import { ZohoDuplicateError } from './zohoErrors.ts';
import type { ZohoLearningOutcomeValues } from '../../domain/grades/mapGradeToZohoRecord.ts';
import type { ZohoWriteValues } from '../../domain/zoho/zohoFieldNames.ts';

/** The BTEC_Grades record holding `compositeKey`, under the org's name of the key field (COQL: exact, no index lag). */
export async function findZohoGrade(
  zoho: ZohoClient,
  compositeKey: string,
  also: 'grade'[] = [],
): Promise<(Record<string, unknown> & { id: string }) | null> {
  const f = zoho.fields;
  const columns = ['id', ...also.map((property) => f.name('BTEC_Grades', property))].join(', ');
  const [row] = await zoho.coql(
    `select ${columns} from BTEC_Grades where ${f.name('BTEC_Grades', 'compositeKey')} = ${coqlString(compositeKey)} limit 1`,
  );
  return row ?? null;
}

/**
 * Writes a BTEC_Grades record by its composite key: found through COQL (exact, no index lag)
 * and updated, else created; a create answered DUPLICATE_DATA updates the record Zoho names.
 * `fields` and `learningOutcomes` are canonical properties, written under the org's API names.
 * `learningOutcomes` replaces the LO subform; null leaves it as it is. A caller that has just
 * looked the key up passes what it found as `existingId` (a record id, or null for none).
 */
export async function upsertZohoGrade(
  zoho: ZohoClient,
  compositeKey: string,
  fields: ZohoWriteValues<'BTEC_Grades'>,
  learningOutcomes: ZohoLearningOutcomeValues[] | null,
  lookedUp?: { existingId: string | null },
): Promise<{ zohoId: string; action: 'created' | 'updated'; warnings: string[] }> {
  const body = zoho.fields.record('BTEC_Grades', fields);
  const subform = zoho.fields.name('BTEC_Grades', 'learningOutcomes');
  // The rows under the org's column names (record() renames a subform's rows with it).
  const rows =
    learningOutcomes === null
      ? null
      : (zoho.fields.record('BTEC_Grades', { learningOutcomes })[subform] as Record<string, unknown>[]);
  const update = async (id: string) =>
    rows === null
      ? (await zoho.updateOne('BTEC_Grades', { ...body, id })).id
      : (await zoho.replaceSubform('BTEC_Grades', id, subform, rows, body)).id;
  const existingId = lookedUp ? lookedUp.existingId : ((await findZohoGrade(zoho, compositeKey))?.id ?? null);
  if (existingId) return { zohoId: await update(existingId), action: 'updated', warnings: [] };
  try {
    const record = rows === null ? body : { ...body, [subform]: rows };
    return { zohoId: (await zoho.insertOne('BTEC_Grades', record)).id, action: 'created', warnings: [] };
  } catch (error) {
    // Created meanwhile, or held by another unique field: Zoho names the record.
    if (!(error instanceof ZohoDuplicateError) || !error.existingId) throw error;
    return {
      zohoId: await update(error.existingId),
      action: 'updated',
      warnings: [
        `create answered DUPLICATE_DATA (${error.field ?? 'unique field'}): updated record ${error.existingId} instead`,
      ],
    };
  }
}
