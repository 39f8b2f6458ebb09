import { ZOHO_FIELD_MAPPINGS, type ZohoFieldSpec } from '../../shared/domain/zoho/fieldMappings.ts';
import { ZohoError } from './zohoError.ts';
import type { ZohoStore } from './zohoStore.ts';

/** One field as `GET /crm/v8/settings/fields?module=` describes it (the parts the service reads). */
export interface OrgFieldDefinition {
  api_name: string;
  data_type: string;
  field_label?: string;
  /** Picklist values (`actual_value`s); absent for other fields. */
  values?: string[];
  /**
   * A picklist the export lists no values of (e.g. `Nationality`, 246 countries): the org is taken
   * to offer every value its records hold.
   */
  valuesFromRecords?: boolean;
}

/**
 * The college org's data types for our parse types. Where the export says otherwise (registration
 * `Program_Price` / `Remaining_Amount` are Zoho text holding "4400$"), the type is the export's.
 */
const DATA_TYPE: Record<ZohoFieldSpec['type'], string> = {
  text: 'text',
  textarea: 'textarea',
  autonumber: 'autonumber',
  email: 'email',
  phone: 'phone',
  url: 'website',
  date: 'date',
  datetime: 'datetime',
  picklist: 'picklist',
  multiselect: 'multiselectpicklist',
  lookup: 'lookup',
  money: 'currency',
  number: 'double',
  integer: 'integer',
  boolean: 'boolean',
  textOrNumber: 'text',
  subform: 'subform',
};
const TEXT_IN_THE_EXPORT = new Set(['BTEC_Registrations.Program_Price', 'BTEC_Registrations.Remaining_Amount']);

/** The college org's fields per module, from its export (ZOHO_FIELD_MAPPINGS lists only what the sync uses). */
function collegeFields(module: string): OrgFieldDefinition[] {
  const mapping = (ZOHO_FIELD_MAPPINGS as Record<string, Record<string, ZohoFieldSpec>>)[module];
  if (!mapping) return [];
  return Object.values(mapping).map((spec) => ({
    api_name: spec.apiName,
    data_type: TEXT_IN_THE_EXPORT.has(`${module}.${spec.apiName}`) ? 'text' : DATA_TYPE[spec.type],
    ...(spec.type === 'picklist' || spec.type === 'multiselect'
      ? spec.picklist
        ? { values: [...spec.picklist] }
        : { values: [], valuesFromRecords: true }
      : {}),
  }));
}

/**
 * The simulated org's field metadata: the college export by default, changed per test (a field
 * renamed, a picklist value added in Zoho, the metadata made unreadable for a token without
 * `ZohoCRM.settings.fields.READ`). Answers in the v8 shape (github.com/zoho/crm-oas v8.0/fields.json):
 * `{ fields: [{ api_name, data_type, field_label, id, pick_list_values: [{ actual_value, display_value,
 * id, sequence_number, type, colour_code }], unique: { casesensitive } | null, system_mandatory }] }`.
 */
export function createOrgFields(store: ZohoStore) {
  const changed = new Map<string, OrgFieldDefinition[]>();
  let readable = true;
  const fieldsOf = (module: string) => changed.get(module) ?? collegeFields(module);
  const valuesHeld = (module: string, apiName: string) => {
    const held = new Set<string>();
    for (const record of store.records(module)) {
      const value = record.data[apiName];
      for (const one of Array.isArray(value) ? value : [value])
        if (typeof one === 'string' && one !== '' && one !== '-None-') held.add(one);
    }
    return [...held].sort();
  };
  return {
    fieldsOf,
    set(module: string, fields: OrgFieldDefinition[]): void {
      changed.set(module, structuredClone(fields));
    },
    /** An admin adds a value to a picklist in Zoho's setup. */
    addPicklistValue(module: string, apiName: string, value: string): void {
      const fields = structuredClone(fieldsOf(module));
      const field = fields.find((f) => f.api_name === apiName);
      if (!field) throw new Error(`simulator: ${module} has no field ${apiName}`);
      field.values = [...(field.values ?? []), value];
      changed.set(module, fields);
    },
    setReadable(value: boolean): void {
      readable = value;
    },
    /** `GET /settings/fields?module=…`. */
    answer(query: Record<string, string>): { status: number; body: unknown } {
      if (!readable) throw new ZohoError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL', {});
      const module = query.module;
      if (!module)
        throw new ZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
          param: 'module',
        });
      if (!store.hasModule(module))
        throw new ZohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { param: 'module' });
      const unique = new Set(store.uniqueFields.get(module) ?? []);
      let id = 5_725_767_000_001_000;
      return {
        status: 200,
        body: {
          fields: fieldsOf(module)
            .map((field) =>
              field.valuesFromRecords ? { ...field, values: valuesHeld(module, field.api_name) } : field,
            )
            .map((field, index) => ({
              api_name: field.api_name,
              data_type: field.data_type,
              field_label: field.field_label ?? field.api_name.replace(/_/g, ' '),
              display_label: field.field_label ?? field.api_name.replace(/_/g, ' '),
              id: String(id++),
              sequence_number: index + 1,
              system_mandatory: field.api_name === 'Name',
              unique: unique.has(field.api_name) ? { casesensitive: 'false' } : null,
              ...(field.values
                ? {
                    pick_list_values: [
                      {
                        actual_value: '-None-',
                        display_value: '-None-',
                        id: String(id++),
                        sequence_number: 1,
                        type: 'used',
                        colour_code: null,
                      },
                      ...field.values.map((value, n) => ({
                        actual_value: value,
                        display_value: value,
                        id: String(id++),
                        sequence_number: n + 2,
                        type: 'used',
                        colour_code: null,
                      })),
                    ],
                  }
                : {}),
            })),
        },
      };
    },
  };
}

export type OrgFields = ReturnType<typeof createOrgFields>;
