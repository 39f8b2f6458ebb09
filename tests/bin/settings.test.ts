import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { PROJECT_ROOT, runProcess } from '../helpers/spawnProcess.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

/**
 * bin/settings as an operator runs it (the real shell script, Node 24 found by it), on a
 * migrated database: values the worker would refuse are refused with the reason and leave
 * nothing behind; every change is recorded with the OS user.
 */

const SETTINGS = `${PROJECT_ROOT}bin/settings`;
const url = await createTestDatabase(t);
const db = await createDbPool(url, { maximumPoolSize: 2 });
t.teardown(() => db.end());
const run = (args: string[]) =>
  runProcess(SETTINGS, args, { env: { PATH: process.env.PATH, DATABASE_URL: url }, timeout: 60_000 });
const stored = async (key: string) =>
  db.maybeOneFirst(sql.type(z.object({ value: z.unknown() }))`select value from app_settings where key = ${key}`);
const historyCount = async () =>
  db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from app_settings_history`);

t.test('list and get: every key the worker reads, with its value', async (t) => {
  const list = await run(['list', '--json']);
  t.equal(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as { key: string; value: unknown; isDefault: boolean }[];
  t.ok(
    ['moodle.roles', 'sync.reconcile', 'retry.policy', 'events.retention', 'students.suspend_when_status'].every((k) =>
      rows.some((r) => r.key === k),
    ),
    'the keys, those read in SQL too',
  );
  const get = await run(['get', 'moodle.roles']);
  t.same(JSON.parse(get.stdout), { student: 'student', teacher: 'editingteacher', non_editing_teacher: 'teacher' });
});

t.test('set: a valid value is written and recorded; the same again changes nothing', async (t) => {
  const set = await run(['set', 'classes.create_when_status', '["Active", "Running"]']);
  t.equal(set.code, 0, set.stderr);
  t.match(set.stdout, /classes\.create_when_status: \["Active"\] → \["Active","Running"\]/);
  t.same(await stored('classes.create_when_status'), ['Active', 'Running']);
  const before = await historyCount();
  const again = await run(['set', 'classes.create_when_status', '["Active","Running"]']);
  t.match(again.stdout, /already \["Active","Running"\]: nothing changed/);
  t.equal(await historyCount(), before, 'no history row for a no-op');
  const history = await run(['history', 'classes.create_when_status', '--json']);
  const [change] = JSON.parse(history.stdout) as { old_value: unknown; new_value: unknown; changed_by: string }[];
  t.match(
    change,
    { old_value: ['Active'], new_value: ['Active', 'Running'], changed_by: /\(bin\/settings\)$/ },
    'who: the OS user, through bin/settings',
  );
});

t.test('refused with the reason, nothing written: a wrong value, not JSON, an unknown key', async (t) => {
  const before = await historyCount();
  const grades = await stored('grades');
  const cases: [string[], RegExp][] = [
    [
      ['set', 'grades', '{"points_thresholds": {"D": 50, "M": 60, "P": 40}}'],
      /grades\.points_thresholds: must satisfy D ≥ M ≥ P/,
    ],
    [['set', 'retry.policy', '{"max_attempts": 0}'], /retry\.policy\.max_attempts: Too small/],
    [['set', 'classes.create_when_status', 'Active'], /not JSON \(Active\): give it as JSON, e\.g\./],
    [
      ['set', 'moodle.role', '{}'],
      /unknown setting "moodle\.role"; the settings are modules\.enabled, .*moodle\.roles/,
    ],
    [['history', 'nope'], /unknown setting "nope"/],
  ];
  for (const [args, reason] of cases) {
    const result = await run(args);
    t.equal(result.code, 1, args.join(' '));
    t.match(result.stderr, reason, args.join(' '));
  }
  t.same(await stored('grades'), grades, 'grades untouched');
  t.equal(await historyCount(), before, 'no history for refused changes');
  const usage = await run(['set', 'grades']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /Not enough non-option arguments/);
});

t.test('reset: back to the default, recorded', async (t) => {
  await run(['set', 'retry.policy', '{"max_attempts": 20}']);
  const reset = await run(['reset', 'retry.policy']);
  t.equal(reset.code, 0, reset.stderr);
  t.match(reset.stdout, /retry\.policy: \{"max_attempts":20\} → \{"max_attempts":12\} \(the default\)/);
  t.same(await stored('retry.policy'), { max_attempts: 12 });
  const history = await run(['history', '--limit', '2']);
  t.match(
    history.stdout,
    /retry\.policy: \{"max_attempts":20\} → \{"max_attempts":12\}\n.*retry\.policy: \{"max_attempts":12\} → \{"max_attempts":20\}/,
  );
});
