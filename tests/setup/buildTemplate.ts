// tap `before` script: builds the migrated template database every test file clones.
import { migrateDatabase } from '../../shared/db/migrateDatabase.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { databaseUrl, TEMPLATE_DATABASE, withAdminClient } from '../helpers/testDatabase.ts';

await withAdminClient(async (client) => {
  await client.query(`update pg_database set datistemplate = false where datname = $1`, [TEMPLATE_DATABASE]);
  await client.query(`drop database if exists "${TEMPLATE_DATABASE}" with (force)`);
  await client.query(`create database "${TEMPLATE_DATABASE}"`);
});
await migrateDatabase(databaseUrl(TEMPLATE_DATABASE), createLogger({ service: 'test-setup', level: 'warn' }));
await withAdminClient((client) => client.query(`alter database "${TEMPLATE_DATABASE}" is_template true`));
