import { fieldText } from './fieldText.ts';
import type { SearchCriteria } from './parseSearchCriteria.ts';

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether a record satisfies Search API criteria. As documented for the Search API
 * (https://www.zoho.com/crm/developer/docs/api/v8/search-records.html, docs/api-facts.md §1c), `equals` on text
 * behaves like "contains": case-insensitive substring. A lookup matches on its id or its name.
 */
export function matchCriteria(record: Record<string, unknown>, criteria: SearchCriteria): boolean {
  if (criteria.kind !== 'condition') {
    return criteria.kind === 'and'
      ? criteria.items.every((item) => matchCriteria(record, item))
      : criteria.items.some((item) => matchCriteria(record, item));
  }
  const texts = [fieldText(record, criteria.field)];
  const raw = record[criteria.field];
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'name' in raw)
    texts.push(fieldText(record, `${criteria.field}.name`));
  const wanted = criteria.value.toLowerCase();
  return texts.some((text) => {
    const have = text?.toLowerCase() ?? null;
    switch (criteria.operator) {
      case 'equals':
        return have !== null && have.includes(wanted);
      case 'not_equal':
        return have === null || have !== wanted;
      case 'starts_with':
        return have !== null && have.startsWith(wanted);
      case 'in':
        return have !== null && criteria.values.some((v) => v.toLowerCase() === have);
      case 'greater_than':
        return have !== null && compare(have, wanted) > 0;
      case 'greater_equal':
        return have !== null && compare(have, wanted) >= 0;
      case 'less_than':
        return have !== null && compare(have, wanted) < 0;
      case 'less_equal':
        return have !== null && compare(have, wanted) <= 0;
      default: {
        // between: two comma-separated bounds, inclusive
        const [low = '', high = ''] = criteria.values.map((v) => v.toLowerCase());
        return have !== null && compare(have, low) >= 0 && compare(have, high) <= 0;
      }
    }
  });
}
