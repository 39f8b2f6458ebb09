// bin/settings: the runtime settings (app_settings) as the worker reads them — listed, read,
// changed only to values the worker's own schemas accept, reset to defaults, each change recorded.
import { userInfo } from 'node:os';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { cliEnvSchema, loadConfig } from '../shared/config/env.ts';
import { createDbPool, type DatabasePool } from '../shared/db/createDbPool.ts';
import { withEmbeddedDatabaseUrl } from '../shared/db/embeddedPostgres.ts';
import { changeSetting, listSettingHistory, listSettings, resetSetting } from '../shared/db/queries/appSettings.ts';
import { SettingError, validateSetting } from '../shared/domain/settings/syncSettings.ts';
import { CliError, runCli } from './lib/runCli.ts';

let pool: DatabasePool | undefined;
async function db(): Promise<DatabasePool> {
  const config = loadConfig(cliEnvSchema, withEmbeddedDatabaseUrl(process.env));
  pool ??= await createDbPool(config.DATABASE_URL, { maximumPoolSize: 2 });
  return pool;
}

/** Who changes a setting: the OS user running this command. */
const changedBy = () => `${userInfo().username} (bin/settings)`;

function print(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);
}

function parseJsonArgument(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(
      `the value for ${key} is not JSON (${text.length > 60 ? `${text.slice(0, 60)}…` : text}): give it as JSON, e.g. '{"enabled": true}', '["Active"]' or '"teacher"' (quotes included)`,
    );
  }
}

const json = { json: { type: 'boolean', default: false, description: 'print JSON' } } as const;

const cli = yargs(hideBin(process.argv))
  .scriptName('bin/settings')
  .usage(
    '$0 <command>\n\nThe settings the worker reads (app_settings); a change applies to the next event, no restart.',
  )
  .command(
    'list',
    'every setting with its value (or its default) and who changed it last',
    (y: Argv) => y.options(json),
    async (argv) => {
      const rows = await listSettings(await db());
      print(
        argv.json,
        rows,
        rows
          .map(
            (r) =>
              `${r.key} = ${JSON.stringify(r.value)}${r.isDefault ? '  (default)' : r.updatedBy ? `  (${r.updatedBy}, ${r.updatedAt?.toISOString()})` : ''}`,
          )
          .join('\n'),
      );
    },
  )
  .command(
    'get <key>',
    "one setting's value, as JSON",
    (y: Argv) => y.positional('key', { type: 'string', demandOption: true }).options(json),
    async (argv) => {
      const row = (await listSettings(await db())).find((r) => r.key === argv.key);
      if (!row) validateSetting(String(argv.key), undefined); // names the known keys
      print(argv.json, row, JSON.stringify(row!.value, null, 2));
    },
  )
  .command(
    'set <key> <value>',
    'change a setting to a JSON value the worker accepts (refused, with the reason, otherwise)',
    (y: Argv) =>
      y
        .positional('key', { type: 'string', demandOption: true })
        .positional('value', { type: 'string', demandOption: true })
        .options(json),
    async (argv) => {
      const key = String(argv.key);
      const result = await changeSetting(await db(), key, parseJsonArgument(key, String(argv.value)), changedBy());
      print(
        argv.json,
        result,
        result.changed
          ? `${key}: ${JSON.stringify(result.before ?? null)} → ${JSON.stringify(result.after)}`
          : `${key} is already ${JSON.stringify(result.after)}: nothing changed`,
      );
    },
  )
  .command(
    'reset <key>',
    'set a setting back to its default',
    (y: Argv) => y.positional('key', { type: 'string', demandOption: true }).options(json),
    async (argv) => {
      const key = String(argv.key);
      const result = await resetSetting(await db(), key, changedBy());
      print(
        argv.json,
        result,
        result.changed
          ? `${key}: ${JSON.stringify(result.before ?? null)} → ${JSON.stringify(result.after)} (the default)`
          : `${key} is already its default: nothing changed`,
      );
    },
  )
  .command(
    'history [key]',
    'who changed which setting when, newest first',
    (y: Argv) =>
      y
        .positional('key', { type: 'string' })
        .options({ ...json, limit: { type: 'number', default: 50, description: 'at most this many changes' } }),
    async (argv) => {
      if (!Number.isInteger(argv.limit) || argv.limit < 1 || argv.limit > 10_000)
        throw new CliError('--limit must be a whole number from 1 to 10000');
      const changes = await listSettingHistory(await db(), { key: argv.key, limit: argv.limit });
      print(
        argv.json,
        changes,
        changes.length === 0
          ? 'no changes recorded'
          : changes
              .map(
                (c) =>
                  `${c.changed_at.toISOString()}  ${c.changed_by}  ${c.key}: ${JSON.stringify(c.old_value ?? null)} → ${JSON.stringify(c.new_value)}`,
              )
              .join('\n'),
      );
    },
  )
  .demandCommand(1, 'give a command: list, get, set, reset or history')
  .strict()
  .help();

await runCli(
  'bin/settings',
  cli,
  async () => pool?.end(),
  (error) => error instanceof SettingError,
);
