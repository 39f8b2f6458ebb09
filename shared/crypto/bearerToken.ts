import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the configured shared secret in
 * constant time. Both sides are hashed first so that their lengths never differ
 * (timingSafeEqual throws on unequal lengths, which would leak the length).
 */
export function createBearerTokenVerifier(expectedToken: string) {
  const expected = tokenDigest(expectedToken);
  return function verifyBearerToken(authorization: string | undefined): boolean {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return false;
    return tokenMatchesDigest(match[1], expected);
  };
}

/** SHA-256 of a token: what is compared (and, for Zoho channel tokens, all that is stored). */
export function tokenDigest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant time, whatever the length of what was sent: both sides are digests. */
export function tokenMatchesDigest(token: string, expectedDigest: Buffer): boolean {
  const actual = tokenDigest(token);
  return actual.length === expectedDigest.length && timingSafeEqual(actual, expectedDigest);
}
