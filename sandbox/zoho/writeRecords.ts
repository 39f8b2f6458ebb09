import { SIMULATOR_USER, type StoredRecord, type ZohoStore } from './zohoStore.ts';
import { moduleId } from './moduleId.ts';
import { validateFieldValue } from './validateFieldValue.ts';
import { ZohoError } from './zohoError.ts';

export type WriteOperation = 'insert' | 'update' | 'upsert';
type Result = Record<string, unknown> & { status: 'success' | 'error' };

const USER_REF = { name: SIMULATOR_USER.name, id: SIMULATOR_USER.id };

class RecordError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function sameValue(a: unknown, b: unknown): boolean {
  const text = (v: unknown) =>
    (v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : String(v)).trim().toLowerCase();
  return !isEmpty(a) && !isEmpty(b) && text(a) === text(b);
}

function lookupValue(store: ZohoStore, value: unknown): unknown {
  const id = typeof value === 'object' && value !== null ? String((value as { id: unknown }).id) : String(value);
  const target = store.findAnywhere(id)?.data;
  const name = target?.Name ?? target?.Full_Name ?? target?.Last_Name ?? null;
  return { name, id };
}

/**
 * Applies a subform array to the existing rows by the documented update rules
 * (https://www.zoho.com/crm/developer/docs/api/v8/update-subforms.html, docs/api-facts.md §1f): `[]` deletes all rows;
 * a row with `id` updates that row; `{id, _delete: null}` deletes it; a row without id is appended with a new id;
 * existing rows not mentioned are kept ("append the provided data with the existing data").
 */
function mergeSubform(
  store: ZohoStore,
  field: string,
  index: number,
  existing: unknown,
  incoming: unknown,
  parent: { id: string; name: unknown },
): Record<string, unknown>[] {
  if (!Array.isArray(incoming))
    throw new RecordError('INVALID_DATA', 'invalid data', {
      expected_data_type: 'subform',
      api_name: field,
      json_path: `$.data[${index}].${field}`,
    });
  if (incoming.length === 0) return [];
  const rows = Array.isArray(existing) ? (structuredClone(existing) as Record<string, unknown>[]) : [];
  incoming.forEach((row: unknown, rowIndex) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      throw new RecordError('INVALID_DATA', 'invalid data', {
        expected_data_type: 'jsonobject',
        api_name: field,
        json_path: `$.data[${index}].${field}[${rowIndex}]`,
      });
    }
    const { id, _delete, ...fields } = row as Record<string, unknown>;
    if (isEmpty(id)) {
      rows.push({ ...fields, id: store.newId(), Parent_Id: parent });
      return;
    }
    const at = rows.findIndex((r) => r.id === String(id));
    if (at < 0)
      throw new RecordError('INVALID_DATA', 'the id given seems to be invalid', {
        api_name: 'id',
        json_path: `$.data[${index}].${field}[${rowIndex}].id`,
      });
    if ('_delete' in (row as object)) rows.splice(at, 1);
    else rows[at] = { ...rows[at], ...fields, id: String(id) };
  });
  if (rows.length > 100)
    throw new RecordError('LIMIT_EXCEEDED', 'limit exceeded', {
      api_name: field,
      json_path: `$.data[${index}].${field}`,
      limit: 100,
    });
  return rows;
}

function checkRecord(
  store: ZohoStore,
  module: string,
  index: number,
  input: Record<string, unknown>,
  selfId: string | null,
): void {
  const path = (field: string) => `$.data[${index}].${field}`;
  for (const field of store.mandatoryFields.get(module) ?? []) {
    if (selfId === null ? isEmpty(input[field]) : field in input && isEmpty(input[field])) {
      throw new RecordError('MANDATORY_NOT_FOUND', 'required field not found', {
        api_name: field,
        json_path: path(field),
      });
    }
  }
  const types = store.fieldTypes.get(module) ?? {};
  for (const [field, value] of Object.entries(input)) {
    const type = types[field];
    const problem = type ? validateFieldValue(type, value) : null;
    if (problem)
      throw new RecordError('INVALID_DATA', 'invalid data', { ...problem, api_name: field, json_path: path(field) });
  }
  for (const field of store.uniqueFields.get(module) ?? []) {
    if (!(field in input) || isEmpty(input[field])) continue;
    const duplicate = store.records(module).find((r) => r.id !== selfId && sameValue(r.data[field], input[field]));
    if (duplicate) {
      // DUPLICATE_DATA details as in the v8 insert-records example (docs/api-facts.md §1d, file id 63279371408).
      throw new RecordError('DUPLICATE_DATA', 'duplicate data', {
        api_name: field,
        json_path: path(field),
        duplicate_record: {
          Owner: { name: SIMULATOR_USER.name, id: SIMULATOR_USER.id, zuid: '10000000001' },
          module: { api_name: module, id: moduleId(module) },
          id: duplicate.id,
        },
        id: duplicate.id,
        more_records: false,
      });
    }
  }
}

function applyWrite(
  store: ZohoStore,
  module: string,
  index: number,
  input: Record<string, unknown>,
  existing: StoredRecord | undefined,
): StoredRecord {
  checkRecord(store, module, index, input, existing?.id ?? null);
  const now = store.timestamp();
  const id = existing?.id ?? store.newId();
  const data: Record<string, unknown> = existing
    ? structuredClone(existing.data)
    : { Owner: { ...SIMULATOR_USER }, Created_Time: now, Created_By: { ...USER_REF } };
  const parent = { id, name: input.Name ?? existing?.data.Name ?? null };
  for (const [field, value] of Object.entries(input)) {
    if (field === 'id' || field.startsWith('$')) continue;
    if (store.isSubform(module, field))
      data[field] = mergeSubform(store, field, index, existing ? data[field] : undefined, value, parent);
    else if (value && typeof value === 'object' && !Array.isArray(value) && 'id' in value)
      data[field] = lookupValue(store, value);
    else data[field] = value;
  }
  Object.assign(data, { id, Modified_Time: now, Modified_By: { ...USER_REF } });
  return store.save(module, data);
}

function success(stored: StoredRecord, message: string): Result {
  // Per-record success shape: v8 OAS `Success_Response` (docs/api-facts.md §1d;
  // https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html sample response).
  const d = stored.data;
  return {
    code: 'SUCCESS',
    details: {
      Modified_Time: d.Modified_Time,
      Modified_By: d.Modified_By,
      Created_Time: d.Created_Time,
      id: stored.id,
      Created_By: d.Created_By,
    },
    message,
    status: 'success',
  };
}

/**
 * Runs an insert (POST /crm/v8/{module}), update (PUT /crm/v8/{module}) or upsert (POST /crm/v8/{module}/upsert).
 * Body `{data:[…], trigger?, duplicate_check_fields?}`; max 100 records
 * (https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html). Records are processed in input order,
 * each succeeding or failing on its own. HTTP status per https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html:
 * 201 when every record was added, 200 when every record succeeded and some were updated, 207 Multi-Status
 * when some failed, and 400 `{"data":[…errors]}` when all failed (the v8 OAS examples give HTTP 400 with the error inside
 * `data[]` for DUPLICATE_DATA / MANDATORY_NOT_FOUND / INVALID_DATA — api-evangelist/zoho-crm examples, file id 63279371408).
 */
export function writeRecords(
  store: ZohoStore,
  module: string,
  operation: WriteOperation,
  body: unknown,
): { status: number; body: unknown } {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length === 0)
    throw new ZohoError(400, 'INVALID_DATA', 'invalid data', {
      expected_data_type: 'jsonarray',
      api_name: 'data',
      json_path: '$.data',
    });
  if (data.length > 100)
    throw new ZohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit: 100, api_name: 'data', json_path: '$.data' });
  const requestedChecks = (body as { duplicate_check_fields?: unknown }).duplicate_check_fields;
  const checkFields = Array.isArray(requestedChecks)
    ? requestedChecks.map(String)
    : (store.uniqueFields.get(module) ?? []);
  const results: Result[] = data.map((raw: unknown, index): Result => {
    try {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw))
        throw new RecordError('INVALID_DATA', 'invalid data', {
          expected_data_type: 'jsonobject',
          json_path: `$.data[${index}]`,
        });
      const input = raw as Record<string, unknown>;
      if (operation === 'insert') {
        return success(applyWrite(store, module, index, input, undefined), 'record added');
      }
      if (operation === 'update') {
        if (isEmpty(input.id))
          throw new RecordError('MANDATORY_NOT_FOUND', 'required field not found', {
            api_name: 'id',
            json_path: `$.data[${index}].id`,
          });
        const existing = store.get(module, String(input.id));
        if (!existing)
          throw new RecordError('INVALID_DATA', 'the id given seems to be invalid', {
            api_name: 'id',
            json_path: `$.data[${index}].id`,
          });
        return success(applyWrite(store, module, index, input, existing), 'record updated');
      }
      // upsert: https://www.zoho.com/crm/developer/docs/api/v8/upsert-records.html — `action` and `duplicate_field`.
      let match: { field: string; record: StoredRecord } | undefined;
      for (const field of checkFields) {
        const record = isEmpty(input[field])
          ? undefined
          : store.records(module).find((r) => sameValue(r.data[field], input[field]));
        if (record) {
          match = { field, record };
          break;
        }
      }
      if (match)
        return {
          ...success(applyWrite(store, module, index, input, match.record), 'record updated'),
          action: 'update',
          duplicate_field: match.field,
        };
      return {
        ...success(applyWrite(store, module, index, input, undefined), 'record added'),
        action: 'insert',
        duplicate_field: null,
      };
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      return { code: error.code, details: error.details, message: error.message, status: 'error' };
    }
  });
  const inserted = results.filter((r) => r.message === 'record added').length;
  const failed = results.filter((r) => r.status === 'error').length;
  const status = failed === results.length ? 400 : failed > 0 ? 207 : inserted === results.length ? 201 : 200;
  return { status, body: { data: results } };
}
