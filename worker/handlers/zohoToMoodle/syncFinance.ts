import { getLink } from '../../../shared/db/queries/syncLinks.ts';
import { isEmptyFinance, mapFinance } from '../../../shared/domain/dashboard/mapFinance.ts';
import type { ZohoStudent } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { applyDashboardRecord, removeDashboardRecord } from './applyDashboardRecord.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A student's finance summary → the plugin (`local_zohosync_upsert_finance`, keyed by the
 * student's Zoho id), after the student's own sync gave their Moodle user. Null when there is
 * nothing to do and nothing to report: a summary with every field empty that was never on the
 * dashboard costs no call and leaves no link. Emptied in Zoho, or the student deleted in
 * Zoho → removed from the dashboard.
 */
export async function syncFinance(
  run: ZohoSyncRun,
  student: ZohoStudent | null,
  studentZohoId: string,
  userId: number | null,
): Promise<EntityResult | null> {
  const link = await getLink(run.ctx.db, 'finance', studentZohoId);
  const onDashboard = link?.state === 'active';
  if (!student) return onDashboard ? removeDashboardRecord(run, 'finance', studentZohoId, link, 'BTEC_Students') : null;

  const mapped = mapFinance(student, userId ?? 0);
  if (isEmptyFinance(mapped.record)) {
    return onDashboard
      ? removeDashboardRecord(run, 'finance', studentZohoId, link, 'BTEC_Students', 'finance fields emptied in Zoho')
      : null;
  }
  if (userId === null && !run.dryRun) {
    return {
      entity: 'finance',
      zohoId: studentZohoId,
      action: 'skipped',
      moodleId: null,
      reason: 'the student has no Moodle account: no dashboard to show the finance summary on',
    };
  }
  return applyDashboardRecord(run, { entity: 'finance', zohoId: studentZohoId, link, mapped, userId });
}
