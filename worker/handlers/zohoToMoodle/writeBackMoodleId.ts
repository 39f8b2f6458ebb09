import type { ZohoModuleName } from '../../../shared/domain/zoho/fieldMappings.ts';
import type { ZohoProperty } from '../../../shared/domain/zoho/zohoFieldNames.ts';
import type { ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * Writes the Moodle id into the Zoho record's Moodle-id field (`property`, under the org's API
 * name) when Zoho does not hold it already (empty, or an old id), with `"trigger": []` so that
 * no workflow rule fires and the write does not come back as a webhook. Nothing in a dry run.
 * @returns the API name of the field written, or null.
 */
export async function writeBackMoodleId<M extends ZohoModuleName>(
  run: ZohoSyncRun,
  module: M,
  zohoId: string,
  property: ZohoProperty<M>,
  current: string | null,
  moodleId: number,
): Promise<string | null> {
  if (current?.trim() === String(moodleId)) return null;
  const values = { [property]: String(moodleId) } as Partial<Record<ZohoProperty<M>, unknown>>;
  if (!run.dryRun) await run.zoho.updateOne(module, { id: zohoId, ...run.zoho.fields.record(module, values) });
  return run.zoho.fields.name(module, property);
}
