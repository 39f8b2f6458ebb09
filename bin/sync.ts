import { randomBytes } from 'node:crypto';
import Table from 'cli-table3';
import { SingleBar } from 'cli-progress';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createZohoClientFromConfig } from '../shared/clients/zoho/createZohoClientFromConfig.ts';
import { loadConfig, workerEnvSchema } from '../shared/config/env.ts';
import { createDbPool } from '../shared/db/createDbPool.ts';
import { withEmbeddedSetup } from '../shared/db/embeddedPostgres.ts';
import { bulkRunCost } from '../shared/db/queries/bulkRuns.ts';
import {
  reconcileRunCost,
  reconcileRunOutcomes,
  RUN_COLUMNS,
  summariseRun,
  type RunSummary,
} from '../shared/db/queries/reconcileRuns.ts';
import { ZOHO_ENTITIES, ZOHO_MODULES, type ZohoEntity } from '../shared/domain/events.ts';
import { timeWindowSchema } from '../shared/domain/timeWindow.ts';
import { createLogger } from '../shared/logging/createLogger.ts';
import { reportFatal } from '../shared/runProcess.ts';
import { queueReconciliation } from '../worker/reconcile/queueReconciliation.ts';

/**
 * Bulk load and reconciliation (docs/design.md "The bulk path"): lists the chosen Zoho modules
 * once and stores every record as an event of one run, which the running worker's bulk job syncs
 * (the same flows, outcomes and retries as webhooks, with batched Moodle and Zoho calls); shows
 * a progress bar, and ends with a summary per module and what the run cost. The worker must be
 * running (`npm start`); the run waits for it otherwise.
 */
const byName = new Map<string, ZohoEntity>([
  ...ZOHO_ENTITIES.map((e) => [e, e] as const),
  ...ZOHO_ENTITIES.map((e) => [ZOHO_MODULES[e].toLowerCase(), e] as const),
]);

const argv = await yargs(hideBin(process.argv))
  .scriptName('bin/sync')
  .usage(
    '$0 (--all | --module <m>…) [--since 24h] [--dry-run] [--no-wait] [--json]\n\nQueues Zoho records for the worker to sync into Moodle, then reports what it did.',
  )
  .options({
    all: { type: 'boolean', description: `every module, in dependency order (${ZOHO_ENTITIES.join(', ')})` },
    module: {
      type: 'string',
      array: true,
      description: `entity or Zoho module: ${ZOHO_ENTITIES.join(', ')} (or BTEC_Students, Products, …)`,
    },
    since: { type: 'string', description: 'only records modified in this window, e.g. 26h, 7d (default: all records)' },
    'dry-run': {
      type: 'boolean',
      default: false,
      description: 'record what would be done; write nothing to Moodle or Zoho',
    },
    wait: {
      type: 'boolean',
      default: true,
      description: 'wait for the worker and print the summary (--no-wait: just queue)',
    },
    json: { type: 'boolean', default: false, description: 'print the result as JSON (no progress bar)' },
    'timeout-minutes': {
      type: 'number',
      default: 120,
      description: 'stop waiting after this long (the events keep running)',
    },
  })
  .check((args) => {
    if (!args.all && !args.module?.length) throw new Error('say which records: --all, or --module <m> (one or more)');
    for (const name of args.module ?? []) {
      if (!byName.has(name.toLowerCase()))
        throw new Error(`--module ${name} is not one of ${ZOHO_ENTITIES.join(', ')} (or their Zoho module names)`);
    }
    if (args.since !== undefined && !timeWindowSchema.safeParse(args.since).success)
      throw new Error('--since must be a number and a unit m, h, d or w, e.g. 26h');
    return true;
  })
  .strict()
  .help()
  .parseAsync();

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

try {
  const config = loadConfig(workerEnvSchema, withEmbeddedSetup(process.env));
  const log = createLogger({ service: 'sync', level: 'warn' });
  const db = await createDbPool(config.DATABASE_URL, { maximumPoolSize: 2 });
  try {
    const zoho = createZohoClientFromConfig(config, db, log);
    if (!zoho)
      throw new Error(
        'bin/sync reads Zoho: set ZOHO_ACCOUNTS_URL, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN and ENCRYPTION_KEY (as for the worker)',
      );
    const entities = argv.all
      ? ZOHO_ENTITIES
      : [...new Set((argv.module ?? []).map((m) => byName.get(m.toLowerCase())!))];
    const modifiedSince = argv.since
      ? new Date(Date.now() - Number(argv.since.slice(0, -1)) * UNIT_MS[argv.since.slice(-1) as keyof typeof UNIT_MS])
      : undefined;
    const runId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
    const say = (text: string) => {
      if (!argv.json) process.stderr.write(`${text}\n`);
    };

    say(
      `run ${runId}${argv['dry-run'] ? ' (dry run)' : ''}: listing ${entities.join(', ')} in Zoho${modifiedSince ? ` modified since ${modifiedSince.toISOString()}` : ''}…`,
    );
    const queued = await queueReconciliation(
      { db, zoho, log },
      {
        entities,
        modifiedSince,
        planOnly: argv['dry-run'],
        runId,
        onModule: (entity, n) => say(`  ${entity}: ${n} queued`),
      },
    );
    let summary: RunSummary = summariseRun(await reconcileRunOutcomes(db, runId));
    let waited = 'not waited for (--no-wait)';
    if (argv.wait && queued.total > 0) {
      const bar = argv.json
        ? undefined
        : new SingleBar({
            format: '  syncing [{bar}] {value}/{total} settled | {rate} records/s | {eta_formatted} left',
            stream: process.stderr,
            hideCursor: true,
          });
      bar?.start(queued.total, 0, { rate: '0' });
      const startedAt = Date.now();
      const deadline = Date.now() + argv['timeout-minutes'] * 60_000;
      let interrupted = false;
      process.once('SIGINT', () => {
        interrupted = true;
      });
      for (;;) {
        summary = summariseRun(await reconcileRunOutcomes(db, runId));
        const waiting = Object.values(summary).reduce((sum, counts) => sum + counts.waiting, 0);
        const settled = queued.total - waiting;
        bar?.update(settled, { rate: (settled / Math.max((Date.now() - startedAt) / 1000, 0.001)).toFixed(1) });
        if (waiting === 0) {
          waited = 'all settled';
          break;
        }
        if (interrupted || Date.now() > deadline) {
          waited = `${waiting} still waiting: they keep running (bin/jobs list --since 1h)`;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      bar?.stop();
    }
    const totals = Object.fromEntries(
      RUN_COLUMNS.map((c) => [c, Object.values(summary).reduce((sum, counts) => sum + counts[c], 0)]),
    );
    // The bulk job's chunks, plus the records that retried on their own (their attempts).
    const [bulk, retried] = await Promise.all([bulkRunCost(db, runId), reconcileRunCost(db, runId)]);
    const syncing = (bulk?.zoho_calls ?? 0) + retried.zoho_calls;
    const cost = {
      zohoCalls: { listing: queued.listingZohoCalls, events: syncing, total: queued.listingZohoCalls + syncing },
      moodleCalls: (bulk?.moodle_calls ?? 0) + retried.moodle_calls,
      zohoCreditsRemaining: retried.zoho_credits_remaining ?? bulk?.zoho_credits_remaining ?? null,
    };
    if (argv.json) {
      process.stdout.write(
        `${JSON.stringify({ runId, dryRun: argv['dry-run'], queued: queued.queued, summary, totals, cost, waited })}\n`,
      );
    } else {
      const table = new Table({ head: ['module', ...RUN_COLUMNS], style: { head: [], border: [] } });
      for (const entity of entities)
        table.push([ZOHO_MODULES[entity], ...RUN_COLUMNS.map((c) => String(summary[entity]?.[c] ?? 0))]);
      table.push(['total', ...RUN_COLUMNS.map((c) => String(totals[c]))]);
      const credits =
        cost.zohoCreditsRemaining === null ? '' : `; Zoho says ${cost.zohoCreditsRemaining} API credits remain`;
      process.stdout.write(
        `${table.toString()}\n` +
          `Cost: ${cost.zohoCalls.total} Zoho API calls (listing ${cost.zohoCalls.listing}, syncing ${cost.zohoCalls.events}), ` +
          `${cost.moodleCalls} Moodle calls${credits}.\n` +
          `${waited}. Details: bin/jobs list --since 1d, or the events with ids sync:${runId}:<record id>.\n`,
      );
    }
    process.exitCode = (totals.failed ?? 0) + (totals.invalid ?? 0) > 0 ? 1 : 0;
  } finally {
    await db.end();
  }
} catch (error) {
  reportFatal('bin/sync', error, 'failed');
  process.exitCode = 2;
}
