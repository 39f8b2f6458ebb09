import type { IdOrRef, SyncStep } from './syncPlan.ts';

/**
 * Writing the Moodle id into the Zoho record's Moodle-id field (`property`) when Zoho does not hold
 * it already (empty, or an old id). The client writes with `"trigger": []`, so no workflow rule
 * fires and the write does not come back as a webhook.
 * @returns the step, or null when Zoho has the id.
 */
export function planWriteBack(
  module: string,
  zohoId: string,
  property: string,
  current: string | null,
  moodleId: IdOrRef,
): SyncStep | null {
  if (typeof moodleId === 'number' && current?.trim() === String(moodleId)) return null;
  const value = typeof moodleId === 'number' ? String(moodleId) : { ...moodleId, asString: true as const };
  return { op: 'zoho.update', module, recordId: zohoId, values: { [property]: value } };
}
