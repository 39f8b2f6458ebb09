/**
 * The text a search/COQL comparison sees for a field value: strings as they are, numbers and booleans
 * as text, a lookup `{name, id}` as its id (COQL `Field = 'id'`), null/undefined as null.
 * `path` may be dotted (`Student.id`, `Owner.name`).
 */
export function fieldText(record: Record<string, unknown>, path: string): string | null {
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[part];
  }
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && !Array.isArray(value) && 'id' in value) return String((value as { id: unknown }).id);
  if (Array.isArray(value)) return value.map(String).join(';');
  return String(value);
}
