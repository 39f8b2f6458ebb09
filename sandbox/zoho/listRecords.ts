import { randomBytes } from 'node:crypto';
import type { ZohoStore } from './zohoStore.ts';
import { ZohoError } from './zohoError.ts';

interface PageToken {
  boundTo: string;
  offset: number;
  page: number;
  expiresAt: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Only the requested fields (plus id), never subforms: list responses leave subforms out (docs/api-facts.md §1b). */
export function pickFields(
  store: ZohoStore,
  module: string,
  data: Record<string, unknown>,
  fields: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (store.isSubform(module, field)) continue;
    out[field] = data[field] ?? null;
  }
  out.id = data.id;
  return out;
}

/**
 * GET /crm/v8/{module}?fields=…&per_page=&page=&page_token=&sort_by=&sort_order= — rules and the `info` object from
 * https://www.zoho.com/crm/developer/docs/api/v8/get-records.html (docs/api-facts.md §1b): `fields` mandatory, max 50;
 * per_page ≤ 200 (default 200); pages only reach the first 2000 records, beyond that `page_token`
 * (user/param-bound, valid 24 h). Empty → 204 with no body. Returns a function bound to one page-token table.
 */
export function createListRecords(store: ZohoStore) {
  const tokens = new Map<string, PageToken>();

  return function listRecords(module: string, query: Record<string, string>): { status: number; body?: unknown } {
    if (!query.fields)
      throw new ZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'fields',
      });
    const fields = query.fields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    if (fields.length > 50)
      throw new ZohoError(400, 'LIMIT_EXCEEDED', 'fields limit exceeded', { param_name: 'fields', limit: 50 });
    const perPage = query.per_page === undefined ? 200 : Number(query.per_page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
      throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'per_page', maximum: 200 });
    const sortBy = query.sort_by ?? 'id';
    if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy))
      throw new ZohoError(400, 'INVALID_DATA', 'invalid data', {
        param_name: 'sort_by',
        supported_values: ['id', 'Created_Time', 'Modified_Time'],
      });
    const sortOrder = query.sort_order ?? 'desc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc')
      throw new ZohoError(400, 'INVALID_DATA', 'invalid data', {
        param_name: 'sort_order',
        supported_values: ['asc', 'desc'],
      });
    if (query.page !== undefined && query.page_token !== undefined) {
      throw new ZohoError(400, 'AMBIGUITY_DURING_PROCESSING', 'Ambiguity while processing the request', {
        ambiguity_due_to: ['page', 'page_token'],
      });
    }
    const boundTo = JSON.stringify([module, fields, perPage, sortBy, sortOrder]);
    let offset: number;
    let page: number;
    if (query.page_token !== undefined) {
      const token = tokens.get(query.page_token);
      if (!token) throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page_token' });
      if (token.expiresAt <= store.now())
        throw new ZohoError(400, 'EXPIRED_VALUE', 'given page token is expired', { param_name: 'page_token' });
      if (token.boundTo !== boundTo)
        throw new ZohoError(400, 'TOKEN_BOUND_DATA_MISMATCH', 'the given data does not match the page token', {
          param_name: 'page_token',
        });
      ({ offset, page } = token);
    } else {
      page = query.page === undefined ? 1 : Number(query.page);
      if (!Number.isInteger(page) || page < 1)
        throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
      offset = (page - 1) * perPage;
      if (offset + perPage > 2000) {
        throw new ZohoError(
          400,
          'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
          'The limit of discrete pagination has been exceeded. Use page_token to fetch more than 2000 records.',
          { limit: 2000 },
        );
      }
    }
    const key = (d: Record<string, unknown>) => String(d[sortBy] ?? '');
    const sorted = store
      .records(module)
      .map((r) => r.data)
      .sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const cmp = ka.length !== kb.length && sortBy === 'id' ? ka.length - kb.length : ka < kb ? -1 : ka > kb ? 1 : 0;
        return sortOrder === 'asc' ? cmp : -cmp;
      });
    const slice = sorted.slice(offset, offset + perPage);
    if (slice.length === 0) return { status: 204 };
    const moreRecords = offset + perPage < sorted.length;
    let nextToken: string | null = null;
    let expiry: string | null = null;
    if (moreRecords) {
      nextToken = randomBytes(16).toString('hex');
      const expiresAt = store.now() + DAY_MS;
      tokens.set(nextToken, { boundTo, offset: offset + perPage, page: page + 1, expiresAt });
      expiry = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    }
    return {
      status: 200,
      body: {
        data: slice.map((d) => pickFields(store, module, d, fields)),
        info: {
          call: false,
          per_page: perPage,
          next_page_token: nextToken,
          count: slice.length,
          sort_by: sortBy,
          page,
          previous_page_token: query.page_token ?? null,
          page_token_expiry: expiry,
          sort_order: sortOrder,
          email: false,
          more_records: moreRecords,
        },
      },
    };
  };
}
