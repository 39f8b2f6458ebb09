import type { ZohoScalarFieldSpec } from './fieldMappings.ts';
import { MoneyFormatError, parseMoney } from './parseMoney.ts';

/**
 * Reads one scalar Zoho field value as its mapping type says. Failures carry a reason that
 * names what is wrong, never the value (values are personal data: names, e-mails, phones).
 *
 * Empty values: `null`, a missing key, `""` (or only whitespace) and the picklist choice
 * `-None-` all read as null; a `required` field that is empty fails.
 */

/** A lookup as Zoho sends it (`{ name, id }`); extra keys are dropped. */
export interface ZohoLookup {
  id: string;
  name: string;
}

export type FieldResult = { ok: true; value: unknown } | { ok: false; reason: string };

const ZOHO_ID = /^\d{1,20}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const INTEGER_TEXT = /^-?\d{1,15}$/;

const ok = (value: unknown): FieldResult => ({ ok: true, value });
const fail = (reason: string): FieldResult => ({ ok: false, reason });

/** True for a Zoho record id: a numeric string (19 digits in practice; up to 20 accepted). */
export function isZohoId(value: unknown): value is string {
  return typeof value === 'string' && ZOHO_ID.test(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** Parses `value` for `spec`; see the module comment for empty values. */
export function parseFieldValue(spec: ZohoScalarFieldSpec, value: unknown): FieldResult {
  if (spec.type === 'picklist' && value === '-None-') value = null;
  if (isEmpty(value)) return spec.required ? fail('is required but empty') : ok(null);
  const result = parseNonEmpty(spec, value);
  if (result.ok && spec.maxLength !== undefined && typeof result.value === 'string') {
    if ([...result.value].length > spec.maxLength) return fail(`is longer than ${spec.maxLength} characters`);
  }
  return result;
}

function parseNonEmpty(spec: ZohoScalarFieldSpec, value: unknown): FieldResult {
  switch (spec.type) {
    case 'text':
    case 'textarea':
    case 'autonumber':
    case 'phone':
      return typeof value === 'string' ? ok(value) : fail('is not text');
    case 'textOrNumber':
      if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
      return typeof value === 'string' ? ok(value) : fail('is not text or a number');
    case 'email':
      return typeof value === 'string' && EMAIL.test(value.trim())
        ? ok(value.trim())
        : fail('is not a valid e-mail address');
    case 'url':
      return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value) && URL.canParse(value)
        ? ok(value)
        : fail('is not an http(s) URL');
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? ok(value) : fail('is not a date (YYYY-MM-DD)');
    case 'datetime':
      return parseDatetime(value);
    case 'picklist':
      return parsePicklistValue(spec, value);
    case 'multiselect':
      if (!Array.isArray(value)) return fail('is not a list of picklist values');
      for (const item of value as unknown[]) {
        const one = parsePicklistValue(spec, item);
        if (!one.ok) return one;
      }
      return ok([...(value as string[])]);
    case 'lookup':
      return parseLookup(value);
    case 'money':
      return parseMoneyValue(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value) : fail('is not a number');
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return ok(value);
      if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return ok(Number(value.trim()));
      return fail('is not an integer');
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : fail('is not a boolean');
  }
}

/** Any text: whether the org knows the value is checked after parsing (checkPicklistValues), not here. */
function parsePicklistValue(_spec: ZohoScalarFieldSpec, value: unknown): FieldResult {
  if (typeof value !== 'string') return fail('is not a picklist value (text)');
  return ok(value);
}

function parseLookup(value: unknown): FieldResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('is not a lookup ({ name, id })');
  const { id, name } = value as { id?: unknown; name?: unknown };
  if (!isZohoId(id)) return fail('has a lookup id that is not a Zoho record id');
  if (name !== undefined && name !== null && typeof name !== 'string')
    return fail('has a lookup name that is not text');
  return ok({ id, name: name ?? '' } satisfies ZohoLookup);
}

function parseMoneyValue(value: unknown): FieldResult {
  try {
    return ok(parseMoney(value));
  } catch (error) {
    if (error instanceof MoneyFormatError) return fail(`is not money: it ${error.reason}`);
    throw error;
  }
}

function parseDatetime(value: unknown): FieldResult {
  const match = typeof value === 'string' ? DATETIME.exec(value) : null;
  if (!match || !isCalendarDate(match[1] ?? ''))
    return fail('is not a datetime with offset (YYYY-MM-DDTHH:MM:SS±HH:MM)');
  return ok(value);
}

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
