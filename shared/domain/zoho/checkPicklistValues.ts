import type { ZohoModuleMapping, ZohoScalarFieldSpec } from './fieldMappings.ts';

/** The org's own picklist values of one module: API name → its values (Zoho's fields metadata). */
export type OrgPicklists = ReadonlyMap<string, readonly string[]>;

/** A value a `decidedBy` field holds that neither the org nor the mapping knows. */
export interface UndecidedPicklistValue {
  field: string;
  value: string;
  setting: string;
}

export interface PicklistCheck {
  /** Values kept although unknown: `BTEC_Payments 123: Payment_Method "Card" is not …`. */
  warnings: string[];
  /** Unknown values of fields whose meaning a setting decides: the event cannot go on. */
  undecided: UndecidedPicklistValue[];
}

/**
 * Which picklist values of a parsed record are unknown: not in the org's list for the field
 * (when the org's lists are known), else not in the mapping's shipped list. Reads the canonical
 * record (after parseZohoRecord), so subform columns are checked row by row. Pure.
 */
export function checkPicklistValues(
  module: string,
  mapping: ZohoModuleMapping,
  record: { id: string } & Record<string, unknown>,
  org: OrgPicklists | undefined,
): PicklistCheck {
  const check: PicklistCheck = { warnings: [], undecided: [] };
  const visit = (spec: ZohoScalarFieldSpec, value: unknown, where: string) => {
    if (spec.type !== 'picklist' && spec.type !== 'multiselect') return;
    const known = org?.get(spec.apiName) ?? spec.picklist;
    if (!known) return;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one !== 'string' || known.includes(one)) continue;
      const source = org?.has(spec.apiName)
        ? "the org's values"
        : "the values this service ships with (the org's list could not be read)";
      if (spec.decidedBy) check.undecided.push({ field: where, value: one, setting: spec.decidedBy });
      else check.warnings.push(`${module} ${record.id}: ${where} "${one}" is not one of ${source}; kept as it is`);
    }
  };
  for (const [property, spec] of Object.entries(mapping)) {
    const value = record[property];
    if (spec.type !== 'subform') {
      visit(spec, value, spec.apiName);
      continue;
    }
    if (!Array.isArray(value)) continue;
    value.forEach((row: Record<string, unknown>, index) => {
      for (const [column, columnSpec] of Object.entries(spec.subform))
        visit(columnSpec, row[column], `${spec.apiName}[${index}].${columnSpec.apiName}`);
    });
  }
  return check;
}
