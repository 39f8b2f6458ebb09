import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { mapUnit } from '../../shared/domain/dashboard/mapUnit.ts';
import { planDashboardPush, planDashboardRemoval } from '../../shared/domain/sync/planDashboardRecord.ts';
import type { SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import type { ZohoUnit } from '../../shared/domain/zoho/zohoRecordSchemas.ts';
import { defineFlow } from '../pipeline/flow.ts';

export interface UnitState {
  zohoId: string;
  link: SyncLink | null;
  unit: ZohoUnit | null;
}

/**
 * A BTEC unit (module `BTEC`) → its grading template in the plugin (name, code, level and the
 * P/M/D criteria, P11–P20 included). Deleted in Zoho → removed with its criteria. Pure.
 */
export function planUnit({ zohoId, link, unit }: UnitState): SyncPlan {
  if (!unit) return planDashboardRemoval('unit', zohoId, link, 'BTEC');
  const mapped = mapUnit(unit);
  return planDashboardPush({
    entity: 'unit',
    zohoId,
    link,
    mapped,
    userId: null,
  });
}

/** `zoho.unit`: the dashboard's grading templates, always Zoho → Moodle. */
export const zohoUnit = defineFlow<UnitState>({
  kind: 'zoho.unit',
  gate: { module: 'BTEC', direction: null, needs: ['zoho', 'moodle'] },
  async read(io, { recordId }) {
    return {
      zohoId: recordId,
      link: await getLink(io.db, 'unit', recordId),
      unit: await io.zoho.fetchRecord('BTEC', recordId),
    };
  },
  plan: planUnit,
});
