import type { ZohoModuleName } from '../../domain/zoho/fieldMappings.ts';
import { createCallBatcher, type BatchWindow } from '../createCallBatcher.ts';
import { ZOHO_MAX_WRITE_BATCH, type ZohoClient, type ZohoRecord } from './createZohoClient.ts';

export const ZOHO_BATCH: BatchWindow = { maxItems: ZOHO_MAX_WRITE_BATCH, idleMs: 15, maxWaitMs: 250 };

/**
 * The Zoho client of the bulk path (worker/bulk/runBulkSync.ts): a record the run's listing
 * already holds (`listed`, keyed `<module>:<id>`) is not fetched again but validated as a
 * fetched one is (`checkRecord`), and the updates many records' flows make at about the same
 * time (the Moodle ids written back) go to Zoho together, 100 a call, each record reading its
 * own result. Everything else goes straight through.
 */
export function createBatchedZohoClient(
  zoho: ZohoClient,
  listed: ReadonlyMap<string, ZohoRecord>,
  window: BatchWindow = ZOHO_BATCH,
): ZohoClient {
  type Written = { id: string; action: 'insert' | 'update' };
  const updates = new Map<string, (records: ZohoRecord[]) => Promise<Written[]>>();
  const updateOf = (module: string) => {
    let batcher = updates.get(module);
    if (!batcher) {
      batcher = createCallBatcher<ZohoRecord, Written>({
        ...window,
        call: async (records: ZohoRecord[]) =>
          (await zoho.update(module, records)).map((outcome) =>
            outcome.ok ? { id: outcome.id, action: outcome.action } : outcome.error,
          ),
      });
      updates.set(module, batcher);
    }
    return batcher;
  };

  async function fetchRecordChecked<M extends ZohoModuleName>(module: M, id: string) {
    const raw = listed.get(listedKey(module, id));
    return raw ? zoho.checkRecord(module, raw) : zoho.fetchRecordChecked(module, id);
  }

  return {
    ...zoho,
    fetchRecordChecked,
    fetchRecord: async (module, id) => (await fetchRecordChecked(module, id)).record,
    updateOne: async (module, record) => (await updateOf(module)([record]))[0]!,
  };
}

export function listedKey(module: string, id: string): string {
  return `${module}:${id}`;
}
