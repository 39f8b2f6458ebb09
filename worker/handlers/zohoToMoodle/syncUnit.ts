import { getLink } from '../../../shared/db/queries/syncLinks.ts';
import { mapUnit } from '../../../shared/domain/dashboard/mapUnit.ts';
import { applyDashboardRecord, removeDashboardRecord } from './applyDashboardRecord.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A BTEC unit (module `BTEC`) → its grading template in the plugin (name, code, level and the
 * P/M/D criteria, P11–P20 included). Deleted in Zoho → removed with its criteria.
 */
export async function syncUnit(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const link = await getLink(run.ctx.db, 'unit', zohoId);
  const unit = await run.zoho.fetchRecord('BTEC', zohoId);
  if (!unit) return removeDashboardRecord(run, 'unit', zohoId, link, 'BTEC');
  return applyDashboardRecord(run, { entity: 'unit', zohoId, link, mapped: mapUnit(unit), userId: null });
}
