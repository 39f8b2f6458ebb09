import { evaluateCoql } from './evaluateCoql.ts';
import { fieldText } from './fieldText.ts';
import { parseCoql } from './parseCoql.ts';
import type { ZohoStore } from './zohoStore.ts';
import { ZohoError } from './zohoError.ts';

function pick(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data;
  for (const part of path.split('.'))
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  // COQL returns lookups as {id} only
  if (value && typeof value === 'object' && !Array.isArray(value) && 'id' in value && !path.includes('.'))
    return { id: (value as { id: unknown }).id };
  return value ?? null;
}

/**
 * POST /crm/v8/coql `{"select_query": "…"}` — https://www.zoho.com/crm/developer/docs/api/v8/COQL-Overview.html:
 * `{"data":[…],"info":{"count","more_records"}}`, each row the selected fields plus `id`; none → 204; limit ≤ 2000
 * (Kaizen #82). Reads the live data (no index lag), which is why docs/api-facts.md §1c recommends it after writes.
 */
export function runCoql(store: ZohoStore, body: unknown): { status: number; body?: unknown } {
  const sql = (body as { select_query?: unknown } | null)?.select_query;
  if (typeof sql !== 'string' || sql.trim() === '')
    throw new ZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
      param_name: 'select_query',
    });
  const query = parseCoql(sql);
  if (!store.hasModule(query.module))
    throw new ZohoError(400, 'INVALID_QUERY', 'invalid query formed', {
      reason: 'invalid module',
      module: query.module,
    });
  if (query.limit > 2000 || query.limit < 1)
    throw new ZohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { clause: 'limit', limit: 2000 });
  if (query.fields.length > 50)
    throw new ZohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { clause: 'select', limit: 50 });
  for (const field of query.fields)
    if (store.isSubform(query.module, field))
      throw new ZohoError(400, 'INVALID_QUERY', 'invalid query formed', {
        reason: 'subform fields are not supported',
        column_name: field,
      });
  let rows = store.records(query.module).map((r) => r.data);
  if (query.where) rows = rows.filter((d) => evaluateCoql(d, query.where as NonNullable<typeof query.where>));
  rows.sort((a, b) => {
    for (const { field, direction } of query.orderBy.length
      ? query.orderBy
      : [{ field: 'id', direction: 'asc' as const }]) {
      const x = fieldText(a, field) ?? '';
      const y = fieldText(b, field) ?? '';
      if (x !== y) return (x < y ? -1 : 1) * (direction === 'asc' ? 1 : -1);
    }
    return 0;
  });
  const slice = rows.slice(query.offset, query.offset + query.limit);
  if (slice.length === 0) return { status: 204 };
  const data = slice.map((d) => {
    const out: Record<string, unknown> = {};
    for (const field of query.fields) out[field] = pick(d, field);
    out.id = d.id;
    return out;
  });
  return {
    status: 200,
    body: { data, info: { count: data.length, more_records: query.offset + query.limit < rows.length } },
  };
}
