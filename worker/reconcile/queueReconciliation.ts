import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { countCalls, noCalls } from '../../shared/clients/callCounts.ts';
import type { ZohoClient, ZohoRecord } from '../../shared/clients/zoho/createZohoClient.ts';
import { recordBulkRun } from '../../shared/db/queries/bulkRuns.ts';
import { liveLinkZohoIds } from '../../shared/db/queries/syncLinks.ts';
import { ZOHO_ENTITIES, ZOHO_MODULES, type ZohoEntity } from '../../shared/domain/events.ts';
import { internalEvent } from '../../shared/domain/internalEvent.ts';
import type { ZohoModuleMapping } from '../../shared/domain/zoho/fieldMappings.ts';

export interface ReconcileOptions {
  /** Entities to sync (default: all; run in the dependency order of ZOHO_ENTITIES). */
  entities?: ZohoEntity[];
  /** Only records Zoho says were modified at or after this time. */
  modifiedSince?: Date;
  /** The events only plan (their payload says `dry_run`): the runner records what it would do and writes nothing. */
  planOnly?: boolean;
  /**
   * Compare with what Moodle has now rather than trust what the sync last wrote (bin/sync --check,
   * --repair): drift made by hand in Moodle is found, and with `planOnly` off, repaired.
   */
  verify?: boolean;
  /** Names this run: its events are `sync:<runId>:<record id>`. */
  runId: string;
  /** Called after each module is listed, with how many of its records the run takes (the linked ones Zoho no longer lists included). */
  onModule?: (entity: ZohoEntity, listed: number) => void;
}

export interface ReconcileQueued {
  runId: string;
  queued: Partial<Record<ZohoEntity, number>>;
  total: number;
  /** The Zoho API calls the listing made. */
  listingZohoCalls: number;
}

/**
 * Zoho returns a rich-text value cut to 500 characters in a listing (docs/api-facts.md §1b): a
 * record with a text area this long is fetched whole by its flow instead.
 */
const LISTING_TEXT_LIMIT = 500;

/**
 * Bulk load and reconciliation (docs/design.md "The bulk path"): lists every record of the
 * chosen Zoho modules once, 200 a page, with every field the flows read, and stores the run —
 * one event per record (`sync:<runId>:<record id>`, the listed record in its payload), the run's
 * row and its one `bulk_sync` job — in one transaction. The worker's bulk job then syncs them
 * all, dependencies first, with batched Moodle and Zoho calls (worker/bulk/runBulkSync.ts). A
 * module whose records the listing cannot hold whole (subforms come only with a single record)
 * is listed by id and each of its records fetched by its flow. Event ids carry the run id, so
 * storing a run twice adds nothing.
 */
export async function queueReconciliation(
  deps: { db: DatabasePool; zoho: ZohoClient; log: Logger },
  options: ReconcileOptions,
): Promise<ReconcileQueued> {
  const entities = ZOHO_ENTITIES.filter((e) => (options.entities ?? ZOHO_ENTITIES).includes(e));
  const since = options.modifiedSince?.getTime();
  const listing = noCalls();
  const events = [];
  const listed: Partial<Record<ZohoEntity, number>> = {};
  for (const entity of entities) {
    const module = ZOHO_MODULES[entity];
    const mapping = deps.zoho.fieldMappings[module] as ZohoModuleMapping;
    const whole = listsWhole(mapping);
    const modifiedTime = deps.zoho.fields.name(module, 'modifiedTime' as never);
    const fields = whole ? listingFields(mapping, modifiedTime) : [modifiedTime];
    let count = 0;
    const seen = new Set<string>();
    const records = deps.zoho.listRecords(module, { fields });
    for await (const record of countingCalls(listing, records)) {
      seen.add(record.id);
      const value = record[modifiedTime];
      const modified = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (since !== undefined && !(modified >= since)) continue;
      const complete = whole && !hasCutText(mapping, record);
      events.push(runEvent(entity, record.id, options, complete ? { record } : {}));
      count++;
    }
    // A whole-module run also looks at what the sync linked and Zoho no longer lists: deleted in
    // Zoho (a webhook missed), its flow suspends or hides what it made.
    if (since === undefined) {
      for (const zohoId of await liveLinkZohoIds(deps.db, entity)) {
        if (seen.has(zohoId)) continue;
        events.push(runEvent(entity, zohoId, options, { gone: true }));
        count++;
      }
    }
    listed[entity] = count;
    options.onModule?.(entity, count);
  }
  const ids = await recordBulkRun(
    deps.db,
    {
      runId: options.runId,
      entities,
      modifiedSince: options.modifiedSince ?? null,
      dryRun: options.planOnly ?? false,
      verify: options.verify ?? false,
      listingZohoCalls: listing.zoho,
    },
    events,
  );
  const queued: Partial<Record<ZohoEntity, number>> = {};
  events.forEach((event, index) => {
    if (ids[index] !== null) queued[event.entity as ZohoEntity] = (queued[event.entity as ZohoEntity] ?? 0) + 1;
  });
  for (const entity of entities) queued[entity] ??= 0;
  const result: ReconcileQueued = {
    runId: options.runId,
    queued,
    total: ids.filter((id) => id !== null).length,
    listingZohoCalls: listing.zoho,
  };
  deps.log.info({ ...result, listed }, 'reconciliation queued');
  return result;
}

/** A record's event in the run: `sync:<run>:<record id>`. */
function runEvent(entity: ZohoEntity, zohoId: string, options: ReconcileOptions, extra: Record<string, unknown>) {
  return internalEvent({
    kind: `zoho.${entity}`,
    eventId: `sync:${options.runId}:${zohoId}`,
    recordId: zohoId,
    payload: {
      cause: 'reconciliation',
      run: options.runId,
      ...(options.planOnly ? { dry_run: true } : {}),
      ...(options.verify ? { verify: true } : {}),
      ...extra,
    },
  });
}

/** Whether a listing gives the whole record: no subform (they come only with a single record), ≤ 50 fields. */
function listsWhole(mapping: ZohoModuleMapping): boolean {
  const specs = Object.values(mapping);
  return specs.every((spec) => spec.type !== 'subform' && spec.type !== 'multiselect') && specs.length < 50;
}

function listingFields(mapping: ZohoModuleMapping, modifiedTime: string): string[] {
  return [...new Set([...Object.values(mapping).map((spec) => spec.apiName), modifiedTime])].filter(
    (name) => name !== 'id',
  );
}

function hasCutText(mapping: ZohoModuleMapping, record: ZohoRecord): boolean {
  return Object.values(mapping).some((spec) => {
    const value = record[spec.apiName];
    return spec.type === 'textarea' && typeof value === 'string' && value.length >= LISTING_TEXT_LIMIT;
  });
}

/** The records of a listing, its calls counted in `counts` (the listing's cost, apart from the sync's). */
async function* countingCalls(counts: ReturnType<typeof noCalls>, records: AsyncGenerator<ZohoRecord>) {
  for (;;) {
    const next = await countCalls(counts, () => records.next());
    if (next.done) return;
    yield next.value;
  }
}
