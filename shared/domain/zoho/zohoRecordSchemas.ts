import { z } from 'zod';
import { PermanentError } from '../errors.ts';
import {
  ZOHO_FIELD_MAPPINGS,
  type ZohoFieldMappings,
  type ZohoModuleMapping,
  type ZohoModuleName,
  type ZohoScalarFieldSpec,
  type ZohoSubformRowMapping,
} from './fieldMappings.ts';
import { isZohoId, parseFieldValue, type ZohoLookup } from './parseFieldValue.ts';

/**
 * Zod schemas built FROM a field mapping: they read a Zoho record (API names) into a
 * canonical object (our property names). Extra Zoho fields are ignored; every record and
 * subform row keeps its `id`. Types are derived from the mapping, so they follow it exactly.
 */

type Simplify<T> = { [K in keyof T]: T[K] } & {};

// A picklist holds one of the known values or another the org added (kept, with a warning).
type ScalarValue<S> = S extends { type: 'picklist'; picklist: readonly (infer P extends string)[] }
  ? P | (string & {})
  : S extends { type: 'multiselect'; picklist: readonly (infer P extends string)[] }
    ? (P | (string & {}))[]
    : S extends { type: 'multiselect' }
      ? string[]
      : S extends { type: 'lookup' }
        ? ZohoLookup
        : S extends { type: 'integer' | 'number' }
          ? number
          : S extends { type: 'boolean' }
            ? boolean
            : string; // text, email, phone, date, datetime, money (canonical "4400.00"), …

type FieldValue<S> = S extends { type: 'subform'; subform: infer R }
  ? ZohoSubformRowOf<R>[]
  : S extends { required: true }
    ? ScalarValue<S>
    : ScalarValue<S> | null;

/** One subform row: its Zoho row `id` plus the row mapping's properties. */
export type ZohoSubformRowOf<R> = Simplify<{ id: string } & { -readonly [K in keyof R]: FieldValue<R[K]> }>;
/** A parsed record of a module mapping: `id` plus every mapped property. */
export type ZohoRecordOf<M> = Simplify<{ id: string } & { -readonly [K in keyof M]: FieldValue<M[K]> }>;

export type ZohoStudent = ZohoRecordOf<ZohoFieldMappings['BTEC_Students']>;
export type ZohoTeacher = ZohoRecordOf<ZohoFieldMappings['BTEC_Teachers']>;
export type ZohoProgram = ZohoRecordOf<ZohoFieldMappings['Products']>;
export type ZohoUnit = ZohoRecordOf<ZohoFieldMappings['BTEC']>;
export type ZohoClass = ZohoRecordOf<ZohoFieldMappings['BTEC_Classes']>;
export type ZohoEnrollment = ZohoRecordOf<ZohoFieldMappings['BTEC_Enrollments']>;
export type ZohoRegistration = ZohoRecordOf<ZohoFieldMappings['BTEC_Registrations']>;
export type ZohoPayment = ZohoRecordOf<ZohoFieldMappings['BTEC_Payments']>;
export type ZohoGrade = ZohoRecordOf<ZohoFieldMappings['BTEC_Grades']>;
export type ZohoInstallment = ZohoRegistration['paymentSchedule'][number];
export type ZohoLearningOutcome = ZohoGrade['learningOutcomes'][number];
export type ZohoGradingTemplateRow = ZohoUnit['gradingTemplateP1'][number];
export type ZohoRecordByModule = { [K in ZohoModuleName]: ZohoRecordOf<ZohoFieldMappings[K]> };

const idSchema = z.unknown().transform((value, ctx) => {
  if (isZohoId(value)) return value;
  ctx.addIssue({ code: 'custom', message: value == null || value === '' ? 'is missing' : 'is not a Zoho record id' });
  return z.NEVER;
});

function scalarSchema(spec: ZohoScalarFieldSpec) {
  return z.unknown().transform((value, ctx) => {
    const result = parseFieldValue(spec, value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  });
}

/** z.object over API names (unknown keys stripped), then renamed to canonical properties. */
function objectSchema(fields: ReadonlyArray<readonly [string, string, z.ZodType]>, notObject: string) {
  const shape: Record<string, z.ZodType> = { id: idSchema };
  for (const [, apiName, schema] of fields) shape[apiName] = schema;
  // A key Zoho left out reads as null: zod 4 objects refuse absent keys before any transform.
  const absent = Object.fromEntries(Object.keys(shape).map((apiName) => [apiName, null]));
  const withAllKeys = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...absent, ...value } : value;
  return z.preprocess(withAllKeys, z.object(shape, { error: notObject })).transform((byApiName) => {
    const canonical: Record<string, unknown> = { id: byApiName.id };
    for (const [property, apiName] of fields) canonical[property] = byApiName[apiName];
    return canonical;
  });
}

function subformSchema(rows: ZohoSubformRowMapping) {
  const rowSchema = objectSchema(
    Object.entries(rows).map(([property, spec]) => [property, spec.apiName, scalarSchema(spec)] as const),
    'is not a subform row',
  );
  return z.preprocess(
    (value) => (value === null || value === undefined || value === '' ? [] : value),
    z.array(rowSchema, { error: 'is not a list of subform rows' }),
  );
}

/** The zod schema that reads one Zoho record of `mapping` into a canonical object. */
export function buildRecordSchema<M extends ZohoModuleMapping>(mapping: M): z.ZodType<ZohoRecordOf<M>> {
  const fields = Object.entries(mapping).map(
    ([property, spec]) =>
      [property, spec.apiName, spec.type === 'subform' ? subformSchema(spec.subform) : scalarSchema(spec)] as const,
  );
  return objectSchema(fields, 'is not a record object') as unknown as z.ZodType<ZohoRecordOf<M>>;
}

/** One bad field of a rejected record: its API-name path and why, never its value. */
export interface ZohoFieldProblem {
  field: string;
  reason: string;
}

/** A Zoho record that does not match its mapping. The message names fields, never values. */
export class ZohoRecordError extends PermanentError {
  readonly module: string;
  readonly recordId: string | null;
  readonly problems: readonly ZohoFieldProblem[];
  constructor(module: string, recordId: string | null, problems: readonly ZohoFieldProblem[]) {
    const list = problems.map((p) => (p.field ? `${p.field} ${p.reason}` : `record ${p.reason}`)).join('; ');
    super('zoho.invalid_record', `${module} ${recordId ?? '<no valid id>'}: ${list}`);
    this.module = module;
    this.recordId = recordId;
    this.problems = problems;
  }
}

const schemaCache = new WeakMap<ZohoModuleMapping, z.ZodType>();

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`))
    .join('');
}

/**
 * Reads a raw Zoho record (as the REST API returns it) of `module` into a typed canonical object.
 * @throws {ZohoRecordError} (a PermanentError, code `zoho.invalid_record`) naming every bad field.
 */
export function parseZohoRecord<Mod extends ZohoModuleName>(
  module: Mod,
  raw: unknown,
  mappings: ZohoFieldMappings = ZOHO_FIELD_MAPPINGS,
): ZohoRecordByModule[Mod] {
  const mapping: ZohoModuleMapping | undefined = Object.hasOwn(mappings, module) ? mappings[module] : undefined;
  if (!mapping) throw new PermanentError('zoho.unknown_module', `no field mapping for Zoho module ${module}`);
  let schema = schemaCache.get(mapping);
  if (!schema) {
    schema = buildRecordSchema(mapping);
    schemaCache.set(mapping, schema);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data as ZohoRecordByModule[Mod];
  const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  const problems = result.error.issues.map((issue) => ({ field: fieldPath(issue.path), reason: issue.message }));
  throw new ZohoRecordError(module, isZohoId(rawId) ? rawId : null, problems);
}
