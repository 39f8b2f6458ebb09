import { PermanentError } from '../errors.ts';
import type { ZohoFieldMappings, ZohoFieldSpec, ZohoModuleName } from './fieldMappings.ts';

/** A canonical property of one module's mapping (e.g. `academicEmail` of `BTEC_Students`). */
export type ZohoProperty<M extends ZohoModuleName> = keyof ZohoFieldMappings[M] & string;

/** The subform properties of a module, and the row properties of one subform. */
type SubformOf<M extends ZohoModuleName> = {
  [K in ZohoProperty<M>]: ZohoFieldMappings[M][K] extends { type: 'subform' } ? K : never;
}[ZohoProperty<M>];
type RowPropertyOf<M extends ZohoModuleName, S extends SubformOf<M>> = ZohoFieldMappings[M][S] extends {
  subform: infer R;
}
  ? keyof R & string
  : never;

/** Canonical values to write: any mapped properties; a subform's rows in canonical row properties. */
export type ZohoWriteValues<M extends ZohoModuleName> = { [K in ZohoProperty<M>]?: unknown };

/**
 * The org's Zoho API names for our canonical properties, from one mapping (ZOHO_FIELD_MAPPINGS
 * with the college's ZOHO_FIELD_OVERRIDES). Every read, write, COQL query and search goes
 * through it, so an org whose e-mail field is `College_Email` is read, queried and written
 * under that name everywhere — the name is never spelled out in a flow.
 */
export function createZohoFieldNames(mappings: ZohoFieldMappings) {
  const spec = (module: ZohoModuleName, property: string): ZohoFieldSpec => {
    const mapping = mappings[module] as Readonly<Record<string, ZohoFieldSpec>>;
    const found = Object.hasOwn(mapping, property) ? mapping[property] : undefined;
    // Unreachable through the types; a loud failure if a caller goes around them.
    if (!found) throw new PermanentError('zoho.unmapped_field', `${module}.${property} is not in the field mapping`);
    return found;
  };

  const names = {
    /** The API name of a property, e.g. `name('BTEC_Students', 'academicEmail')` → `Academic_Email`. */
    name<M extends ZohoModuleName>(module: M, property: ZohoProperty<M>): string {
      return spec(module, property).apiName;
    },
    /** The API name of a subform column, e.g. `column('BTEC_Grades', 'learningOutcomes', 'code')` → `LO_Code`. */
    column<M extends ZohoModuleName, S extends SubformOf<M>>(
      module: M,
      subform: S,
      rowProperty: RowPropertyOf<M, S>,
    ): string {
      const field = spec(module, subform);
      const column =
        field.type === 'subform' && Object.hasOwn(field.subform, rowProperty) ? field.subform[rowProperty] : undefined;
      if (!column)
        throw new PermanentError(
          'zoho.unmapped_field',
          `${module}.${subform}.${rowProperty} is not in the field mapping`,
        );
      return column.apiName;
    },
    /**
     * Canonical values → a Zoho record body under the org's API names; a subform's rows are
     * renamed column by column (a row's `id` and Zoho's `_delete` pass as they are).
     */
    record<M extends ZohoModuleName>(module: M, values: ZohoWriteValues<M>): Record<string, unknown> {
      const body: Record<string, unknown> = {};
      for (const [property, value] of Object.entries(values)) {
        if (value === undefined) continue;
        const field = spec(module, property);
        if (field.type !== 'subform' || !Array.isArray(value)) {
          body[field.apiName] = value;
          continue;
        }
        body[field.apiName] = (value as Record<string, unknown>[]).map((row) => {
          const renamed: Record<string, unknown> = {};
          for (const [rowProperty, cell] of Object.entries(row)) {
            if (rowProperty === 'id' || rowProperty === '_delete') renamed[rowProperty] = cell;
            else renamed[names.column(module, property as never, rowProperty as never)] = cell;
          }
          return renamed;
        });
      }
      return body;
    },
    /** One property's raw value in a row Zoho answered (COQL, search, GET) under the org's names. */
    read<M extends ZohoModuleName>(row: Record<string, unknown>, module: M, property: ZohoProperty<M>): unknown {
      return row[names.name(module, property)];
    },
  };
  return names;
}

export type ZohoFieldNames = ReturnType<typeof createZohoFieldNames>;
