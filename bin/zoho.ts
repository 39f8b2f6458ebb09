// bin/zoho: the Zoho side in one command — the Notifications API channels that make Zoho tell
// the service of every change of the synced modules, with no workflow rule (README, "Pointing
// Zoho at it").
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createZohoClientFromConfig } from '../shared/clients/zoho/createZohoClientFromConfig.ts';
import type { ZohoClient } from '../shared/clients/zoho/createZohoClient.ts';
import { ZohoConfigurationError } from '../shared/clients/zoho/zohoErrors.ts';
import { ConfigError, loadConfig, publicUrlEnvSchema, workerEnvSchema } from '../shared/config/env.ts';
import { createDbPool, type DatabasePool } from '../shared/db/createDbPool.ts';
import { withEmbeddedSetup } from '../shared/db/embeddedPostgres.ts';
import { listZohoChannels } from '../shared/db/queries/zohoChannels.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import {
  connectZohoChannels,
  disconnectZohoChannels,
  notifyUrlFor,
  type ChannelReport,
} from '../worker/zohoChannels/manageZohoChannels.ts';
import { CliError, runCli } from './lib/runCli.ts';

const SCOPE_HINT =
  'the Zoho refresh token needs the scope ZohoCRM.notifications.ALL besides the others the README lists: make a new grant token with it (README, "Connecting to Zoho\'s API") and set ZOHO_REFRESH_TOKEN';

let pool: DatabasePool | undefined;
async function open(): Promise<{ db: DatabasePool; zoho: ZohoClient }> {
  // The embedded setup's generated ENCRYPTION_KEY too: it decrypts the shared Zoho token.
  const env = withEmbeddedSetup(process.env);
  const config = loadConfig(workerEnvSchema, env);
  pool ??= await createDbPool(config.DATABASE_URL, { maximumPoolSize: 2 });
  const zoho = createZohoClientFromConfig(config, pool, createLogger({ service: 'bin-zoho', level: 'warn' }));
  if (!zoho)
    throw new CliError(
      'Zoho is not configured: set ZOHO_ACCOUNTS_URL, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN and ENCRYPTION_KEY (README, "Connecting to Zoho\'s API")',
    );
  return { db: pool, zoho };
}

const log = createLogger({ service: 'bin-zoho', level: 'warn' });

function print(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);
}

function describe(report: ChannelReport): string {
  const what = { create: 'subscribed', renew: 'renewed', disable: 'disabled', keep: 'kept' }[report.step];
  const until = report.expiresAt ? ` until ${report.expiresAt.toISOString()}` : '';
  return `${report.ok ? 'ok  ' : 'FAIL'} ${report.module.padEnd(20)} ${report.ok ? what : 'not ' + what}${report.channelId ? ` (channel ${report.channelId})` : ''}${until}${report.detail ? ` — ${report.detail}` : ''}`;
}

/** A Zoho refusal of the whole request is the org's setup (scope, edition), said with the fix. */
async function withZohoHints<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ZohoConfigurationError) throw new CliError(`Zoho refused: ${error.message}. ${SCOPE_HINT}`);
    throw error;
  }
}

const json = { json: { type: 'boolean', default: false, description: 'print JSON' } } as const;

const cli = yargs(hideBin(process.argv))
  .scriptName('bin/zoho')
  .usage(
    '$0 <command>\n\nZoho CRM notification channels: Zoho tells the service of every create, edit and delete in the synced modules.',
  )
  .command(
    'connect',
    'subscribe a channel per enabled module (or renew them), posting to PUBLIC_URL/v1/notifications/zoho',
    (y: Argv) => y.options(json),
    async (argv) => {
      if (!process.env.PUBLIC_URL) {
        throw new CliError(
          'PUBLIC_URL is not set: set it to the address Zoho reaches this service at, e.g. PUBLIC_URL=https://sync.example.ac.uk (the channels post to PUBLIC_URL/v1/notifications/zoho; README "Pointing Zoho at it")',
        );
      }
      const { PUBLIC_URL } = loadConfig(publicUrlEnvSchema);
      const { db, zoho } = await open();
      const reports = await withZohoHints(() => connectZohoChannels({ db, zoho, log }, PUBLIC_URL));
      const failed = reports.filter((r) => !r.ok);
      print(
        argv.json,
        reports,
        [
          `notify URL: ${notifyUrlFor(PUBLIC_URL)}`,
          ...reports.map(describe),
          failed.length
            ? `${failed.length} channel(s) failed; nothing else changed for them`
            : 'the worker renews the channels before they expire (hourly, two days ahead)',
        ].join('\n'),
      );
      if (failed.length) process.exitCode = 1;
    },
  )
  .command(
    'status',
    'the channels, their expiry, their last delivery, and what Zoho itself lists',
    (y: Argv) => y.options(json),
    async (argv) => {
      const { db, zoho } = await open();
      const rows = await listZohoChannels(db);
      const inZoho = await withZohoHints(() => zoho.watch.list());
      const listed = new Set(inZoho.map((c) => c.channelId));
      const now = Date.now();
      const channels = rows.map((row) => ({
        ...row,
        inZoho: listed.has(row.channel_id),
        state:
          row.expires_at.getTime() <= now
            ? 'expired'
            : row.renewal_error
              ? 'renewal failing'
              : listed.has(row.channel_id)
                ? 'live'
                : 'not listed by Zoho',
      }));
      const ours = new Set(rows.map((r) => r.channel_id));
      const foreign = inZoho.filter((c) => !ours.has(c.channelId));
      const lines =
        channels.length === 0
          ? ['no channels: run bin/zoho connect']
          : channels.map(
              (c) =>
                `${c.module.padEnd(20)} ${c.state.padEnd(18)} channel ${c.channel_id}, expires ${c.expires_at.toISOString()}, ` +
                `last delivery ${c.last_delivery_at?.toISOString() ?? 'never'} (${c.deliveries} in all)${c.renewal_error ? `; last renewal failed ${c.renewal_failed_at?.toISOString()}: ${c.renewal_error}` : ''}`,
            );
      if (foreign.length)
        lines.push(
          `${foreign.length} other channel(s) in this Zoho org, not made by this service: ${foreign.map((c) => `${c.channelId} (${c.module ?? '?'})`).join(', ')}`,
        );
      print(argv.json, { channels, otherChannels: foreign }, lines.join('\n'));
      if (channels.some((c) => c.state !== 'live')) process.exitCode = 1;
    },
  )
  .command(
    'disconnect',
    'disable every channel in Zoho (workflow-rule webhooks, if any, keep working)',
    (y: Argv) => y.options(json),
    async (argv) => {
      const { db, zoho } = await open();
      const reports = await withZohoHints(() => disconnectZohoChannels({ db, zoho, log }));
      print(argv.json, reports, reports.length ? reports.map(describe).join('\n') : 'no channels to disable');
    },
  )
  .demandCommand(1, 'give a command: connect, status or disconnect')
  .strict()
  .help();

await runCli(
  'bin/zoho',
  cli,
  async () => pool?.end(),
  (error) => error instanceof ConfigError,
);
