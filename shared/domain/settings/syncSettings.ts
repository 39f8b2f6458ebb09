import { z } from 'zod';
import { PermanentError } from '../errors.ts';

// The settings (app_settings rows, README "Settings") as the domain knows them: their schemas,
// defaults and types. Reading and writing them is shared/db/queries/appSettings.ts.

const direction = z.enum(['zoho_to_moodle', 'moodle_to_zoho', 'bidirectional', 'disabled']);
/** A role by standard shortname (`student`) or by numeric id (custom roles). */
const roleRef = z.union([z.string().min(1), z.number().int().positive()]);

/**
 * The `app_settings` keys the sync reads, each with the default the migrations seed, so a
 * deleted row behaves like a fresh install. Read on every event: a change applies to the
 * next event without a restart.
 */
const SETTING_SCHEMAS = {
  'modules.enabled': z.record(z.string(), z.boolean()).default({}),
  'workflows.auto_enabled': z.record(z.string(), z.boolean()).default({}),
  'sync.directions': z.record(z.string(), direction).default({}),
  'system.dry_run': z
    .object({ enabled: z.boolean(), modules: z.array(z.string()).default([]) })
    .default({ enabled: false, modules: [] }),
  'moodle.roles': z
    .object({
      student: roleRef.default('student'),
      teacher: roleRef.default('editingteacher'),
      non_editing_teacher: roleRef.default('teacher'),
    })
    .default({ student: 'student', teacher: 'editingteacher', non_editing_teacher: 'teacher' }),
  'moodle.new_users': z.object({ auth: z.string().min(1).default('manual') }).default({ auth: 'manual' }),
  'classes.create_when_status': z.array(z.string()).default(['Active']),
  'sync.reconcile': z
    .object({
      enabled: z.boolean().default(true),
      since_hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 31)
        .default(26),
    })
    .default({ enabled: true, since_hours: 26 }),
  grades: z
    .object({
      points_thresholds: z
        .object({ D: z.number().min(0).max(100), M: z.number().min(0).max(100), P: z.number().min(0).max(100) })
        .refine((t) => t.D >= t.M && t.M >= t.P, 'must satisfy D ≥ M ≥ P')
        .default({ D: 70, M: 60, P: 40 }),
      iv_role_shortname: z.string().default('internalverifier'),
      /** The nightly F / RR rules (worker crontab). */
      btec_rules_enabled: z.boolean().default(true),
      /** Days after a first-attempt Refer before a missing second attempt becomes RR. */
      rr_after_days: z.number().int().min(0).max(365).default(14),
    })
    .default({
      points_thresholds: { D: 70, M: 60, P: 40 },
      iv_role_shortname: 'internalverifier',
      btec_rules_enabled: true,
      rr_after_days: 14,
    }),
  'students.suspend_when_status': z
    .array(z.string())
    .default(['Passive', 'Withdraw', 'Graduated', 'Blocked', 'Unregistered']),
} as const;

/**
 * Settings read in SQL where they apply (maxAttemptsSql, pruneEventsByRetention, which fall back to
 * their defaults on an odd value), so not by loadSyncSettings; bin/settings validates them with these.
 */
const SQL_READ_SETTING_SCHEMAS = {
  'retry.policy': z
    .object({ max_attempts: z.number().int().min(1).max(32_767).default(12) })
    .default({ max_attempts: 12 }),
  'events.retention': z
    .object({
      completed_days: z.number().int().min(1).max(36_500).default(90),
      failed_days: z.number().int().min(1).max(36_500).default(365),
    })
    .default({ completed_days: 90, failed_days: 365 }),
} as const;

/** Every key bin/settings and the admin API may change, with its value's schema (also rendered in /openapi.json). */
export const ALL_SETTING_SCHEMAS = { ...SETTING_SCHEMAS, ...SQL_READ_SETTING_SCHEMAS };
export type AnySettingKey = keyof typeof ALL_SETTING_SCHEMAS;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
/** The keys loadSyncSettings reads (the others are read in SQL where they apply). */
export const SYNC_SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];
export type SyncSettings = { [K in SettingKey]: z.output<(typeof SETTING_SCHEMAS)[K]> };
export type SyncDirection = z.infer<typeof direction>;

/** The sync settings from stored values, validated key by key (shared/db/queries/appSettings.ts `loadSyncSettings` reads them). */
export function parseSyncSettings(values: Partial<Record<string, unknown>>): SyncSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SETTING_SCHEMAS)) {
    const parsed = (schema as z.ZodType).safeParse(values[key] ?? undefined);
    if (!parsed.success) {
      const problem = parsed.error.issues
        .map((issue) => `${[key, ...issue.path].join('.')}: ${issue.message}`)
        .join('; ');
      throw new PermanentError('settings.invalid', `app_settings ${problem}`);
    }
    settings[key] = parsed.data;
  }
  return settings as SyncSettings;
}

/** What a setting change is refused for: an unknown key, or a value its schema does not accept. */
export class SettingError extends PermanentError {}

/** The keys the service reads, in the order it documents them. */
export const SETTING_KEYS = Object.keys(ALL_SETTING_SCHEMAS) as AnySettingKey[];

/** The key, when the service reads it. @throws SettingError `settings.unknown_key` listing the keys. */
export function checkSettingKey(key: string): AnySettingKey {
  if (!(SETTING_KEYS as string[]).includes(key)) {
    throw new SettingError(
      'settings.unknown_key',
      `unknown setting ${JSON.stringify(key)}; the settings are ${SETTING_KEYS.join(', ')}`,
    );
  }
  return key as AnySettingKey;
}

/**
 * A value for `key`, validated with the schema the worker reads it with (defaults filled in).
 * @throws SettingError naming the key path and the reason; the value is never written.
 */
export function validateSetting(key: string, value: unknown): { key: AnySettingKey; value: unknown } {
  const known = checkSettingKey(key);
  const parsed = (ALL_SETTING_SCHEMAS[known] as z.ZodType).safeParse(value);
  if (!parsed.success) {
    throw new SettingError(
      'settings.invalid',
      parsed.error.issues.map((issue) => `${[known, ...issue.path].join('.')}: ${issue.message}`).join('; '),
    );
  }
  return { key: known, value: parsed.data };
}

/** The value a key has on a fresh install (its schema's default). */
export function defaultSetting(key: string): unknown {
  return (ALL_SETTING_SCHEMAS[checkSettingKey(key)] as z.ZodType).parse(undefined);
}
