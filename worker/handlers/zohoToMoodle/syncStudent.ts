import { flowsToMoodle } from '../../../shared/domain/sync/syncDirections.ts';
import { syncFinance } from './syncFinance.ts';
import { syncPerson } from './syncPerson.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A `zoho.student` event: the student's Moodle account first (the event's result), then —
 * when `sync.directions.finance` flows Zoho → Moodle — their finance summary on the dashboard,
 * reported under `details.finance`. The record is fetched once for both. A failing finance push
 * fails the event (retried or shown as failed); the account part is idempotent, so a retry
 * finds it unchanged and only the finance push is redone.
 */
export async function syncStudent(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const record = await run.zoho.fetchRecord('BTEC_Students', zohoId);
  const result = await syncPerson(run, 'student', zohoId, { record });
  if (!flowsToMoodle(run.settings, 'finance')) return result;
  const finance = await syncFinance(run, record, zohoId, result.moodleId);
  if (finance) result.details = { ...result.details, finance };
  return result;
}
