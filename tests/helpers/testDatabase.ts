import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';

/** The local server as `postgres`: what tests use without TEST_DATABASE_URL. */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Tests run against the real PostgreSQL named by TEST_DATABASE_URL (default: the local
 * server as `postgres`; `npm test` sets it to an embedded PostgreSQL of its own when there is
 * none, see tests/setup/runTests.ts). `tests/setup/buildTemplate.ts` migrates a template
 * database once per run; each test file clones it (milliseconds) and drops its clone at the end.
 */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
/**
 * TEST_TEMPLATE_DATABASE names another template, so two test runs on one server (a developer's
 * and a helper's) do not rebuild each other's template mid-run.
 */
export const TEMPLATE_DATABASE = process.env.TEST_TEMPLATE_DATABASE ?? 'moodle_zoho_sync_test_template';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file; dropped in teardown. @returns its URL. */
export async function createTestDatabase(t: Test): Promise<string> {
  const name = `mzs_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(async (client) => {
    // Cloning needs the template to have no other sessions; retry briefly if a sibling is cloning too.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`create database "${name}" template "${TEMPLATE_DATABASE}"`);
        return;
      } catch (error) {
        if (attempt >= 20 || !String((error as Error).message).includes('is being accessed by other users'))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
  t.teardown(() => withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`)));
  return databaseUrl(name);
}
