import type { ZohoModuleName } from '../../../shared/domain/zoho/fieldMappings.ts';
import type { ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * Writes the Moodle id into the Zoho record's Moodle-id field when Zoho does not hold it
 * already (empty, or an old id), with `"trigger": []` so that no workflow rule fires and
 * the write does not come back as a webhook. Nothing in a dry run.
 * @returns the field written, or null.
 */
export async function writeBackMoodleId(
  run: ZohoSyncRun,
  module: ZohoModuleName,
  zohoId: string,
  field: string,
  current: string | null,
  moodleId: number,
): Promise<string | null> {
  if (current?.trim() === String(moodleId)) return null;
  if (!run.dryRun) await run.zoho.updateOne(module, { id: zohoId, [field]: String(moodleId) });
  return field;
}
