import { unitCriteria } from '../zoho/unitCriteria.ts';
import type { ZohoUnit } from '../zoho/zohoRecordSchemas.ts';
import type { MappedDashboardRecord } from './dashboardRecords.ts';
import { pluginText } from './pluginValues.ts';

/**
 * A BTEC unit (module `BTEC`) → the plugin's unit template: its criteria in order P1…P20
 * (P11–P20 from the `BTEC_Grading_Template_P1` subform), M1…M9, D1…D6, criteria without a
 * description left out (see unitCriteria). The plugin derives each criterion's level from its
 * letter.
 */
export function mapUnit(unit: ZohoUnit): MappedDashboardRecord<'unit'> {
  return {
    record: {
      zohoid: unit.id,
      name: pluginText(unit.name),
      unitcode: pluginText(unit.unitCode),
      unitlevel: unit.unitLevel ?? '',
      criteria: unitCriteria(unit).map((criterion) => ({
        code: criterion.code,
        description: pluginText(criterion.description),
      })),
    },
    warnings: [],
  };
}
