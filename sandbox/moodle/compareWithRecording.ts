export interface CompareOptions {
  /** Keys whose values may differ (ids, timestamps, generated values); their JSON type must still match. */
  volatileKeys?: ReadonlySet<string>;
  /** Applied to both strings before comparing (e.g. to replace the site address). */
  normalize?: (text: string) => string;
}

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Differences between a recorded Moodle answer and the simulator's: the same JSON types
 * everywhere, objects with the same keys in the same order, arrays of the same length
 * compared element by element, and equal values except under `volatileKeys`. An error body
 * (`exception` key) is compared exactly, `debuginfo` included. Returns one line per
 * difference, empty when they match. Pure.
 */
export function compareWithRecording(
  recorded: unknown,
  actual: unknown,
  options: CompareOptions = {},
  path = '$',
): string[] {
  const volatile = options.volatileKeys ?? new Set<string>();
  const normalize = options.normalize ?? ((text: string) => text);
  const type = jsonType(recorded);
  if (type !== jsonType(actual))
    return [`${path}: recorded ${type} ${short(recorded)}, got ${jsonType(actual)} ${short(actual)}`];
  if (type === 'array') {
    const a = recorded as unknown[];
    const b = actual as unknown[];
    if (a.length !== b.length) return [`${path}: recorded ${a.length} items, got ${b.length}`];
    return a.flatMap((item, i) => compareWithRecording(item, b[i], options, `${path}[${i}]`));
  }
  if (type === 'object') {
    const a = recorded as Record<string, unknown>;
    const b = actual as Record<string, unknown>;
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.join() !== keysB.join())
      return [`${path}: recorded keys [${keysA.join(', ')}], got [${keysB.join(', ')}]`];
    const errorBody = 'exception' in a;
    return keysA.flatMap((key) => {
      const sub = `${path}.${key}`;
      if (!errorBody && volatile.has(key) && jsonType(a[key]) !== 'object' && jsonType(a[key]) !== 'array') {
        return jsonType(a[key]) === jsonType(b[key])
          ? []
          : [`${sub}: recorded ${jsonType(a[key])}, got ${jsonType(b[key])}`];
      }
      return compareWithRecording(a[key], b[key], options, sub);
    });
  }
  const same = type === 'string' ? normalize(recorded as string) === normalize(actual as string) : recorded === actual;
  return same ? [] : [`${path}: recorded ${short(recorded)}, got ${short(actual)}`];
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
