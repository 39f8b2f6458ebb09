import { sql, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { PermanentError } from '../../domain/errors.ts';

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
type AnySettingKey = keyof typeof ALL_SETTING_SCHEMAS;

type SettingKey = keyof typeof SETTING_SCHEMAS;
export type SyncSettings = { [K in SettingKey]: z.output<(typeof SETTING_SCHEMAS)[K]> };
export type SyncDirection = z.infer<typeof direction>;

const rowSchema = z.object({ key: z.string(), value: z.unknown() });

/**
 * The sync settings, validated key by key.
 * @throws PermanentError `settings.invalid` naming the key and what is wrong with it (an
 *   operator fixes the row, then re-queues the failed events with `bin/jobs retry --failed`).
 */
export async function loadSyncSettings(db: CommonQueryMethods): Promise<SyncSettings> {
  const keys = Object.keys(SETTING_SCHEMAS);
  const rows = await db.any(
    sql.type(rowSchema)`select key, value from app_settings where key = any(${sql.array(keys, 'text')})`,
  );
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  return parseSyncSettings(Object.fromEntries(stored));
}

/** Pure half of loadSyncSettings (also used by tests to build settings without a database). */
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

function checkKey(key: string): AnySettingKey {
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
  const known = checkKey(key);
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
  return (ALL_SETTING_SCHEMAS[checkKey(key)] as z.ZodType).parse(undefined);
}

const storedSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  description: z.string(),
  updated_at: z.coerce.date(),
  updated_by: z.string(),
});
/** One row of app_settings_history, as read (and as the admin API answers it). */
export const settingChangeSchema = z.object({
  id: z.coerce.number(),
  key: z.string(),
  old_value: z.unknown(),
  new_value: z.unknown(),
  changed_by: z.string(),
  changed_at: z.coerce.date(),
});
export type SettingRow = {
  key: AnySettingKey;
  value: unknown;
  isDefault: boolean;
  description: string;
  updatedAt: Date | null;
  updatedBy: string | null;
};
export type SettingChange = z.infer<typeof settingChangeSchema>;

/** Every setting the service reads: the stored value (or the default, when no row holds one) and who changed it last. */
export async function listSettings(db: CommonQueryMethods): Promise<SettingRow[]> {
  const rows = await db.any(
    sql.type(storedSchema)`select key, value, description, updated_at, updated_by from app_settings`,
  );
  const stored = new Map(rows.map((row) => [row.key, row]));
  return SETTING_KEYS.map((key) => {
    const row = stored.get(key);
    return row
      ? {
          key,
          value: row.value,
          isDefault: false,
          description: row.description,
          updatedAt: row.updated_at,
          updatedBy: row.updated_by,
        }
      : { key, value: defaultSetting(key), isDefault: true, description: '', updatedAt: null, updatedBy: null };
  });
}

/**
 * Sets one setting after validating it, and records the change (old and new value, who, when)
 * in the same transaction. A value equal to the stored one changes and records nothing.
 * @returns the value before and after, and whether anything changed.
 * @throws SettingError (unknown key, invalid value): nothing is written.
 */
export async function changeSetting(
  db: DatabasePool | DatabaseTransactionConnection,
  key: string,
  value: unknown,
  changedBy: string,
) {
  const valid = validateSetting(key, value);
  return db.transaction(async (transaction) => {
    const current = await transaction.maybeOne(
      sql.type(z.object({ value: z.unknown() }))`select value from app_settings where key = ${valid.key} for update`,
    );
    const before = current ? current.value : undefined;
    if (current && JSON.stringify(before) === JSON.stringify(value))
      return { key: valid.key, before, after: value, changed: false };
    await transaction.query(sql.unsafe`
      insert into app_settings (key, value, updated_by) values (${valid.key}, ${sql.jsonb(value as never)}, ${changedBy})
      on conflict (key) do update set value = excluded.value, updated_at = now(), updated_by = excluded.updated_by`);
    await transaction.query(sql.unsafe`
      insert into app_settings_history (key, old_value, new_value, changed_by)
      values (${valid.key}, ${before === undefined ? null : sql.jsonb(before as never)}, ${sql.jsonb(value as never)}, ${changedBy})`);
    return { key: valid.key, before, after: value, changed: true };
  });
}

/** Sets a key back to its default (the row and its description stay), recorded like any change. */
export async function resetSetting(db: DatabasePool | DatabaseTransactionConnection, key: string, changedBy: string) {
  return changeSetting(db, key, defaultSetting(key), changedBy);
}

/** The recorded changes, newest first, of one key or all. */
export async function listSettingHistory(
  db: CommonQueryMethods,
  options: { key?: string; limit?: number } = {},
): Promise<SettingChange[]> {
  const key = options.key === undefined ? undefined : checkKey(options.key);
  return [
    ...(await db.any(sql.type(settingChangeSchema)`
    select id, key, old_value, new_value, changed_by, changed_at from app_settings_history
     where ${key === undefined ? sql.fragment`true` : sql.fragment`key = ${key}`}
     order by changed_at desc, id desc limit ${options.limit ?? 50}`)),
  ];
}

/** Changes one setting (tests, the worker's own callers): validated and recorded like bin/settings. */
export async function saveSetting(
  db: DatabasePool | DatabaseTransactionConnection,
  key: SettingKey,
  value: unknown,
  updatedBy = 'admin',
): Promise<void> {
  await changeSetting(db, key, value, updatedBy);
}
