import { randomBytes, randomInt } from 'node:crypto';
import { tokenDigest, tokenMatchesDigest } from './bearerToken.ts';

/**
 * The proof a Zoho notification callback carries: a random token per channel (Zoho allows 50
 * characters; 30 random bytes are 40 in base64url). Only its SHA-256 digest is stored, and a
 * callback's token is compared with it as bearer tokens are.
 */
export function newChannelToken(): string {
  return randomBytes(30).toString('base64url');
}

export const channelTokenDigest = tokenDigest;
export const channelTokenMatches = tokenMatchesDigest;

/** Zoho's channel ids are longs: a random one of 15 digits, unlikely to meet another app's. */
export function newChannelId(): string {
  return String(randomInt(100_000_000_000_000, 281_474_976_710_655));
}
