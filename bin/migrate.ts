import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { cliEnvSchema, loadConfig } from '../shared/config/env.ts';
import { withEmbeddedDatabaseUrl } from '../shared/db/embeddedPostgres.ts';
import { listMigrationFiles, migrateDatabase } from '../shared/db/migrateDatabase.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import { reportFatal } from '../shared/runProcess.ts';

await yargs(hideBin(process.argv))
  .scriptName('bin/migrate')
  .usage(
    "$0\n\nApplies graphile-worker's schema and the files in sql/ to DATABASE_URL. Safe to run while the service runs and from several places at once.",
  )
  .strict()
  .help()
  .parseAsync();

try {
  const config = loadConfig(cliEnvSchema, withEmbeddedDatabaseUrl(process.env));
  const log = createLogger({ service: 'migrate', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const applied = await migrateDatabase(config.DATABASE_URL, log);
  process.stdout.write(
    applied.length > 0
      ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n`
      : `database up to date (${listMigrationFiles().length} migrations)\n`,
  );
} catch (error) {
  reportFatal('migrate', error, 'failed');
  process.exit(1);
}
