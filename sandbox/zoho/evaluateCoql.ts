import { fieldText } from './fieldText.ts';
import type { CoqlExpr, CoqlValue } from './parseCoql.ts';

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

function compareValues(have: string, want: CoqlValue): number {
  if (typeof want === 'number') return Number(have) - want;
  const w = String(want).toLowerCase();
  const h = have.toLowerCase();
  return h < w ? -1 : h > w ? 1 : 0;
}

/**
 * Whether a record satisfies a COQL where-expression. Text comparisons are case-insensitive (assumed, as in
 * Zoho's web UI); `like` uses `%` and `_`. Unlike Search, `=` is an exact match — which is why
 * docs/api-facts.md §1c recommends COQL for identity look-ups.
 */
export function evaluateCoql(record: Record<string, unknown>, expr: CoqlExpr): boolean {
  if (expr.kind !== 'compare') {
    return expr.kind === 'and'
      ? expr.items.every((item) => evaluateCoql(record, item))
      : expr.items.some((item) => evaluateCoql(record, item));
  }
  const have = fieldText(record, expr.field);
  const value = expr.value;
  switch (expr.operator) {
    case 'is null':
      return have === null || have === '';
    case 'is not null':
      return have !== null && have !== '';
    case 'in':
      return have !== null && (value as CoqlValue[]).some((v) => compareValues(have, v) === 0);
    case 'not in':
      return have === null || !(value as CoqlValue[]).some((v) => compareValues(have, v) === 0);
    case 'like':
      return have !== null && likeToRegExp(String(value)).test(have);
    case 'not like':
      return have === null || !likeToRegExp(String(value)).test(have);
    case '=':
      return have !== null && compareValues(have, value as CoqlValue) === 0;
    case '!=':
      return have === null || compareValues(have, value as CoqlValue) !== 0;
    case '<':
      return have !== null && compareValues(have, value as CoqlValue) < 0;
    case '>':
      return have !== null && compareValues(have, value as CoqlValue) > 0;
    case '<=':
      return have !== null && compareValues(have, value as CoqlValue) <= 0;
    default:
      return have !== null && compareValues(have, value as CoqlValue) >= 0;
  }
}
