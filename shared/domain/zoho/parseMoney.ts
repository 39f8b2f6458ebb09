import { PermanentError } from '../errors.ts';

/**
 * Exact money for Zoho amounts: a canonical decimal string `-?\d+\.\d{2}` ("4400.00",
 * "-12.50", "0.00"), and arithmetic on bigint minor units (cents). Nothing goes through
 * floating-point arithmetic.
 *
 * Accepted by `parseMoney` (decided here; docs/zoho-fields.md only says Zoho currency
 * fields arrive as JSON numbers while registration `Program_Price` / `Remaining_Amount` are
 * text such as `4400$`, §1.7 and §5 #24):
 *   - `null`, `undefined`, `""`, whitespace only → `null` (Zoho sends null for an empty field).
 *   - JSON numbers (4400, 4400.5, -10): finite, at most 15 significant digits (the digits a
 *     double always carries exactly; beyond that JSON.parse already lost precision, so the
 *     amount must be sent as a string) and at most 2 decimals. The number is read through its
 *     shortest round-trip text (`String(n)`), which is the literal Zoho sent.
 *   - strings: optional surrounding whitespace; an optional `-` sign; digits with `.` as the
 *     ONLY decimal separator and 1–2 decimals; optional `,` thousands grouping in exact groups
 *     of three (`4,400.50`, `1,234,567`); at most one currency mark, before or after the
 *     amount, with optional space: `$ € £ ₺ USD TRY EUR GBP TL` (case-insensitive), e.g.
 *     `4400$`, `$4,400.50`, `-$10`, `EUR 99.9`. Any number of digits (bigint): huge values
 *     are exact.
 * Rejected (MoneyFormatError), because they are garbage or ambiguous between locales:
 *   - more than 2 decimals, even `4400.500` and even when the extra digits are zero: in text,
 *     `4.400` is 4400 in Turkish/European notation and 4.4 in English, so guessing (or
 *     rounding) could silently change an amount by a factor of 1000;
 *   - a decimal comma (`4400,50`, ` 4 400,00 `), a comma with a dot before it (`4.400,00`),
 *     space- or dot-grouped thousands, irregular comma groups (`44,00`);
 *   - two currency marks, a bare sign or mark, `+`, parentheses, `.5`, `5.`, exponents,
 *     NaN/Infinity, booleans, objects.
 * Negative amounts are accepted (refunds, adjustments); callers decide if they make sense.
 */
export type Money = string;

/** A value is not a money amount this module accepts; `reason` never contains the value. */
export class MoneyFormatError extends PermanentError {
  readonly reason: string;
  constructor(reason: string) {
    super('money.invalid', `money ${reason}`);
    this.reason = reason;
  }
}

const MARK = String.raw`(?:\$|€|£|₺|USD|TRY|EUR|GBP|TL)`;
const AMOUNT = String.raw`(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?`;
const MONEY_TEXT = new RegExp(String.raw`^(-)?\s*(?:(${MARK})\s*)?(-)?${AMOUNT}(?:\s*(${MARK}))?$`, 'iu');
const CANONICAL = /^(?:0\.\d{2}|-?[1-9]\d*\.\d{2}|-0\.(?!00)\d{2})$/; // never "-0.00"
const MAX_EXACT_DIGITS = 15;

/**
 * Parses a Zoho money value into a canonical 2-decimal string, or null when empty.
 * @throws {MoneyFormatError} for garbage and for ambiguous forms (see the module comment).
 */
export function parseMoney(input: unknown): Money | null {
  if (input === null || input === undefined) return null;
  if (typeof input === 'number') return parseMoneyText(numberText(input));
  if (typeof input !== 'string') throw new MoneyFormatError('is not a number or a string');
  const text = input.trim();
  if (text === '') return null;
  return parseMoneyText(text);
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyFormatError('is not a finite number');
  const text = String(value);
  if (/e/i.test(text)) {
    throw new MoneyFormatError(
      Math.abs(value) < 1 ? 'has more than 2 decimal places' : 'is too large to be exact as a JSON number',
    );
  }
  if ((text.split('.')[1] ?? '').length > 2) throw new MoneyFormatError('has more than 2 decimal places');
  const significant = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  if (significant.length > MAX_EXACT_DIGITS) {
    throw new MoneyFormatError('has more digits than a JSON number carries exactly; send it as a string');
  }
  return text;
}

function parseMoneyText(text: string): Money {
  const match = MONEY_TEXT.exec(text);
  if (!match) throw new MoneyFormatError(rejectionReason(text));
  const [, signBefore, markBefore, signAfter, grouped = '', fraction = ''] = match;
  const markAfter = match[6];
  if (signBefore && signAfter) throw new MoneyFormatError('has two minus signs');
  if (markBefore && markAfter) throw new MoneyFormatError('has two currency marks');
  const integer = grouped.replaceAll(',', '');
  const minor = BigInt(integer + fraction.padEnd(2, '0'));
  return fromMinorUnits(signBefore || signAfter ? -minor : minor);
}

function rejectionReason(text: string): string {
  if (/\..*\./.test(text)) return 'is not a money amount';
  if (/\d\.\d{3,}(?!\d*[.,])/.test(text)) return 'has more than 2 decimal places';
  if (/\d,\d{1,2}(?!\d)/.test(text) || /\d\.\d{3},/.test(text)) {
    return 'uses a decimal comma, which is ambiguous (use "." for decimals)';
  }
  return 'is not a money amount';
}

/** Canonical money → signed minor units (cents). @throws {MoneyFormatError} if not canonical. */
export function toMinorUnits(money: Money): bigint {
  if (typeof money !== 'string' || !CANONICAL.test(money)) {
    throw new MoneyFormatError('is not a canonical money string (like "4400.00")');
  }
  const negative = money.startsWith('-');
  const minor = BigInt(money.replace('-', '').replace('.', ''));
  return negative ? -minor : minor;
}

/** Signed minor units (cents) → canonical money. */
export function fromMinorUnits(minor: bigint): Money {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** a + b. @throws {MoneyFormatError} if either is not canonical. */
export function addMoney(a: Money, b: Money): Money {
  return fromMinorUnits(toMinorUnits(a) + toMinorUnits(b));
}

/** a − b (may be negative). @throws {MoneyFormatError} if either is not canonical. */
export function subtractMoney(a: Money, b: Money): Money {
  return fromMinorUnits(toMinorUnits(a) - toMinorUnits(b));
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. @throws {MoneyFormatError} */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  const diff = toMinorUnits(a) - toMinorUnits(b);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** The sum of a list ("0.00" when empty), e.g. a registration total from its installments. */
export function sumMoney(values: readonly Money[]): Money {
  return fromMinorUnits(values.reduce((total, value) => total + toMinorUnits(value), 0n));
}

/** max(0, total − paid): what the dashboard shows as the balance. @throws {MoneyFormatError} */
export function balanceDue(total: Money, paid: Money): Money {
  const balance = toMinorUnits(total) - toMinorUnits(paid);
  return fromMinorUnits(balance > 0n ? balance : 0n);
}
