/**
 * A label value from a bounded set, for values that come from outside our code (a Zoho error
 * code, a Moodle exception code): the first `limit` distinct values pass, cut to 100
 * characters, and any later new one becomes `other`, so a surprise can never grow the number
 * of series without bound.
 */
export function createBoundedLabel(limit: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    const label = value.slice(0, 100);
    if (seen.has(label)) return label;
    if (seen.size >= limit) return 'other';
    seen.add(label);
    return label;
  };
}
