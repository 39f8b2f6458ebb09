import { sql, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import {
  checkSettingKey,
  defaultSetting,
  parseSyncSettings,
  SETTING_KEYS,
  SYNC_SETTING_KEYS,
  validateSetting,
  type AnySettingKey,
  type SettingKey,
  type SyncSettings,
} from '../../domain/settings/syncSettings.ts';

const rowSchema = z.object({ key: z.string(), value: z.unknown() });

/**
 * The sync settings, validated key by key.
 * @throws PermanentError `settings.invalid` naming the key and what is wrong with it (an
 *   operator fixes the row, then re-queues the failed events with `bin/jobs retry --failed`).
 */
export async function loadSyncSettings(db: CommonQueryMethods): Promise<SyncSettings> {
  const keys = SYNC_SETTING_KEYS;
  const rows = await db.any(
    sql.type(rowSchema)`select key, value from app_settings where key = any(${sql.array(keys, 'text')})`,
  );
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  return parseSyncSettings(Object.fromEntries(stored));
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
  const key = options.key === undefined ? undefined : checkSettingKey(options.key);
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
