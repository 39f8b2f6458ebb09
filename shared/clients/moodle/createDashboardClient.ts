import { z } from 'zod';
import { PermanentError, RetryableError } from '../../domain/errors.ts';
import type { DashboardEntity, DashboardRecordOf } from '../../domain/dashboard/dashboardRecords.ts';
import type { MoodleCall } from './createMoodleTransport.ts';
import { encodeMoodleParams, type MoodleParam } from './encodeMoodleParams.ts';

/** The plugin's limit per call (data_store::MAX_BATCH): more is refused as a whole. */
export const DASHBOARD_MAX_BATCH = 500;
/**
 * Form fields per call. PHP drops the form fields past `max_input_vars` (Moodle asks for at
 * least 5,000) without an error, so a call of 500 complete records (15 fields each for finance,
 * more with installments) would reach Moodle cut short: batches stay well below it.
 */
export const DASHBOARD_MAX_FIELDS = 4_000;

/** The plugin's web-service functions (moodle-plugin/README.md "Service → Moodle"), per entity. */
export const DASHBOARD_FUNCTIONS = {
  finance: { upsert: 'local_zohosync_upsert_finance', delete: 'local_zohosync_delete_finance' },
  registration: { upsert: 'local_zohosync_upsert_registrations', delete: 'local_zohosync_delete_registrations' },
  payment: { upsert: 'local_zohosync_upsert_payments', delete: 'local_zohosync_delete_payments' },
  grade: { upsert: 'local_zohosync_upsert_grades', delete: 'local_zohosync_delete_grades' },
  unit: { upsert: 'local_zohosync_upsert_units', delete: 'local_zohosync_delete_units' },
} as const satisfies Record<DashboardEntity, { upsert: string; delete: string }>;

/** The Zoho module each entity's ids belong to (finance is keyed by the student's id). */
const ZOHO_MODULE: Record<DashboardEntity, string> = {
  finance: 'BTEC_Students',
  registration: 'BTEC_Registrations',
  payment: 'BTEC_Payments',
  grade: 'BTEC_Grades',
  unit: 'BTEC',
};

export const dashboardResultSchema = z.object({
  zohoid: z.string(),
  status: z.enum(['created', 'updated', 'unchanged', 'deleted', 'notfound', 'invalid']),
  id: z.number().int(),
  errorcode: z.string(),
  message: z.string(),
});
export type DashboardResult = z.infer<typeof dashboardResultSchema>;
const resultsSchema = z.object({ results: z.array(dashboardResultSchema) });

export type DashboardWrite = { status: 'created' | 'updated' | 'unchanged' | 'deleted' | 'notfound'; id: number };

/**
 * A record the plugin refused (status `invalid`). The message names the record, the field
 * and why, as the plugin words it (`amount: not an amount like "4400.00"`): never a value.
 * `errorcode` is the plugin's (invalidfield, usernotfound, coursenotfound, duplicateinbatch).
 */
export class DashboardRecordError extends PermanentError {
  readonly errorcode: string;
  constructor(wsfunction: string, entity: DashboardEntity, result: DashboardResult) {
    super(
      result.errorcode === 'usernotfound' ? 'moodle.dashboard_user_not_found' : 'moodle.dashboard_invalid',
      `${wsfunction}: ${ZOHO_MODULE[entity]} ${result.zohoid} refused (${result.errorcode}): ${result.message}`,
    );
    this.errorcode = result.errorcode;
  }
}

/** [start, end) ranges of at most DASHBOARD_MAX_BATCH items and DASHBOARD_MAX_FIELDS form fields each. */
export function batches(items: MoodleParam[]): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let fields = 0;
  items.forEach((item, index) => {
    const size = encodeMoodleParams({ item }).length;
    if (index > start && (index - start >= DASHBOARD_MAX_BATCH || fields + size > DASHBOARD_MAX_FIELDS)) {
      ranges.push([start, index]);
      start = index;
      fields = 0;
    }
    fields += size;
  });
  if (items.length > start) ranges.push([start, items.length]);
  return ranges;
}

/**
 * The Moodle plugin's ten dashboard functions over a Moodle web-service call: batches of at
 * most 500 records and 4,000 form fields, one typed result per record in request order (checked), an `invalid` result
 * turned into a DashboardRecordError by the single-record helpers. Whole-call errors
 * (invalidparameter, nopermissions, accessexception …) are the transport's classified errors.
 */
export function createDashboardClient(call: MoodleCall) {
  async function run(
    wsfunction: string,
    key: 'records' | 'zohoids',
    items: MoodleParam[],
    ids: string[],
  ): Promise<DashboardResult[]> {
    const results: DashboardResult[] = [];
    for (const [start, end] of batches(items)) {
      const batch = items.slice(start, end);
      const answer = await call(wsfunction, { [key]: batch }, resultsSchema);
      const expected = ids.slice(start, end);
      // One result per input, in request order (the plugin's contract): anything else means we
      // cannot tell which record a result is about.
      if (answer.results.length !== batch.length || answer.results.some((r, i) => r.zohoid !== expected[i])) {
        throw new RetryableError(
          'moodle.bad_response',
          `${wsfunction}: the results do not match the ${batch.length} records sent`,
        );
      }
      results.push(...answer.results);
    }
    return results;
  }

  /** Creates or updates records (an empty list makes no call: Moodle cannot receive an empty list). */
  const upsert = <E extends DashboardEntity>(entity: E, records: DashboardRecordOf[E][]): Promise<DashboardResult[]> =>
    records.length === 0
      ? Promise.resolve([])
      : run(
          DASHBOARD_FUNCTIONS[entity].upsert,
          'records',
          records as unknown as MoodleParam[],
          records.map((r) => r.zohoid),
        );

  /** Deletes records by Zoho id (unknown ids answer `notfound`, which is not an error). */
  const remove = (entity: DashboardEntity, zohoIds: string[]): Promise<DashboardResult[]> =>
    zohoIds.length === 0 ? Promise.resolve([]) : run(DASHBOARD_FUNCTIONS[entity].delete, 'zohoids', zohoIds, zohoIds);

  const single = (wsfunction: string, entity: DashboardEntity, result: DashboardResult | undefined): DashboardWrite => {
    if (!result) throw new RetryableError('moodle.bad_response', `${wsfunction}: no result`);
    if (result.status === 'invalid') throw new DashboardRecordError(wsfunction, entity, result);
    return { status: result.status, id: result.id };
  };

  return {
    upsert,
    remove,
    /** One record. @throws DashboardRecordError when the plugin refuses it. */
    async upsertOne<E extends DashboardEntity>(entity: E, record: DashboardRecordOf[E]): Promise<DashboardWrite> {
      return single(DASHBOARD_FUNCTIONS[entity].upsert, entity, (await upsert(entity, [record]))[0]);
    },
    /** One id: `deleted` or `notfound`. */
    async removeOne(entity: DashboardEntity, zohoId: string): Promise<DashboardWrite> {
      return single(DASHBOARD_FUNCTIONS[entity].delete, entity, (await remove(entity, [zohoId]))[0]);
    },
  };
}

export type DashboardClient = ReturnType<typeof createDashboardClient>;
