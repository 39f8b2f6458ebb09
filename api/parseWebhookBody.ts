import express, { type Request } from 'express';
import { HttpError } from './httpError.ts';

export type BodyFormat = 'json' | 'form';

/**
 * Reads the body as raw bytes, for any content type (checked before), up to `limit`
 * (413 beyond). The signature covers these exact bytes. Senders post plain JSON: a
 * compressed body is refused (415), never inflated.
 */
export function rawWebhookBody(limit: number) {
  return express.raw({ type: () => true, limit, inflate: false });
}

/**
 * Which body formats a route takes, decided from Content-Type before the body is read.
 * @throws HttpError 415 for anything else.
 */
export function requireContentType(req: Request, allowed: readonly BodyFormat[]): BodyFormat {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (allowed.includes('json') && (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type))) {
    return 'json';
  }
  if (allowed.includes('form') && type === 'application/x-www-form-urlencoded') return 'form';
  throw new HttpError(
    415,
    'unsupported_media_type',
    `Content-Type must be ${allowed.map((f) => (f === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')).join(' or ')}`,
  );
}

/**
 * Parses the raw (already verified) body into a plain object.
 * @throws HttpError 400 when it is not valid UTF-8 JSON / form data or not an object.
 */
export function parseWebhookBody(raw: Buffer, format: BodyFormat): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new HttpError(400, 'invalid_body', 'body is not valid UTF-8');
  }
  let value: unknown;
  if (format === 'form') {
    value = Object.fromEntries(new URLSearchParams(text));
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_body', 'body must be a JSON object');
  }
  assertStorable(value, 0);
  return value as Record<string, unknown>;
}

/** Deeper than any real envelope; also keeps serialising the payload off the stack limit. */
export const MAX_BODY_DEPTH = 32;

/**
 * PostgreSQL's jsonb cannot hold U+0000 or unpaired UTF-16 surrogates, in values or in
 * keys: such a body would fail at insert time (a 5xx the sender retries forever), so it
 * is refused here as the client error it is.
 * @throws HttpError 400.
 */
function assertStorable(value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (!isStorableString(value)) throw unstorable();
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_BODY_DEPTH) {
    throw new HttpError(400, 'invalid_body', `body is nested more than ${MAX_BODY_DEPTH} levels deep`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableString(key)) throw unstorable();
    assertStorable(item, depth + 1);
  }
}

function isStorableString(text: string): boolean {
  return text.isWellFormed() && !text.includes('\u0000');
}

function unstorable(): HttpError {
  return new HttpError(
    400,
    'invalid_body',
    'body contains a NUL character or an unpaired surrogate, which cannot be stored',
  );
}
