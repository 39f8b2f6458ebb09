import { z } from 'zod';

/**
 * One field of Zoho's fields metadata (`GET /crm/v8/settings/fields?module=`, scope
 * `ZohoCRM.settings.fields.READ`), as far as the service uses it. Shape from Zoho's own OpenAPI
 * description (github.com/zoho/crm-oas, v8.0/fields.json): `fields[].api_name`, `data_type`,
 * `pick_list_values[].actual_value` (the value records hold; `display_value` is the label),
 * `unique` (nullable; its one documented property is `casesensitive`). Assumed, as no recorded
 * answer says otherwise: a field is unique when `unique` is an object holding `casesensitive`
 * (an empty object or null is read as not unique, so a doubt is reported, never hidden).
 */
export interface ZohoFieldMetadata {
  apiName: string;
  /** Zoho's data type: text, email, picklist, multiselectpicklist, lookup, currency, datetime, … */
  dataType: string;
  /** `actual_value`s of a picklist, used and unused; null for other fields. */
  picklist: string[] | null;
  unique: boolean;
}

export const fieldsMetadataSchema = z.object({
  fields: z.array(
    z.looseObject({
      api_name: z.string(),
      data_type: z.string(),
      pick_list_values: z.array(z.looseObject({ actual_value: z.string() })).nullish(),
      unique: z.looseObject({}).nullish(),
    }),
  ),
});

export function toFieldMetadata(body: z.infer<typeof fieldsMetadataSchema>): ZohoFieldMetadata[] {
  return body.fields.map((field) => ({
    apiName: field.api_name,
    dataType: field.data_type,
    picklist: field.pick_list_values ? field.pick_list_values.map((value) => value.actual_value) : null,
    unique: typeof field.unique === 'object' && field.unique !== null && 'casesensitive' in field.unique,
  }));
}
