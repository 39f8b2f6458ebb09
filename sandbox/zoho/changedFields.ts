import { isDeepStrictEqual } from 'node:util';

/** Fields Zoho maintains itself: a write always moves them, so they are not "affected". */
const SYSTEM_FIELDS = new Set([
  'id',
  'Created_Time',
  'Created_By',
  'Modified_Time',
  'Modified_By',
  'Last_Activity_Time',
]);

/**
 * The API names of the fields whose values differ between two versions of a record (deep compare; a missing
 * field equals null), leaving out system fields and `$`-prefixed meta keys. What the simulator sends as a
 * callback's `affected_fields` for an update.
 */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter(
    (name) =>
      !SYSTEM_FIELDS.has(name) &&
      !name.startsWith('$') &&
      !isDeepStrictEqual(before[name] ?? null, after[name] ?? null),
  );
}
