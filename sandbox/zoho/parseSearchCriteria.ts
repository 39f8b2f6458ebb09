import { ZohoError } from './zohoError.ts';

/** One `(field:operator:value)` condition, or an and/or group. */
export type SearchCriteria =
  | { kind: 'condition'; field: string; operator: string; value: string; values: string[] }
  | { kind: 'and' | 'or'; items: SearchCriteria[] };

const OPERATORS = new Set([
  'equals',
  'not_equal',
  'starts_with',
  'in',
  'greater_than',
  'greater_equal',
  'less_than',
  'less_equal',
  'between',
]);

/** How many conditions a criteria tree holds (Zoho allows at most 10). */
export function countConditions(criteria: SearchCriteria): number {
  return criteria.kind === 'condition' ? 1 : criteria.items.reduce((n, item) => n + countConditions(item), 0);
}

/**
 * Parses Search API criteria such as `((Last_Name:equals:Burns\,B)and(City:starts_with:Lon))`.
 * Syntax, operators and the backslash escapes `\,` `\(` `\)` `\\` follow
 * https://www.zoho.com/crm/developer/docs/api/v8/search-records.html (docs/api-facts.md §1c).
 * `values` splits the value on unescaped commas (for `in` and `between`). Bad syntax → 400 INVALID_QUERY.
 */
export function parseSearchCriteria(text: string): SearchCriteria {
  let pos = 0;
  const fail = (reason: string): ZohoError =>
    new ZohoError(400, 'INVALID_QUERY', 'Invalid query formed', { reason, criteria: text });

  const parseGroup = (): SearchCriteria => {
    if (text[pos] !== '(') throw fail(`expected ( at ${pos}`);
    pos++;
    if (text[pos] === '(') {
      const items: SearchCriteria[] = [parseGroup()];
      let joiner: 'and' | 'or' | undefined;
      while (text[pos] !== ')') {
        const word = /^(and|or)/i.exec(text.slice(pos))?.[1]?.toLowerCase() as 'and' | 'or' | undefined;
        if (!word) throw fail(`expected and/or at ${pos}`);
        const op = word as 'and' | 'or';
        if (joiner && joiner !== op) throw fail('mixed and/or without parentheses');
        joiner = op;
        pos += op.length;
        items.push(parseGroup());
      }
      pos++;
      return items.length === 1 ? (items[0] as SearchCriteria) : { kind: joiner ?? 'and', items };
    }
    // a condition: read raw up to the unescaped ')'
    const parts: string[] = [''];
    const rawValues: string[] = [''];
    let colons = 0;
    for (;;) {
      const ch = text[pos];
      if (ch === undefined) throw fail('unterminated condition');
      if (ch === '\\') {
        const next = text[pos + 1];
        if (next === undefined) throw fail('dangling backslash');
        if (colons >= 2) rawValues[rawValues.length - 1] += next;
        parts[parts.length - 1] += next;
        pos += 2;
        continue;
      }
      if (ch === ')') break;
      if (ch === '(') throw fail(`unescaped ( at ${pos}`);
      if (ch === ':' && colons < 2) {
        colons++;
        parts.push('');
        pos++;
        continue;
      }
      if (ch === ',' && colons >= 2) rawValues.push('');
      else if (colons >= 2) rawValues[rawValues.length - 1] += ch;
      parts[parts.length - 1] += ch;
      pos++;
    }
    pos++;
    const [field, operator, value] = parts;
    if (colons < 2 || !field || !operator || value === undefined) throw fail('condition must be field:operator:value');
    if (!OPERATORS.has(operator as string)) throw fail(`unknown operator ${operator}`);
    return {
      kind: 'condition',
      field: field as string,
      operator: operator as string,
      value: value as string,
      values: rawValues,
    };
  };

  const result = parseGroup();
  if (pos !== text.length) throw fail(`unexpected text at ${pos}`);
  return result;
}
