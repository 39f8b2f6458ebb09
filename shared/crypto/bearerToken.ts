import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the configured shared secret in
 * constant time. Both sides are hashed first so that their lengths never differ
 * (timingSafeEqual throws on unequal lengths, which would leak the length).
 */
export function createBearerTokenVerifier(expectedToken: string) {
  const expected = digest(expectedToken);
  return function verifyBearerToken(authorization: string | undefined): boolean {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return false;
    return timingSafeEqual(digest(match[1]), expected);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
