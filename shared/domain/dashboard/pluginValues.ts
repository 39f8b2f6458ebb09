import { PermanentError } from '../errors.ts';
import type { Money } from '../zoho/parseMoney.ts';

/**
 * Zoho values in the forms the plugin's parameters accept. Pure.
 */

/** The plugin stores amounts in number(12,2): at most 10 integer digits (its PATTERN `-?\d{1,10}(\.\d{1,2})?`). */
const PLUGIN_MONEY = /^-?\d{1,10}\.\d{2}$/;

/**
 * A canonical amount ("4400.00", from parseMoney) as the plugin takes it; '' for none.
 * @throws PermanentError naming `where` (never the value) when it has more than 10 integer digits.
 */
export function pluginMoney(value: Money | null, where: string): string {
  if (value === null) return '';
  if (!PLUGIN_MONEY.test(value))
    throw new PermanentError(
      'dashboard.amount_too_large',
      `${where} has more than 10 integer digits; the dashboard stores at most 9999999999.99`,
    );
  return value;
}

/**
 * Text that Moodle's PARAM_TEXT leaves unchanged. Moodle's validate_param() refuses a value
 * that cleaning would change, and that refusal is `invalidparameter` for the WHOLE call (not
 * one record): so `<` followed by a non-space (which strip_tags() would take for a tag) gets
 * a space after it, NUL characters (which strip_tags() drops) are removed, and lone UTF-16
 * surrogates (not UTF-8) become U+FFFD. Everything else is kept as Zoho has it; null → ''.
 */
export function pluginText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value
    .toWellFormed()
    .replaceAll('\0', '')
    .replace(/<(?!\s)/g, '< ');
}

/**
 * A percentage as the plugin takes it ("0"–"100", at most 2 decimals), '' for none, or
 * undefined when the number cannot be one (the caller leaves it out and says so).
 */
export function pluginPercentage(value: number | null): string | undefined {
  if (value === null) return '';
  if (!Number.isFinite(value) || value < 0 || value > 100) return undefined;
  const text = String(value);
  return /^\d{1,3}(\.\d{1,2})?$/.test(text) ? text : undefined;
}
