import { matchCriteria } from './matchCriteria.ts';
import { countConditions, parseSearchCriteria } from './parseSearchCriteria.ts';
import type { ZohoStore } from './zohoStore.ts';
import { ZohoError } from './zohoError.ts';

function withoutSubforms(store: ZohoStore, module: string, data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([field]) => !store.isSubform(module, field)));
}

/**
 * GET /crm/v8/{module}/search?criteria=…|email=…|phone=…|word=… per
 * https://www.zoho.com/crm/developer/docs/api/v8/search-records.html (docs/api-facts.md §1c): precedence
 * criteria > email > phone > word; ≤ 10 criteria; `equals` acts like contains; no match → 204; at most 2000
 * records (LIMIT_REACHED). The index lags: a record written less than `indexLagMs` ago is seen as it was
 * before that write (or not at all) — "you may face the 204 NO CONTENT error due to a delay in indexing".
 */
export function searchRecords(
  store: ZohoStore,
  module: string,
  query: Record<string, string>,
  indexLagMs: number,
): { status: number; body?: unknown } {
  let test: (record: Record<string, unknown>) => boolean;
  if (query.criteria !== undefined) {
    const criteria = parseSearchCriteria(query.criteria);
    if (countConditions(criteria) > 10)
      throw new ZohoError(400, 'LIMIT_EXCEEDED', 'criteria limit exceeded', { param_name: 'criteria', limit: 10 });
    test = (record) => matchCriteria(record, criteria);
  } else if (query.email !== undefined || query.phone !== undefined) {
    const [suffix, wanted] = query.email !== undefined ? ['email', query.email] : ['phone', query.phone as string];
    test = (record) =>
      Object.entries(record).some(
        ([field, value]) =>
          field.toLowerCase().endsWith(suffix) &&
          typeof value === 'string' &&
          value.toLowerCase() === wanted.toLowerCase(),
      );
  } else if (query.word !== undefined) {
    const word = query.word.toLowerCase();
    if (word.length < 2 || /[^\p{L}\p{N}\s@._-]/u.test(word))
      throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'word' });
    test = (record) =>
      Object.values(record).some((value) => typeof value === 'string' && value.toLowerCase().includes(word));
  } else {
    throw new ZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
      param_name: 'criteria',
    });
  }
  const perPage = query.per_page === undefined ? 200 : Number(query.per_page);
  const page = query.page === undefined ? 1 : Number(query.page);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
    throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'per_page', maximum: 200 });
  if (!Number.isInteger(page) || page < 1)
    throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
  if (page * perPage > 2000)
    throw new ZohoError(400, 'LIMIT_REACHED', 'Maximum response iteration limit reached', { limit: 2000 });

  const horizon = store.now() - indexLagMs;
  const visible = store
    .records(module)
    .map((r) => r.versions.filter((v) => v.at <= horizon).at(-1)?.data)
    .filter((d): d is Record<string, unknown> => d !== undefined && test(d))
    .sort((a, b) => (String(a.id) < String(b.id) ? 1 : -1));
  const slice = visible.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      data: slice.map((d) => withoutSubforms(store, module, d)),
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < visible.length },
    },
  };
}
