import type { ZohoFieldSpec, ZohoModuleMapping, ZohoScalarFieldType } from './fieldMappings.ts';

/** One field of the org as Zoho's fields metadata describes it (see zohoFieldMetadata.ts). */
export interface OrgField {
  apiName: string;
  dataType: string;
  picklist: string[] | null;
  unique: boolean;
}

/** What the service relies on in one module beyond reading it. */
export interface ModuleReliance {
  /** Picklist values the service writes, by property (e.g. every grade letter). */
  writes?: Readonly<Record<string, readonly string[]>>;
  /** Properties whose field must be unique in Zoho (a key records are found and upserted by). */
  unique?: readonly string[];
}

export interface FieldProblem {
  property: string;
  detail: string;
  fix: string;
}

/**
 * Zoho data types each of our parse types can read. Zoho's names (Kaizen #1 "Fields in CRM",
 * the v8 fields metadata): text, textarea, email, phone, website, picklist, multiselectpicklist,
 * date, datetime, integer, bigint, double, decimal, currency, percent, boolean, lookup,
 * ownerlookup, autonumber, formula, subform. Money is also read from text ("4400$").
 */
const COMPATIBLE: Record<ZohoScalarFieldType | 'subform', readonly string[]> = {
  text: ['text', 'textarea', 'autonumber', 'phone', 'email', 'website', 'formula', 'picklist'],
  textarea: ['textarea', 'text', 'formula'],
  autonumber: ['autonumber', 'text'],
  phone: ['phone', 'text'],
  email: ['email', 'text'],
  url: ['website', 'text'],
  date: ['date', 'formula'],
  datetime: ['datetime', 'formula'],
  picklist: ['picklist'],
  multiselect: ['multiselectpicklist'],
  lookup: ['lookup', 'ownerlookup'],
  money: ['currency', 'double', 'decimal', 'integer', 'bigint', 'text', 'formula'],
  number: ['double', 'decimal', 'integer', 'bigint', 'currency', 'percent', 'formula'],
  integer: ['integer', 'bigint', 'text', 'formula'],
  boolean: ['boolean'],
  textOrNumber: ['text', 'textarea', 'double', 'decimal', 'integer'],
  subform: ['subform'],
};

/**
 * Compares one module's mapping (with the college's overrides) with the org's fields: every
 * mapped field exists with a type we can read, the picklist values we write are in the org's
 * list, and the fields we find records by are unique. Subform columns are not in the module's
 * metadata (each subform is a module of its own) and are not checked. Pure.
 */
export function compareFieldsWithOrg(
  module: string,
  mapping: ZohoModuleMapping,
  org: readonly OrgField[],
  reliance: ModuleReliance = {},
): FieldProblem[] {
  const byName = new Map(org.map((field) => [field.apiName, field]));
  const problems: FieldProblem[] = [];
  const override = (property: string) => `ZOHO_FIELD_OVERRIDES='{"${module}":{"${property}":"<the org's API name>"}}'`;
  for (const [property, spec] of Object.entries(mapping) as [string, ZohoFieldSpec][]) {
    const field = byName.get(spec.apiName);
    if (!field) {
      problems.push({
        property,
        detail: `${module}.${spec.apiName} (${property}) is not a field of the org`,
        fix: `create the field in Zoho, or name the org's field: ${override(property)}`,
      });
      continue;
    }
    if (!COMPATIBLE[spec.type].includes(field.dataType)) {
      problems.push({
        property,
        detail: `${module}.${spec.apiName} is a Zoho ${field.dataType} field; the service reads ${property} as ${spec.type} (one of ${COMPATIBLE[spec.type].join(', ')})`,
        fix: `point ${property} at a field of a fitting type: ${override(property)}`,
      });
    }
  }
  for (const [property, values] of Object.entries(reliance.writes ?? {})) {
    const spec = mapping[property];
    const field = spec ? byName.get(spec.apiName) : undefined;
    if (!spec || !field || !field.picklist) continue;
    const missing = values.filter((value) => !field.picklist!.includes(value));
    if (missing.length) {
      problems.push({
        property,
        detail: `${module}.${spec.apiName} lacks the value${missing.length > 1 ? 's' : ''} ${missing.map((v) => `"${v}"`).join(', ')} that the service writes`,
        fix: `add ${missing.length > 1 ? 'them' : 'it'} to the picklist in Zoho (Setup → Modules and Fields → ${module} → ${spec.apiName})`,
      });
    }
  }
  for (const property of reliance.unique ?? []) {
    const spec = mapping[property];
    const field = spec ? byName.get(spec.apiName) : undefined;
    if (!spec || !field || field.unique) continue;
    problems.push({
      property,
      detail: `${module}.${spec.apiName} is not unique in the org; the service finds and upserts records by it, so a retried write could make a second record`,
      fix: `mark the field "Do not allow duplicate values" in Zoho (Setup → Modules and Fields → ${module})`,
    });
  }
  return problems;
}
