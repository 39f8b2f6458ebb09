import { sql, type CommonQueryMethods } from 'slonik';
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
    .object({ student: roleRef.default('student'), teacher: roleRef.default('editingteacher'), non_editing_teacher: roleRef.default('teacher') })
    .default({ student: 'student', teacher: 'editingteacher', non_editing_teacher: 'teacher' }),
  'moodle.new_users': z.object({ auth: z.string().min(1).default('manual') }).default({ auth: 'manual' }),
  'classes.create_when_status': z.array(z.string()).default(['Active']),
  'sync.reconcile': z
    .object({ enabled: z.boolean().default(true), since_hours: z.number().int().min(1).max(24 * 31).default(26) })
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
    .default({ points_thresholds: { D: 70, M: 60, P: 40 }, iv_role_shortname: 'internalverifier', btec_rules_enabled: true, rr_after_days: 14 }),
  'students.suspend_when_status': z.array(z.string()).default(['Passive', 'Withdraw', 'Graduated', 'Blocked', 'Unregistered']),
} as const;

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
  const rows = await db.any(sql.type(rowSchema)`select key, value from app_settings where key = any(${sql.array(keys, 'text')})`);
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  return parseSyncSettings(Object.fromEntries(stored));
}

/** Pure half of loadSyncSettings (also used by tests to build settings without a database). */
export function parseSyncSettings(values: Partial<Record<string, unknown>>): SyncSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SETTING_SCHEMAS)) {
    const parsed = (schema as z.ZodType).safeParse(values[key] ?? undefined);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => `${[key, ...issue.path].join('.')}: ${issue.message}`).join('; ');
      throw new PermanentError('settings.invalid', `app_settings ${problem}`);
    }
    settings[key] = parsed.data;
  }
  return settings as SyncSettings;
}

/** Changes one setting (tests, admin API). */
export async function saveSetting(db: CommonQueryMethods, key: SettingKey, value: unknown, updatedBy = 'admin'): Promise<void> {
  const parsed = (SETTING_SCHEMAS[key] as z.ZodType).safeParse(value);
  if (!parsed.success) {
    throw new PermanentError('settings.invalid', parsed.error.issues.map((issue) => `${[key, ...issue.path].join('.')}: ${issue.message}`).join('; '));
  }
  await db.query(sql.unsafe`
    insert into app_settings (key, value, updated_by) values (${key}, ${sql.jsonb(value as never)}, ${updatedBy})
    on conflict (key) do update set value = excluded.value, updated_at = now(), updated_by = excluded.updated_by
  `);
}
