// bin/doctor: is this service set up right against Moodle and Zoho? Checks by behaviour,
// changes nothing in Moodle or Zoho, prints each problem with its fix; exit 1 on a problem.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createMoodleClient } from '../shared/clients/moodle/createMoodleClient.ts';
import { createZohoClientFromConfig } from '../shared/clients/zoho/createZohoClientFromConfig.ts';
import { loadConfig, workerEnvSchema } from '../shared/config/env.ts';
import { createDbPool } from '../shared/db/createDbPool.ts';
import { loadSyncSettings } from '../shared/db/queries/appSettings.ts';
import { withEmbeddedSetup } from '../shared/db/embeddedPostgres.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import { reportFatal } from '../shared/runProcess.ts';
import { checkMoodleSetup, checkZohoSetup, type Check } from './lib/checkSetup.ts';
import { checkZohoChannels } from './lib/checkZohoChannels.ts';
import { listZohoChannels } from '../shared/db/queries/zohoChannels.ts';

const argv = await yargs(hideBin(process.argv))
  .scriptName('bin/doctor')
  .usage(
    '$0 [--only moodle|zoho] [--json]\n\nChecks what the service needs from Moodle and Zoho, as the worker would (its .env), and names the fix of each problem.',
  )
  .option('json', { type: 'boolean', default: false, description: 'print JSON' })
  .option('only', { choices: ['moodle', 'zoho'] as const, description: 'check one side' })
  .strict()
  .help()
  .parseAsync();

try {
  const env = withEmbeddedSetup(process.env);
  const config = loadConfig(workerEnvSchema, env);
  // Quiet: the checks report problems themselves, once, with their fix.
  const log = createLogger({ service: 'doctor', level: 'silent' });
  const db = await createDbPool(config.DATABASE_URL, { maximumPoolSize: 2 });
  const checks: Check[] = [];
  try {
    const settings = await loadSyncSettings(db).catch(() => undefined);
    if (argv.only !== 'zoho') {
      const moodle =
        config.MOODLE_URL && config.MOODLE_TOKEN
          ? createMoodleClient({
              url: config.MOODLE_URL,
              token: config.MOODLE_TOKEN,
              timeoutMs: config.MOODLE_TIMEOUT_MS,
              log,
            })
          : undefined;
      // The ingress's secret (.env, or the one `npm start` generated): compared with the plugin's by fingerprint.
      checks.push(...(await checkMoodleSetup(moodle, settings, env.MOODLE_WEBHOOK_SECRET || undefined)));
    }
    if (argv.only !== 'moodle') {
      checks.push(...(await checkZohoSetup(createZohoClientFromConfig(config, db, log), settings)));
      checks.push(...checkZohoChannels(await listZohoChannels(db)));
    }
  } finally {
    await db.end();
  }
  const problems = checks.filter((c) => c.status === 'problem').length;
  if (argv.json) {
    process.stdout.write(`${JSON.stringify({ ok: problems === 0, problems, checks }, null, 2)}\n`);
  } else {
    const mark = { ok: 'ok     ', problem: 'PROBLEM', skipped: 'skipped' } as const;
    for (const c of checks) {
      process.stdout.write(`${mark[c.status]}  ${c.area} ${c.name}: ${c.detail}\n`);
      if (c.fix && c.status !== 'ok') process.stdout.write(`         fix: ${c.fix}\n`);
    }
    process.stdout.write(problems === 0 ? '\nNo problems found.\n' : `\n${problems} problem(s).\n`);
  }
  process.exit(problems === 0 ? 0 : 1);
} catch (error) {
  reportFatal('bin/doctor', error, 'failed');
  process.exit(2);
}
