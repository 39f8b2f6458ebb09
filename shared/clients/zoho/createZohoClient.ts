import type { Logger } from 'pino';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../domain/errors.ts';
import { createZohoTransport, type ZohoRequestFn, type ZohoTransportOptions } from './createZohoTransport.ts';
import type { ZohoTokenProvider } from './createZohoTokenProvider.ts';
import { ZohoDuplicateError } from './zohoErrors.ts';
import { createZohoWatchApi } from './zohoWatchApi.ts';
import { ZOHO_FIELD_MAPPINGS, type ZohoFieldMappings, type ZohoModuleName } from '../../domain/zoho/fieldMappings.ts';
import { createZohoFieldNames } from '../../domain/zoho/zohoFieldNames.ts';
import { parseZohoRecord, type ZohoRecordByModule } from '../../domain/zoho/zohoRecordSchemas.ts';
import { checkPicklistValues } from '../../domain/zoho/checkPicklistValues.ts';
import { createOrgPicklists } from './createOrgPicklists.ts';
import { fieldsMetadataSchema, toFieldMetadata, type ZohoFieldMetadata } from './zohoFieldMetadata.ts';

/** Zoho's documented limits (docs/api-facts.md §1b–§1d). */
export const ZOHO_MAX_WRITE_BATCH = 100;
export const ZOHO_MAX_PAGE_SIZE = 200;
const API = '/crm/v8';

export type ZohoRecord = Record<string, unknown> & { id: string };
export type WriteOutcome =
  { ok: true; id: string; action: 'insert' | 'update'; modifiedTime?: string } | { ok: false; error: PermanentError };

const recordsSchema = z.object({ data: z.array(z.looseObject({ id: z.string() })) });
const pageSchema = recordsSchema.extend({
  info: z.looseObject({
    more_records: z.boolean(),
    next_page_token: z.string().nullable().optional(),
    page: z.number().optional(),
  }),
});
const writeResultsSchema = z.object({
  data: z.array(
    z.looseObject({
      code: z.string(),
      status: z.string(),
      message: z.string().optional(),
      action: z.string().optional(),
      details: z.looseObject({}).optional(),
    }),
  ),
});

/**
 * Criteria values for Zoho's search: `(`, `)`, `,` and `\` must be backslash-escaped
 * (search-records docs); URL encoding is done by the URL. Pure.
 */
export function escapeCriteriaValue(value: string): string {
  return value.replace(/[\\(),]/g, (c) => `\\${c}`);
}

/** A string literal for COQL: single quotes, a quote inside escaped with a backslash. Pure. */
export function coqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface ZohoClientOptions {
  tokens: ZohoTokenProvider;
  log: Logger;
  apiUrl?: string;
  timeoutMs?: number;
  maxConcurrency?: number;
  rateLimitBaseDelayMs?: number;
  /** Field API names per module (ZOHO_FIELD_MAPPINGS with the college's overrides). */
  fieldMappings?: ZohoFieldMappings;
  /** How long the org's picklist values are cached (default 1 h). */
  picklistTtlMs?: number;
  metrics?: ZohoTransportOptions['metrics'];
  /**
   * Told of every record this client wrote, with the `Modified_Time` Zoho answered: Zoho's
   * notifications, unlike workflow rules, also fire for our own writes, and this is how the
   * worker recognises them (zoho_own_writes).
   */
  onOwnWrites?: (
    module: string,
    writes: { recordId: string; modifiedTime: string; fields: string[] }[],
  ) => Promise<void>;
}

/**
 * The Zoho CRM calls the sync uses (API v8). Writes always send `"trigger": []`, so our
 * own changes fire no workflow rules (no webhook echoes). Every method throws the
 * transport's classified errors.
 */
export function createZohoClient(options: ZohoClientOptions) {
  const request: ZohoRequestFn = createZohoTransport({
    tokens: options.tokens,
    log: options.log,
    apiUrl: options.apiUrl,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxConcurrency: options.maxConcurrency ?? 5,
    rateLimitBaseDelayMs: options.rateLimitBaseDelayMs,
    metrics: options.metrics,
  });

  const parse = <S extends z.ZodType>(schema: S, body: unknown, where: string): z.infer<S> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new RetryableError('zoho.bad_response', `${where}: Zoho answered in an undocumented shape`);
    return parsed.data;
  };

  /** One record with its subforms, or null when it does not exist (deleted). */
  async function getRecord(module: string, id: string): Promise<ZohoRecord | null> {
    const { body } = await request({ method: 'GET', path: `${API}/${module}/${encodeURIComponent(id)}` }).catch(
      (error: unknown) => {
        // A deleted or unknown id: Zoho answers 204, or an error naming the id.
        if (
          error instanceof PermanentError &&
          ['zoho.invalid_data', 'zoho.no_records_found', 'zoho.not_found'].includes(error.code)
        )
          return { body: null };
        throw error;
      },
    );
    if (body === null) return null;
    return (parse(recordsSchema, body, `GET ${module}/${id}`).data[0] as ZohoRecord | undefined) ?? null;
  }

  /**
   * Every record of a module, page by page (≤ 200 a page): `page` for the first pages,
   * then the `page_token` Zoho hands out, which it requires past 2,000 records.
   */
  async function* listRecords(
    module: string,
    listOptions: { fields: string[]; perPage?: number; sortBy?: 'id' | 'Created_Time' | 'Modified_Time' },
  ): AsyncGenerator<ZohoRecord> {
    if (listOptions.fields.length === 0 || listOptions.fields.length > 50)
      throw new PermanentError('zoho.fields', 'listRecords needs 1 to 50 fields');
    const perPage = Math.min(listOptions.perPage ?? ZOHO_MAX_PAGE_SIZE, ZOHO_MAX_PAGE_SIZE);
    let page = 1;
    let pageToken: string | undefined;
    for (;;) {
      const { body } = await request({
        method: 'GET',
        path: `${API}/${module}`,
        query: {
          fields: listOptions.fields.join(','),
          per_page: String(perPage),
          sort_by: listOptions.sortBy ?? 'id',
          sort_order: 'asc',
          ...(pageToken ? { page_token: pageToken } : { page: String(page) }),
        },
      });
      if (body === null) return;
      const { data, info } = parse(pageSchema, body, `GET ${module}`);
      for (const record of data) yield record as ZohoRecord;
      if (!info.more_records) return;
      pageToken = info.next_page_token ?? undefined;
      page++;
      if (!pageToken && page > 10)
        throw new PermanentError(
          'zoho.pagination',
          `GET ${module}: more than 2,000 records and no page_token from Zoho`,
        );
    }
  }

  /** A COQL query (exact matches, no index lag; ≤ 2,000 rows a call). No rows → []. */
  async function coql(selectQuery: string): Promise<ZohoRecord[]> {
    const { body } = await request({ method: 'POST', path: `${API}/coql`, body: { select_query: selectQuery } });
    if (body === null) return [];
    return parse(recordsSchema, body, 'COQL').data as ZohoRecord[];
  }

  /**
   * Search by criteria. Beware: `equals` matches like *contains* and new records appear
   * late, so never use this for identity (use COQL or upsert on a unique field).
   */
  async function search(
    module: string,
    criteria: [field: string, operator: 'equals' | 'starts_with', value: string][],
  ): Promise<ZohoRecord[]> {
    const text = criteria
      .map(([field, operator, value]) => `(${field}:${operator}:${escapeCriteriaValue(value)})`)
      .join('and');
    const { body } = await request({
      method: 'GET',
      path: `${API}/${module}/search`,
      query: { criteria: criteria.length > 1 ? `(${text})` : text },
    });
    if (body === null) return [];
    return parse(recordsSchema, body, `search ${module}`).data as ZohoRecord[];
  }

  /** Writes in batches of ≤ 100, reading every record's own result (a 2xx may carry errors). */
  async function write(
    kind: 'insert' | 'update' | 'upsert',
    module: string,
    records: Record<string, unknown>[],
    duplicateCheckFields?: string[],
  ): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = [];
    for (let start = 0; start < records.length; start += ZOHO_MAX_WRITE_BATCH) {
      const batch = records.slice(start, start + ZOHO_MAX_WRITE_BATCH);
      const { body } = await request({
        method: kind === 'update' ? 'PUT' : 'POST',
        path: kind === 'upsert' ? `${API}/${module}/upsert` : `${API}/${module}`,
        body: {
          data: batch,
          trigger: [],
          ...(duplicateCheckFields ? { duplicate_check_fields: duplicateCheckFields } : {}),
        },
        perRecordResults: true,
      });
      const results = parse(writeResultsSchema, body, `${kind} ${module}`).data;
      if (results.length !== batch.length)
        throw new RetryableError(
          'zoho.bad_response',
          `${kind} ${module}: ${results.length} results for ${batch.length} records`,
        );
      const batchOutcomes = results.map((result, index) => toOutcome(kind, module, result, start + index));
      outcomes.push(...batchOutcomes);
      await rememberOwnWrites(module, batch, batchOutcomes);
    }
    return outcomes;
  }

  /** Failing to remember costs at most one echo run, never the write (already made). */
  async function rememberOwnWrites(
    module: string,
    records: Record<string, unknown>[],
    written: WriteOutcome[],
  ): Promise<void> {
    if (!options.onOwnWrites) return;
    const writes = written.flatMap((o, index) =>
      o.ok && o.modifiedTime
        ? [
            {
              recordId: o.id,
              modifiedTime: o.modifiedTime,
              fields: Object.keys(records[index] ?? {}).filter((field) => field !== 'id'),
            },
          ]
        : [],
    );
    if (writes.length === 0) return;
    await options
      .onOwnWrites(module, writes)
      .catch((error: unknown) =>
        options.log.warn(
          { err: error, module },
          'could not record our own Zoho writes; their notifications will run as changes',
        ),
      );
  }

  const single = async (outcomes: Promise<WriteOutcome[]>): Promise<{ id: string; action: 'insert' | 'update' }> => {
    const [outcome] = await outcomes;
    if (!outcome) throw new RetryableError('zoho.bad_response', 'no result for the record');
    if (!outcome.ok) throw outcome.error;
    return { id: outcome.id, action: outcome.action };
  };

  const mappings = options.fieldMappings ?? ZOHO_FIELD_MAPPINGS;

  /** Zoho's fields metadata of a module (scope ZohoCRM.settings.fields.READ). */
  async function fieldsMetadata(module: string): Promise<ZohoFieldMetadata[]> {
    const { body } = await request({ method: 'GET', path: `${API}/settings/fields`, query: { module } });
    if (body === null) return [];
    return toFieldMetadata(parse(fieldsMetadataSchema, body, `GET settings/fields?module=${module}`));
  }
  const picklists = createOrgPicklists({ fetchFields: fieldsMetadata, log: options.log, ttlMs: options.picklistTtlMs });

  /**
   * One record, validated and typed through the module's field mapping, and its picklist values
   * checked against the org's lists (read again once when a value is unknown): unknown values are
   * kept and returned as warnings, except in a field whose meaning a setting decides.
   * @throws ZohoRecordError naming every wrong field; PermanentError `zoho.unknown_picklist_value`.
   */
  async function fetchRecordChecked<M extends ZohoModuleName>(
    module: M,
    id: string,
  ): Promise<{ record: ZohoRecordByModule[M] | null; warnings: string[] }> {
    const raw = await getRecord(module, id);
    if (raw === null) return { record: null, warnings: [] };
    return checkRecord(module, raw);
  }

  /** `fetchRecordChecked` of a record already read (the bulk path's listing): the same validation and picklist checks. */
  async function checkRecord<M extends ZohoModuleName>(
    module: M,
    raw: ZohoRecord,
  ): Promise<{ record: ZohoRecordByModule[M]; warnings: string[] }> {
    const id = raw.id;
    const record = parseZohoRecord(module, raw, mappings);
    const mapping = mappings[module];
    const canonical = record as unknown as { id: string } & Record<string, unknown>;
    let check = checkPicklistValues(module, mapping, canonical, await picklists.get(module));
    if (check.warnings.length > 0 || check.undecided.length > 0)
      check = checkPicklistValues(module, mapping, canonical, await picklists.refresh(module));
    if (check.undecided.length > 0) {
      const list = check.undecided
        .map(
          (u) =>
            `${u.field} "${u.value}" is a value the org's field does not list, and ${u.setting} decides what its values mean`,
        )
        .join('; ');
      throw new PermanentError(
        'zoho.unknown_picklist_value',
        `${module} ${id}: ${list}. Add the value to the field in Zoho (Setup → Modules and Fields) and, if it should count, to the setting (bin/doctor shows the org's values); then re-queue the event`,
      );
    }
    return { record, warnings: check.warnings };
  }

  return {
    request,
    getRecord,
    fieldMappings: mappings,
    /** The org's API names for canonical properties: every query and write names fields through it. */
    fields: createZohoFieldNames(mappings),
    /**
     * One record, validated and typed through the module's field mapping; null when it no
     * longer exists. @throws ZohoRecordError (permanent) naming every field that is wrong.
     */
    async fetchRecord<M extends ZohoModuleName>(module: M, id: string): Promise<ZohoRecordByModule[M] | null> {
      return (await fetchRecordChecked(module, id)).record;
    },
    fetchRecordChecked,
    checkRecord,
    fieldsMetadata,
    /** Notifications API channels (bin/zoho, the worker's renewal). */
    watch: createZohoWatchApi(request),
    listRecords,
    coql,
    search,
    insert: (module: string, records: Record<string, unknown>[]) => write('insert', module, records),
    update: (module: string, records: ZohoRecord[]) => write('update', module, records),
    upsert: (module: string, records: Record<string, unknown>[], duplicateCheckFields: string[]) =>
      write('upsert', module, records, duplicateCheckFields),
    insertOne: (module: string, record: Record<string, unknown>) => single(write('insert', module, [record])),
    updateOne: (module: string, record: ZohoRecord) => single(write('update', module, [record])),
    upsertOne: (module: string, record: Record<string, unknown>, duplicateCheckFields: string[]) =>
      single(write('upsert', module, [record], duplicateCheckFields)),
    /**
     * Deletes one record (Zoho moves it to its recycle bin) without running workflow rules
     * (`wf_trigger=false`), so the delete does not come back to us as a webhook.
     * @returns false when the record was already gone.
     */
    async deleteOne(module: string, id: string): Promise<boolean> {
      const { body } = await request({
        method: 'DELETE',
        path: `${API}/${module}/${encodeURIComponent(id)}`,
        query: { wf_trigger: 'false' },
        perRecordResults: true,
      });
      const [result] = parse(writeResultsSchema, body, `delete ${module}`).data;
      if (result?.code === 'SUCCESS') return true;
      if (result?.code === 'INVALID_DATA') return false;
      if (result && TRANSIENT_RECORD_CODES.has(result.code))
        throw new RetryableError(`zoho.${result.code.toLowerCase()}`, `delete ${module} ${id}: ${result.code}`);
      throw new PermanentError(
        `zoho.${(result?.code ?? 'bad_response').toLowerCase()}`,
        `delete ${module} ${id}: ${result?.code ?? 'no result'} ${result?.message ?? ''}`.trim(),
      );
    },
    /**
     * Replaces all rows of a subform: the record's current rows are deleted
     * (`{id, _delete: null}`) and the new rows appended, in one update.
     */
    async replaceSubform(
      module: string,
      id: string,
      subform: string,
      rows: Record<string, unknown>[],
      extra: Record<string, unknown> = {},
    ) {
      const current = await getRecord(module, id);
      if (!current) throw new PermanentError('zoho.not_found', `${module} ${id} no longer exists`);
      const existing = Array.isArray(current[subform]) ? (current[subform] as { id?: unknown }[]) : [];
      const deletions = existing
        .filter((row) => typeof row.id === 'string')
        .map((row) => ({ id: row.id, _delete: null }));
      return single(write('update', module, [{ ...extra, id, [subform]: [...deletions, ...rows] }]));
    },
  };
}

export type ZohoClient = ReturnType<typeof createZohoClient>;

/** One per-record write result → success, or the classified error (exported for its tests). */
export function toOutcome(
  kind: 'insert' | 'update' | 'upsert',
  module: string,
  result: z.infer<typeof writeResultsSchema>['data'][number],
  index: number,
): WriteOutcome {
  const details = (result.details ?? {}) as Record<string, unknown>;
  if (result.code === 'SUCCESS' && typeof details.id === 'string') {
    const action =
      result.action === 'update' || (kind === 'update' && result.action !== 'insert') ? 'update' : 'insert';
    const modifiedTime = typeof details.Modified_Time === 'string' ? details.Modified_Time : undefined;
    return { ok: true, id: details.id, action, ...(modifiedTime ? { modifiedTime } : {}) };
  }
  const where = `${kind} ${module} record ${index + 1}`;
  const field = typeof details.api_name === 'string' ? details.api_name : undefined;
  const message = `${where}: ${result.code} ${result.message ?? ''}${field ? ` (${field})` : ''}`.trim();
  if (result.code === 'DUPLICATE_DATA') {
    const duplicate = details.duplicate_record as { id?: unknown } | undefined;
    const existingId =
      typeof duplicate?.id === 'string' ? duplicate.id : typeof details.id === 'string' ? details.id : undefined;
    return { ok: false, error: new ZohoDuplicateError(message, existingId, field) };
  }
  // Zoho's own trouble, not the record's: worth another attempt later.
  if (TRANSIENT_RECORD_CODES.has(result.code))
    return { ok: false, error: new RetryableError(`zoho.${result.code.toLowerCase()}`, message) };
  return { ok: false, error: new PermanentError(`zoho.${result.code.toLowerCase()}`, message) };
}

/** Per-record codes that describe Zoho's state, not the data (docs/api-facts.md §1e): retried with backoff. */
const TRANSIENT_RECORD_CODES = new Set(['INTERNAL_ERROR', 'DEPENDENT_SERVICE_ERROR', 'RECORD_LOCKED']);
