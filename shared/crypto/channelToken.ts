import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The proof a Zoho notification callback carries: a random token per channel (Zoho allows 50
 * characters; 30 random bytes are 40 in base64url). Only its SHA-256 digest is stored.
 */
export function newChannelToken(): string {
  return randomBytes(30).toString('base64url');
}

export function channelTokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant time: both sides are digests of equal length, whatever the callback sent. */
export function channelTokenMatches(token: string, expectedDigest: Buffer): boolean {
  const digest = channelTokenDigest(token);
  return digest.length === expectedDigest.length && timingSafeEqual(digest, expectedDigest);
}

/** Zoho's channel ids are longs: a random one of 15 digits, unlikely to meet another app's. */
export function newChannelId(): string {
  return String(randomInt(100_000_000_000_000, 281_474_976_710_655));
}
