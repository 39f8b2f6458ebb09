import type { Request } from 'express';
import { HttpError } from './httpError.ts';

export type BodyFormat = 'json' | 'form';

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
  if (format === 'form') return Object.fromEntries(new URLSearchParams(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_body', 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
