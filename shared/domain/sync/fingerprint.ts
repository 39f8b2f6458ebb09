import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two equal models always serialise the
 * same (JSON.stringify keeps insertion order). `undefined` properties are dropped, as JSON does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** SHA-256 (hex) of the canonical JSON of a model: equal models, equal fingerprints. */
export function fingerprint(model: unknown): string {
  return createHash('sha256').update(canonicalJson(model)).digest('hex');
}
