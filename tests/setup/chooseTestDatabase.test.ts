import { existsSync } from 'node:fs';
import pg from 'pg';
import t from 'tap';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { freePort } from '../helpers/freePort.ts';
import { ADMIN_URL, DEFAULT_ADMIN_URL } from '../helpers/testDatabase.ts';
import { chooseTestDatabase, probePostgres, startTestPostgres } from './chooseTestDatabase.ts';

/** Which PostgreSQL `npm test` (tests/setup/runTests.ts) runs against, and the one it starts when there is none. */

t.test(
  'TEST_DATABASE_URL wins, unprobed; else the local server when it answers; else an embedded one, saying why',
  async (t) => {
    const probed: string[] = [];
    const answers = (problem: string | undefined) => async (url: string) => {
      probed.push(url);
      return problem;
    };
    const given = 'postgres://ci:pw@db.ci:5432/postgres';
    t.same(await chooseTestDatabase({ TEST_DATABASE_URL: given }, answers('unused')), {
      kind: 'given',
      adminUrl: given,
    });
    t.same(probed, [], 'a given URL is used as it is (a wrong one fails the run, as before)');

    t.same(await chooseTestDatabase({ TEST_DATABASE_URL: '' }, answers(undefined)), {
      kind: 'local',
      adminUrl: DEFAULT_ADMIN_URL,
    });
    t.same(probed, [DEFAULT_ADMIN_URL], 'probes 127.0.0.1:5432 as postgres');

    t.same(await chooseTestDatabase({}, answers('connect ECONNREFUSED 127.0.0.1:5432')), {
      kind: 'embedded',
      reason: 'no usable PostgreSQL on 127.0.0.1:5432 (connect ECONNREFUSED 127.0.0.1:5432)',
    });
  },
);

t.test("the probe connects for real: the run's own server answers, a closed port does not", async (t) => {
  t.equal(await probePostgres(ADMIN_URL), undefined);
  const closed = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
  t.match(await probePostgres(closed, 1000), /ECONNREFUSED/);
});

t.test("the run's embedded PostgreSQL takes admin connections, and is gone with its folder after stop", async (t) => {
  const server = await startTestPostgres(createLogger({ service: 'test-postgres', level: 'silent' }));
  t.teardown(() => server.stop());
  t.match(server.adminUrl, new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${server.port}/postgres$`));
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  // What tests/setup/buildTemplate.ts and every test file do with it.
  await client.query('create database mzs_probe_template');
  await client.query('alter database mzs_probe_template is_template true');
  const { rows } = await client.query<{ super: boolean }>(
    'select rolsuper as super from pg_roles where rolname = current_user',
  );
  await client.end();
  t.same(rows, [{ super: true }], 'as a superuser');
  await server.stop();
  t.notOk(existsSync(server.dataDir), 'its folder is deleted');
  t.match(await probePostgres(server.adminUrl, 1000), /ECONNREFUSED/, 'and it is stopped');
});
