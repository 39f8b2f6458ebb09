import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { checkReadiness } from '../../../shared/db/checkReadiness.ts';
import { createDbPool, type DatabasePool } from '../../../shared/db/createDbPool.ts';
import { listMigrationFiles, migrateDatabase } from '../../../shared/db/migrateDatabase.ts';
import { createLogger } from '../../../shared/logging/createLogger.ts';
import { databaseUrl, withAdminClient } from '../../helpers/testDatabase.ts';

/**
 * Migrations on an empty database, as on a first deploy: every process migrates at
 * start, so several run at once. These tests create their own empty databases (not
 * the migrated template).
 */

const MIGRATIONS = [
  '1_integration_events_log',
  '2_app_settings',
  '3_worker_heartbeats',
  '4_zoho_tokens',
  '5_sync_links',
  '6_dashboard_links',
  '7_moodle_grade_pushes',
  '8_sync_reconcile',
  '9_app_settings_history',
  '10_zoho_notification_channels',
  '11_event_attempts',
  '12_bulk_runs',
];

/** An empty database for one test; dropped in teardown. @returns its URL. */
async function createEmptyDatabase(t: Test): Promise<string> {
  const name = `mzs_empty_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database "${name}"`));
  t.teardown(() => withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`)));
  return databaseUrl(name);
}

async function openPool(t: Test, url: string): Promise<DatabasePool> {
  const db = await createDbPool(url, { maximumPoolSize: 2 });
  t.teardown(() => db.end());
  return db;
}

/** A logger whose lines the test can read back. */
function captureLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { log: createLogger({ service: 'migrate-test', level, destination }), lines };
}

/** A TCP relay to PostgreSQL; `close` cuts every connection and stops listening. */
async function startTcpProxy(target: URL): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  let closed: Promise<void> | undefined;
  return {
    port: address.port,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

t.test('the shipped migration files are listed in order', async (t) => {
  t.same(listMigrationFiles(), MIGRATIONS);
});

t.test('on an empty database', async (t) => {
  const url = await createEmptyDatabase(t);
  const db = await openPool(t, url);

  t.test('checkReadiness: reachable, every migration pending', async (t) => {
    t.same(await checkReadiness(db), {
      ready: false,
      checks: { database: 'ok', migrations: 'pending', pending: MIGRATIONS },
    });
  });

  t.test('five migrateDatabase calls at once all succeed; the files are applied once', async (t) => {
    const { log, lines } = captureLogger();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrateDatabase(url, log)));
    t.equal(results.filter((applied) => applied.length > 0).length, 1, 'one call applied the files');
    t.same(results.flat(), MIGRATIONS, 'each file applied exactly once, in order');
    t.equal(lines.filter((l) => l.msg === 'database migrated').length, 1, 'logged once');
    t.equal(lines.filter((l) => typeof l.level === 'number' && l.level >= 50).length, 0, 'no error logged');
    const recorded = await db.any(
      sql.type(z.object({ name: z.string() }))`select name from schema_migrations order by id`,
    );
    t.same(
      recorded.map((r) => r.name),
      MIGRATIONS,
      'schema_migrations holds each file once',
    );
  });

  t.test('the tables and the graphile_worker schema exist', async (t) => {
    const found = await db.one(sql.type(
      z.object({
        events: z.boolean(),
        settings: z.boolean(),
        heartbeats: z.boolean(),
        graphile: z.boolean(),
        jobs: z.boolean(),
      }),
    )`
      select to_regclass('public.integration_events_log') is not null as events,
             to_regclass('public.app_settings') is not null as settings,
             to_regclass('public.worker_heartbeats') is not null as heartbeats,
             exists (select 1 from pg_namespace where nspname = 'graphile_worker') as graphile,
             to_regclass('graphile_worker.jobs') is not null as jobs
    `);
    t.same(found, { events: true, settings: true, heartbeats: true, graphile: true, jobs: true });
  });

  t.test(
    'app_settings holds the defaults of sql/2_app_settings.sql, 5_sync_links.sql and 7_moodle_grade_pushes.sql',
    async (t) => {
      const rows = await db.any(sql.type(z.object({ key: z.string(), value: z.unknown(), updated_by: z.string() }))`
      select key, value, updated_by from app_settings order by key
    `);
      const settings = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      t.same(Object.keys(settings).sort(), [
        'classes.create_when_status',
        'events.retention',
        'grades',
        'modules.enabled',
        'moodle.new_users',
        'moodle.roles',
        'retry.policy',
        'students.suspend_when_status',
        'sync.directions',
        'sync.reconcile',
        'system.dry_run',
        'workflows.auto_enabled',
      ]);
      t.same(settings['retry.policy'], { max_attempts: 12 });
      t.same(settings['moodle.roles'], {
        student: 'student',
        teacher: 'editingteacher',
        non_editing_teacher: 'teacher',
      });
      t.same(settings['sync.directions'], {
        student_profile: 'zoho_to_moodle',
        finance: 'zoho_to_moodle',
        enrollments: 'bidirectional',
        grades: 'moodle_to_zoho',
      });
      t.same(settings['classes.create_when_status'], ['Active']);
      t.same(settings['modules.enabled'], {
        BTEC_Students: true,
        BTEC_Teachers: true,
        BTEC_Registrations: true,
        BTEC_Classes: true,
        BTEC_Enrollments: true,
        BTEC_Payments: true,
        BTEC_Grades: true,
        BTEC: true,
        Products: true,
      });
      t.same(settings['system.dry_run'], { enabled: false, modules: [] });
      t.same(settings['events.retention'], { completed_days: 90, failed_days: 365 });
      t.same(settings['grades'], {
        points_thresholds: { D: 70, M: 60, P: 40 },
        iv_role_shortname: 'internalverifier',
        btec_rules_enabled: true,
        rr_after_days: 14,
      });
      t.same(settings['workflows.auto_enabled'], {});
      t.ok(rows.every((r) => r.updated_by === 'migration'));
    },
  );

  t.test('checkReadiness: ready once migrated', async (t) => {
    t.same(await checkReadiness(db), { ready: true, checks: { database: 'ok', migrations: 'ok' } });
  });

  t.test('a second run applies nothing and keeps what an admin changed', async (t) => {
    await db.query(sql.unsafe`
      update app_settings set value = '{"max_attempts": 3}', updated_by = 'admin@college' where key = 'retry.policy'
    `);
    await db.query(sql.unsafe`delete from app_settings where key = 'grades'`);
    const { log, lines } = captureLogger();
    t.same(await migrateDatabase(url, log), []);
    t.equal(lines.filter((l) => l.msg === 'database migrated').length, 0, 'nothing to report');
    const policy = await db.one(sql.type(z.object({ value: z.unknown(), updated_by: z.string() }))`
      select value, updated_by from app_settings where key = 'retry.policy'
    `);
    t.same(policy, { value: { max_attempts: 3 }, updated_by: 'admin@college' });
    t.equal(
      await db.exists(sql.unsafe`select 1 from app_settings where key = 'grades'`),
      false,
      'a deleted setting is not put back either',
    );
  });

  t.test('checkReadiness names what is missing when part of the schema is', async (t) => {
    await db.query(sql.unsafe`delete from schema_migrations where name = '3_worker_heartbeats'`);
    t.same(await checkReadiness(db), {
      ready: false,
      checks: { database: 'ok', migrations: 'pending', pending: ['3_worker_heartbeats'] },
    });
    await db.query(sql.unsafe`alter schema graphile_worker rename to graphile_worker_moved`);
    t.same(await checkReadiness(db), {
      ready: false,
      checks: { database: 'ok', migrations: 'pending', pending: ['graphile_worker schema', '3_worker_heartbeats'] },
    });
  });
});

t.test('two migrateDatabase calls at once on another empty database both succeed', async (t) => {
  const url = await createEmptyDatabase(t);
  const { log } = captureLogger('warn');
  const [first, second] = await Promise.all([migrateDatabase(url, log), migrateDatabase(url, log)]);
  t.same([...(first ?? []), ...(second ?? [])], MIGRATIONS);
  const db = await openPool(t, url);
  t.same(await checkReadiness(db), { ready: true, checks: { database: 'ok', migrations: 'ok' } });
});

t.test('checkReadiness reports a database that went away as unreachable', async (t) => {
  // createDbPool connects at once (it throws for an unreachable database), so the pool
  // is opened while the database is up, as in the ingress, and the database goes away.
  t.test('the database is dropped', async (t) => {
    const name = `mzs_gone_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdminClient((client) => client.query(`create database "${name}"`));
    t.teardown(() => withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`)));
    const db = await openPool(t, databaseUrl(name));
    t.equal((await checkReadiness(db)).checks.database, 'ok', 'reachable at first');
    await withAdminClient((client) => client.query(`drop database "${name}" with (force)`));
    t.same(await checkReadiness(db), { ready: false, checks: { database: 'unreachable', migrations: 'unknown' } });
  });

  t.test('the server stops listening (closed port)', async (t) => {
    const url = await createEmptyDatabase(t);
    const proxy = await startTcpProxy(new URL(url));
    t.teardown(() => proxy.close());
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    const db = await openPool(t, proxied.toString());
    t.equal((await checkReadiness(db)).checks.database, 'ok', 'reachable at first');
    await proxy.close();
    t.same(await checkReadiness(db), { ready: false, checks: { database: 'unreachable', migrations: 'unknown' } });
  });

  t.test('createDbPool itself rejects for a database that does not exist or a closed port', async (t) => {
    await t.rejects(createDbPool(databaseUrl(`mzs_missing_${randomBytes(4).toString('hex')}`)), /does not exist/);
    await t.rejects(createDbPool(`postgres://postgres@127.0.0.1:${await freePort()}/postgres`), /ECONNREFUSED/);
  });
});

t.test('migrateDatabase rejects when the database cannot be reached', async (t) => {
  const { log } = captureLogger('silent');
  await t.rejects(migrateDatabase(databaseUrl(`mzs_missing_${randomBytes(4).toString('hex')}`), log), /does not exist/);
  await t.rejects(migrateDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/postgres`, log), /ECONNREFUSED/);
});
