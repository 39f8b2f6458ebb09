import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import { recordWebhookEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { ZOHO_ENTITIES, ZOHO_MODULES, type ZohoEntity } from '../../shared/domain/events.ts';
import { internalEvent } from '../../shared/domain/internalEvent.ts';

export interface ReconcileOptions {
  /** Entities to sync (default: all; queued in the dependency order of ZOHO_ENTITIES). */
  entities?: ZohoEntity[];
  /** Only records Zoho says were modified at or after this time. */
  modifiedSince?: Date;
  /** The events only plan (their payload says `dry_run`): the runner records what it would do and writes nothing. */
  planOnly?: boolean;
  /** Names this run: its events are `sync:<runId>:<record id>`. */
  runId: string;
  /** Called after each module with how many records it queued. */
  onModule?: (entity: ZohoEntity, queued: number) => void;
}

export interface ReconcileQueued {
  runId: string;
  queued: Partial<Record<ZohoEntity, number>>;
  total: number;
}

/**
 * Bulk load and reconciliation: lists every record of the chosen Zoho modules (id and
 * Modified_Time, 200 a page) and queues one ordinary event per record. The worker then syncs
 * each exactly as it syncs a webhook — fingerprints make unchanged records cost no Moodle
 * write — with retries, and every outcome lands in integration_events_log where `bin/jobs` and
 * `bin/sync`'s summary read it. Event ids carry the run id, so queueing a run twice adds nothing.
 */
export async function queueReconciliation(
  deps: { db: DatabasePool; zoho: ZohoClient; log: Logger },
  options: ReconcileOptions,
): Promise<ReconcileQueued> {
  const entities = options.entities ?? ZOHO_ENTITIES;
  const since = options.modifiedSince?.getTime();
  const result: ReconcileQueued = { runId: options.runId, queued: {}, total: 0 };
  // Dependencies first, so they are mostly synced by their own events (any order works: a flow
  // syncs a missing dependency itself).
  for (const entity of ZOHO_ENTITIES.filter((e) => entities.includes(e))) {
    const module = ZOHO_MODULES[entity];
    let queued = 0;
    const modifiedTime = deps.zoho.fields.name(module, 'modifiedTime');
    for await (const record of deps.zoho.listRecords(module, { fields: [modifiedTime] })) {
      const value = record[modifiedTime];
      const modified = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (since !== undefined && !(modified >= since)) continue;
      const id = await recordWebhookEvent(
        deps.db,
        internalEvent({
          kind: `zoho.${entity}`,
          eventId: `sync:${options.runId}:${record.id}`,
          recordId: record.id,
          payload: { cause: 'reconciliation', run: options.runId, ...(options.planOnly ? { dry_run: true } : {}) },
        }),
      );
      if (id !== null) queued++;
    }
    result.queued[entity] = queued;
    result.total += queued;
    options.onModule?.(entity, queued);
  }
  deps.log.info(result, 'reconciliation queued');
  return result;
}
