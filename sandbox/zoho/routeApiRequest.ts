import type { createListRecords } from './listRecords.ts';
import type { NotificationChannels } from './notificationChannels.ts';
import type { OrgFields } from './orgFields.ts';
import { runCoql } from './runCoql.ts';
import { searchRecords } from './searchRecords.ts';
import { writeRecords } from './writeRecords.ts';
import type { ZohoStore } from './zohoStore.ts';
import { ZohoError } from './zohoError.ts';

export interface ApiContext {
  store: ZohoStore;
  listRecords: ReturnType<typeof createListRecords>;
  indexLagMs: number;
  orgFields: OrgFields;
  channels: NotificationChannels;
}

/**
 * Routes an authenticated /crm/v8/… request. Unknown module → 400 INVALID_MODULE "the module name given seems to be
 * invalid"; unknown path → 404 INVALID_URL_PATTERN (messages from the v8 status-codes page / crm-oas enum, docs/api-facts.md §1e).
 * GET of a missing record id → 204 No Content (assumed: v8 get-records.html lists 204 "There is no content available
 * for the request"; NO_CONTENT is in the crm-oas enum — not confirmed for single-record GET).
 */
export function routeApiRequest(
  ctx: ApiContext,
  method: string,
  path: string,
  query: Record<string, string>,
  body: unknown,
): { status: number; body?: unknown } {
  const parts = path
    .replace(/^\/crm\/v8\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const [first, second, third] = parts;
  const notFound = () =>
    new ZohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one', {});
  if (!path.startsWith('/crm/v8/') || first === undefined || third !== undefined) throw notFound();
  if (first === 'coql') {
    if (method !== 'POST' || second !== undefined)
      throw new ZohoError(405, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', {});
    return runCoql(ctx.store, body);
  }
  if (first === 'actions' && second === 'watch') return ctx.channels.answer(method, query, body);
  if (first === 'settings' && second === 'fields') {
    if (method !== 'GET')
      throw new ZohoError(405, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', {});
    return ctx.orgFields.answer(query);
  }
  if (!ctx.store.hasModule(first))
    throw new ZohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });
  const module = first;
  const badMethod = () =>
    new ZohoError(405, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', {});
  if (second === undefined) {
    if (method === 'GET') return ctx.listRecords(module, query);
    if (method === 'POST') return writeRecords(ctx.store, module, 'insert', body);
    if (method === 'PUT') return writeRecords(ctx.store, module, 'update', body);
    throw badMethod();
  }
  if (second === 'search') {
    if (method !== 'GET') throw badMethod();
    return searchRecords(ctx.store, module, query, ctx.indexLagMs);
  }
  if (second === 'upsert') {
    if (method !== 'POST') throw badMethod();
    return writeRecords(ctx.store, module, 'upsert', body);
  }
  if (method === 'GET') {
    const record = ctx.store.get(module, second);
    // Single-record GET includes subforms and lookups as {name, id} (https://www.zoho.com/crm/developer/docs/api/v8/get-records.html).
    return record ? { status: 200, body: { data: [structuredClone(record.data)] } } : { status: 204 };
  }
  if (method === 'DELETE') {
    // DELETE /{module}/{id} moves the record to the recycle bin: {data:[{code:SUCCESS, details:{id},
    // message:"record deleted", status:"success"}]} (Zoho's delete-records docs). An unknown id is
    // assumed to answer 400 INVALID_DATA per record, as other per-record errors do.
    if (ctx.store.remove(module, second)) {
      return {
        status: 200,
        body: { data: [{ code: 'SUCCESS', details: { id: second }, message: 'record deleted', status: 'success' }] },
      };
    }
    return {
      status: 400,
      body: {
        data: [
          {
            code: 'INVALID_DATA',
            details: { id: second },
            message: 'the related id given seems to be invalid',
            status: 'error',
          },
        ],
      },
    };
  }
  if (method === 'PUT') {
    const data = (body as { data?: unknown } | null)?.data;
    const rows = Array.isArray(data) ? data.map((r: unknown) => ({ ...(r as object), id: second })) : data;
    return writeRecords(ctx.store, module, 'update', { ...(body as object), data: rows });
  }
  throw badMethod();
}
