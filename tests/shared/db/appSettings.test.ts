import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDbPool } from '../../../shared/db/createDbPool.ts';
import { loadSyncSettings, saveSetting } from '../../../shared/db/queries/appSettings.ts';
import { parseSyncSettings, type SyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { isZohoDryRun, zohoEventVeto } from '../../helpers/flowGates.ts';
import type { ZohoEntity } from '../../../shared/domain/events.ts';
import { createTestDatabase } from '../../helpers/testDatabase.ts';

/**
 * The sync settings: read from `app_settings` key by key, defaults for missing rows, and a
 * bad value is a PermanentError `settings.invalid` naming the key path (never a crash deep
 * inside a handler). `parseSyncSettings` is the pure half; the rest runs on a migrated database.
 */

/** What the settings are when no row exists (a fresh install without the seeds). */
const DEFAULTS: SyncSettings = {
  'modules.enabled': {},
  'workflows.auto_enabled': {},
  'sync.directions': {},
  'system.dry_run': { enabled: false, modules: [] },
  'moodle.roles': { student: 'student', teacher: 'editingteacher', non_editing_teacher: 'teacher' },
  'moodle.new_users': { auth: 'manual' },
  'classes.create_when_status': ['Active'],
  'sync.reconcile': { enabled: true, since_hours: 26 },
  'students.suspend_when_status': ['Passive', 'Withdraw', 'Graduated', 'Blocked', 'Unregistered'],
  grades: {
    points_thresholds: { D: 70, M: 60, P: 40 },
    iv_role_shortname: 'internalverifier',
    btec_rules_enabled: true,
    rr_after_days: 14,
  },
};

/** What the migrations seed (sql/2_app_settings.sql, sql/5_sync_links.sql), as documented there. */
const SEEDED: SyncSettings = {
  ...DEFAULTS,
  'modules.enabled': {
    BTEC_Students: true,
    BTEC_Teachers: true,
    BTEC_Registrations: true,
    BTEC_Classes: true,
    BTEC_Enrollments: true,
    BTEC_Payments: true,
    BTEC_Grades: true,
    BTEC: true,
    Products: true,
  },
  'sync.directions': {
    student_profile: 'zoho_to_moodle',
    finance: 'zoho_to_moodle',
    enrollments: 'bidirectional',
    grades: 'moodle_to_zoho',
  },
};

// ---------------------------------------------------------------- parseSyncSettings (pure)

const PARSE_CASES: { name: string; input: Record<string, unknown>; expected: Partial<SyncSettings> }[] = [
  { name: 'no keys: every default', input: {}, expected: {} },
  { name: 'the seeded values as they are', input: SEEDED, expected: SEEDED },
  {
    name: 'a JSON null value reads as the default',
    input: { 'system.dry_run': null, 'moodle.roles': null },
    expected: {},
  },
  {
    name: 'dry run without modules: modules []',
    input: { 'system.dry_run': { enabled: true } },
    expected: { 'system.dry_run': { enabled: true, modules: [] } },
  },
  {
    name: 'partial roles: the others default',
    input: { 'moodle.roles': { student: 9 } },
    expected: { 'moodle.roles': { student: 9, teacher: 'editingteacher', non_editing_teacher: 'teacher' } },
  },
  {
    name: 'auth for single sign-on',
    input: { 'moodle.new_users': { auth: 'oauth2' } },
    expected: { 'moodle.new_users': { auth: 'oauth2' } },
  },
  {
    name: 'an empty suspend list',
    input: { 'students.suspend_when_status': [] },
    expected: { 'students.suspend_when_status': [] },
  },
  {
    name: 'keys the sync does not read are ignored',
    input: { 'retry.policy': 'anything', 'events.retention': 42, 'classes.create_when_status': ['Active', 'Pending'] },
    expected: { 'classes.create_when_status': ['Active', 'Pending'] },
  },
];

t.test('parseSyncSettings: defaults for missing keys', async (t) => {
  for (const c of PARSE_CASES) t.strictSame(parseSyncSettings(c.input), { ...DEFAULTS, ...c.expected }, c.name);
});

/** Bad values, each with the exact start of its message: the key path, then what is wrong. */
const BAD_VALUES: { name: string; input: Record<string, unknown>; expected: RegExp }[] = [
  {
    name: 'dry_run.enabled not a boolean',
    input: { 'system.dry_run': { enabled: 'yes' } },
    expected: /^app_settings system\.dry_run\.enabled: .*expected boolean/,
  },
  {
    name: 'dry_run.enabled missing',
    input: { 'system.dry_run': { modules: [] } },
    expected: /^app_settings system\.dry_run\.enabled: /,
  },
  {
    name: 'dry_run not an object',
    input: { 'system.dry_run': 'on' },
    expected: /^app_settings system\.dry_run: .*expected object/,
  },
  {
    name: 'dry_run.modules not a list',
    input: { 'system.dry_run': { enabled: true, modules: 'Products' } },
    expected: /^app_settings system\.dry_run\.modules: .*expected array/,
  },
  {
    name: 'a module flag as text',
    input: { 'modules.enabled': { BTEC_Students: 'true' } },
    expected: /^app_settings modules\.enabled\.BTEC_Students: .*expected boolean/,
  },
  {
    name: 'workflows as a list',
    input: { 'workflows.auto_enabled': [] },
    expected: /^app_settings workflows\.auto_enabled: /,
  },
  {
    name: 'an unknown direction',
    input: { 'sync.directions': { student_profile: 'both' } },
    expected: /^app_settings sync\.directions\.student_profile: .*"zoho_to_moodle"/,
  },
  {
    name: 'an empty role',
    input: { 'moodle.roles': { teacher: '' } },
    expected: /^app_settings moodle\.roles\.teacher: /,
  },
  { name: 'role id 0', input: { 'moodle.roles': { teacher: 0 } }, expected: /^app_settings moodle\.roles\.teacher: / },
  {
    name: 'a fractional role id',
    input: { 'moodle.roles': { student: 5.5 } },
    expected: /^app_settings moodle\.roles\.student: /,
  },
  {
    name: 'an empty auth',
    input: { 'moodle.new_users': { auth: '' } },
    expected: /^app_settings moodle\.new_users\.auth: /,
  },
  {
    name: 'create_when_status as text',
    input: { 'classes.create_when_status': 'Active' },
    expected: /^app_settings classes\.create_when_status: .*expected array/,
  },
  {
    name: 'a number in the suspend list',
    input: { 'students.suspend_when_status': ['Withdraw', 7] },
    expected: /^app_settings students\.suspend_when_status\.1: .*expected string/,
  },
];

t.test('parseSyncSettings: a bad value is a PermanentError settings.invalid naming the key path', async (t) => {
  for (const c of BAD_VALUES) {
    let error: unknown;
    try {
      parseSyncSettings(c.input);
    } catch (thrown) {
      error = thrown;
    }
    t.ok(error instanceof PermanentError, `${c.name}: a PermanentError`);
    if (!(error instanceof PermanentError)) continue;
    t.equal(error.code, 'settings.invalid', `${c.name}: code`);
    t.match(error.message, c.expected, `${c.name}: message`);
  }
});

// ---------------------------------------------------------------- against PostgreSQL

const databaseUrl = await createTestDatabase(t);
const db = await createDbPool(databaseUrl, { maximumPoolSize: 2 });
t.teardown(() => db.end());

const rowOf = (key: string) =>
  db.maybeOne(
    sql.type(
      z.object({ value: z.unknown(), updated_by: z.string() }),
    )`select value, updated_by from app_settings where key = ${key}`,
  );

/** Runs fn with `key` holding the raw JSON `json`, then puts the original row back. */
async function withStoredValue(key: string, json: string, fn: () => Promise<void>): Promise<void> {
  const original = await rowOf(key);
  await db.query(sql.unsafe`
    insert into app_settings (key, value) values (${key}, ${json}::jsonb)
    on conflict (key) do update set value = excluded.value
  `);
  try {
    await fn();
  } finally {
    if (original)
      await db.query(
        sql.unsafe`update app_settings set value = ${JSON.stringify(original.value)}::jsonb, updated_by = ${original.updated_by} where key = ${key}`,
      );
    else await db.query(sql.unsafe`delete from app_settings where key = ${key}`);
  }
}

t.test('the seeded settings parse and equal the documented defaults', async (t) => {
  t.strictSame(await loadSyncSettings(db), SEEDED);
  const keys = Object.keys(SEEDED);
  const stored = await db.any(sql.type(z.object({ key: z.string(), value: z.unknown(), updated_by: z.string() }))`
    select key, value, updated_by from app_settings where key = any(${sql.array(keys, 'text')}) order by key
  `);
  t.strictSame(
    stored.map((row) => row.key),
    [...keys].sort(),
    'every key the sync reads is seeded',
  );
  for (const row of stored) {
    t.strictSame(
      row.value,
      SEEDED[row.key as keyof SyncSettings],
      `${row.key}: stored complete (no default fills it in)`,
    );
    t.equal(row.updated_by, 'migration', `${row.key}: written by the migration`);
  }
});

t.test('a deleted row behaves like a fresh install', async (t) => {
  const seeded = await loadSyncSettings(db);
  const original = await db.any(sql.type(z.object({ key: z.string(), value: z.unknown() }))`
    select key, value from app_settings where key = any(${sql.array(Object.keys(SEEDED), 'text')})
  `);
  await db.query(sql.unsafe`delete from app_settings where key = any(${sql.array(Object.keys(SEEDED), 'text')})`);
  t.teardown(async () => {
    for (const row of original) {
      await db.query(
        sql.unsafe`insert into app_settings (key, value) values (${row.key}, ${JSON.stringify(row.value)}::jsonb) on conflict (key) do nothing`,
      );
    }
  });
  const empty = await loadSyncSettings(db);
  t.strictSame(empty, DEFAULTS, 'the defaults');
  for (const key of [
    'system.dry_run',
    'moodle.roles',
    'moodle.new_users',
    'classes.create_when_status',
    'students.suspend_when_status',
  ] as const) {
    t.strictSame(empty[key], seeded[key], `${key}: default = seed`);
  }
  // modules.enabled and sync.directions seed explicit values; their empty defaults must decide the same.
  const entities: ZohoEntity[] = ['student', 'teacher', 'program', 'class', 'enrollment'];
  for (const entity of entities) {
    for (const eventType of ['created', 'updated', 'deleted']) {
      t.equal(
        zohoEventVeto(empty, entity, eventType),
        zohoEventVeto(seeded, entity, eventType),
        `${entity} ${eventType}: same veto`,
      );
    }
    t.equal(isZohoDryRun(empty, entity), isZohoDryRun(seeded, entity), `${entity}: same dry run`);
  }
});

const ROUND_TRIPS: {
  name: string;
  input: { key: Parameters<typeof saveSetting>[1]; value: unknown };
  expected: unknown;
}[] = [
  {
    name: 'dry run on for two modules',
    input: { key: 'system.dry_run', value: { enabled: true, modules: ['BTEC_Students', 'Products'] } },
    expected: { enabled: true, modules: ['BTEC_Students', 'Products'] },
  },
  {
    name: 'dry run on, modules omitted',
    input: { key: 'system.dry_run', value: { enabled: true } },
    expected: { enabled: true, modules: [] },
  },
  {
    name: 'a module disabled',
    input: { key: 'modules.enabled', value: { BTEC_Students: false, Products: true } },
    expected: { BTEC_Students: false, Products: true },
  },
  {
    name: 'a workflow disabled',
    input: { key: 'workflows.auto_enabled', value: { 'BTEC_Students.deleted': false } },
    expected: { 'BTEC_Students.deleted': false },
  },
  {
    name: 'directions',
    input: { key: 'sync.directions', value: { student_profile: 'disabled', enrollments: 'moodle_to_zoho' } },
    expected: { student_profile: 'disabled', enrollments: 'moodle_to_zoho' },
  },
  {
    name: 'custom role ids',
    input: { key: 'moodle.roles', value: { student: 5, teacher: 11 } },
    expected: { student: 5, teacher: 11, non_editing_teacher: 'teacher' },
  },
  { name: 'SSO accounts', input: { key: 'moodle.new_users', value: { auth: 'saml2' } }, expected: { auth: 'saml2' } },
  {
    name: 'statuses with Unicode',
    input: { key: 'classes.create_when_status', value: ['Active', 'Başladı'] },
    expected: ['Active', 'Başladı'],
  },
  { name: 'no suspension', input: { key: 'students.suspend_when_status', value: [] }, expected: [] },
];

t.test('saveSetting then loadSyncSettings round-trips', async (t) => {
  for (const c of ROUND_TRIPS) {
    await saveSetting(db, c.input.key, c.input.value, 'settings-test');
    const loaded = await loadSyncSettings(db);
    t.strictSame(loaded[c.input.key], c.expected, `${c.name}: loaded back`);
    const row = await rowOf(c.input.key);
    t.strictSame(row?.value, c.input.value, `${c.name}: stored as given`);
    t.equal(row?.updated_by, 'settings-test', `${c.name}: who changed it`);
  }
  await saveSetting(db, 'system.dry_run', { enabled: false, modules: [] });
  t.equal((await rowOf('system.dry_run'))?.updated_by, 'admin', 'updated_by defaults to admin');
  t.strictSame((await loadSyncSettings(db))['system.dry_run'], { enabled: false, modules: [] }, 'the last save wins');
});

t.test('saveSetting inserts a key whose row was deleted', async (t) => {
  await db.query(sql.unsafe`delete from app_settings where key = 'moodle.new_users'`);
  t.equal(await rowOf('moodle.new_users'), null, 'row gone');
  await saveSetting(db, 'moodle.new_users', { auth: 'manual' }, 'settings-test');
  t.strictSame(await rowOf('moodle.new_users'), { value: { auth: 'manual' }, updated_by: 'settings-test' });
});

t.test('saveSetting refuses an invalid value and stores nothing', async (t) => {
  await saveSetting(db, 'system.dry_run', { enabled: false, modules: [] }, 'settings-test');
  await saveSetting(
    db,
    'sync.directions',
    { student_profile: 'disabled', enrollments: 'moodle_to_zoho' },
    'settings-test',
  );
  await t.rejects(saveSetting(db, 'system.dry_run', { enabled: 'yes' }), /enabled/, 'rejected, naming the field');
  await t.rejects(
    saveSetting(db, 'sync.directions', { enrollments: 'sideways' }),
    /enrollments/,
    'an unknown direction rejected',
  );
  t.strictSame((await rowOf('system.dry_run'))?.value, { enabled: false, modules: [] }, 'dry run row unchanged');
  t.strictSame(
    (await loadSyncSettings(db))['sync.directions'],
    { student_profile: 'disabled', enrollments: 'moodle_to_zoho' },
    'directions unchanged',
  );
});

const STORED_BAD: { name: string; input: { key: string; json: string }; expected: RegExp }[] = [
  {
    name: 'dry_run.enabled as text',
    input: { key: 'system.dry_run', json: '{"enabled": "yes", "modules": []}' },
    expected: /^app_settings system\.dry_run\.enabled: .*expected boolean/,
  },
  {
    name: 'dry_run as a JSON string',
    input: { key: 'system.dry_run', json: '"on"' },
    expected: /^app_settings system\.dry_run: .*expected object/,
  },
  {
    name: 'a module flag as a number',
    input: { key: 'modules.enabled', json: '{"BTEC_Classes": 1}' },
    expected: /^app_settings modules\.enabled\.BTEC_Classes: /,
  },
  {
    name: 'an unknown direction',
    input: { key: 'sync.directions', json: '{"student_profile": "zoho2moodle"}' },
    expected: /^app_settings sync\.directions\.student_profile: /,
  },
  {
    name: 'a negative role id',
    input: { key: 'moodle.roles', json: '{"student": -5}' },
    expected: /^app_settings moodle\.roles\.student: /,
  },
  {
    name: 'statuses as an object',
    input: { key: 'classes.create_when_status', json: '{"Active": true}' },
    expected: /^app_settings classes\.create_when_status: .*expected array/,
  },
];

t.test('an invalid stored value gives a clear settings.invalid error', async (t) => {
  for (const c of STORED_BAD) {
    await withStoredValue(c.input.key, c.input.json, async () => {
      const error = await loadSyncSettings(db).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      t.ok(error instanceof PermanentError, `${c.name}: a PermanentError`);
      if (!(error instanceof PermanentError)) return;
      t.equal(error.code, 'settings.invalid', `${c.name}: code`);
      t.match(error.message, c.expected, `${c.name}: message`);
    });
  }
  t.ok(await loadSyncSettings(db), 'loads again once the rows are put back');
});

t.test('grades: thresholds must be ordered D ≥ M ≥ P', async (t) => {
  t.strictSame(parseSyncSettings({ grades: { points_thresholds: { D: 80, M: 65, P: 50 } } }).grades, {
    points_thresholds: { D: 80, M: 65, P: 50 },
    iv_role_shortname: 'internalverifier',
    btec_rules_enabled: true,
    rr_after_days: 14,
  });
  t.throws(() => parseSyncSettings({ grades: { points_thresholds: { D: 50, M: 60, P: 40 } } }), {
    code: 'settings.invalid',
    message: /grades\.points_thresholds: must satisfy D ≥ M ≥ P/,
  });
});

t.test('a JSON null row reads as the default; rows of other keys are not read', async (t) => {
  await withStoredValue('system.dry_run', 'null', async () => {
    t.strictSame((await loadSyncSettings(db))['system.dry_run'], { enabled: false, modules: [] });
  });
  const before = await loadSyncSettings(db);
  await withStoredValue('retry.policy', '"not an object"', async () => {
    await withStoredValue('events.retention', '[1, 2, 3]', async () => {
      t.strictSame(await loadSyncSettings(db), before, 'loads as before; unrelated keys ignored');
    });
  });
});
