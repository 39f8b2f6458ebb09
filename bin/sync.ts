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
import { DRIFT_COLUMNS, summariseDrift, type DriftSummary } from '../shared/domain/sync/driftReport.ts';
import type { UnlinkedEnrolment } from '../worker/bulk/checkCourseEnrolments.ts';
import {
  reconcileRunCost,
  reconcileRunOutcomes,
  runFollowUps,
  runRecords,
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
    '$0 (--all | --module <m>…) [--since 24h] [--dry-run | --check | --repair] [--no-wait] [--json]\n\n' +
      'Syncs Zoho records into Moodle through the running worker, then reports what it did.\n' +
      '--check compares Zoho with Moodle as it is now and writes nothing (exit 1 when they differ); --repair fixes what --check finds.',
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
    check: {
      type: 'boolean',
      default: false,
      description:
        'drift report: compare every record with what Moodle has now (changes made by hand there included), and the courses’ enrolments; write nothing',
    },
    repair: {
      type: 'boolean',
      default: false,
      description: 'apply what --check would find: every record compared with Moodle as it is now, and fixed',
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
    if ([args['dry-run'], args.check, args.repair].filter(Boolean).length > 1)
      throw new Error('choose one of --dry-run, --check and --repair');
    if (args.check && !args.wait)
      throw new Error('--check reports when the run is over: it cannot be used with --no-wait');
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
    const mode = argv.check ? 'check' : argv.repair ? 'repair' : argv['dry-run'] ? 'dry run' : 'sync';
    const runId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
    const say = (text: string) => {
      if (!argv.json) process.stderr.write(`${text}\n`);
    };

    say(
      `run ${runId}${mode === 'sync' ? '' : ` (${mode})`}: listing ${entities.join(', ')} in Zoho${modifiedSince ? ` modified since ${modifiedSince.toISOString()}` : ''}…`,
    );
    const queued = await queueReconciliation(
      { db, zoho, log },
      {
        entities,
        modifiedSince,
        planOnly: mode === 'dry run' || mode === 'check',
        verify: mode === 'check' || mode === 'repair',
        runId,
        onModule: (entity, n) => say(`  ${entity}: ${n} queued`),
      },
    );
    let summary: RunSummary = summariseRun(await reconcileRunOutcomes(db, runId));
    let waited = 'not waited for (--no-wait)';
    let followUps = { total: 0, waiting: 0 };
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
        // What the records queued in turn is the run's too. The bulk job ends after its records:
        // it adds its last chunk's calls to the cost, and a verify run's enrolment check, then.
        followUps = waiting === 0 ? await runFollowUps(db, runId) : followUps;
        if (waiting + followUps.waiting === 0 && ((await bulkRunCost(db, runId))?.finished ?? true)) {
          waited = 'all settled';
          break;
        }
        if (interrupted || Date.now() > deadline) {
          waited = `${waiting + followUps.waiting} still waiting: they keep running (bin/jobs list --since 1h)`;
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
    const unlinkedEnrolments = (bulk?.report?.unlinkedEnrolments ?? []) as UnlinkedEnrolment[];
    if (mode === 'check') {
      const drift = summariseDrift(await runRecords(db, runId));
      reportDrift({ runId, entities, drift, unlinkedEnrolments, cost, waited, json: argv.json });
      process.exitCode = drift.items.length + unlinkedEnrolments.length > 0 ? 1 : 0;
    } else {
      if (argv.json) {
        process.stdout.write(
          `${JSON.stringify({ runId, mode, dryRun: mode === 'dry run', queued: queued.queued, summary, totals, followUps, cost, waited, ...(mode === 'repair' ? { unlinkedEnrolments } : {}) })}\n`,
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
            (followUps.total > 0
              ? `Follow-ups: ${followUps.total} events the run's records queued (a new class course's enrolments), in the cost above only when settled.\n`
              : '') +
            `${waited}. Details: bin/jobs list --since 1d, or the events with ids sync:${runId}:<record id>.\n` +
            (mode === 'repair' ? describeUnlinked(unlinkedEnrolments) : ''),
        );
      }
      process.exitCode = (totals.failed ?? 0) + (totals.invalid ?? 0) > 0 ? 1 : 0;
    }
  } finally {
    await db.end();
  }
} catch (error) {
  reportFatal('bin/sync', error, 'failed');
  process.exitCode = 2;
}

/** The drift report: a table per module, what differs record by record, and the enrolments only Moodle has. */
function reportDrift(report: {
  runId: string;
  entities: readonly ZohoEntity[];
  drift: DriftSummary;
  unlinkedEnrolments: UnlinkedEnrolment[];
  cost: unknown;
  waited: string;
  json: boolean;
}): void {
  const { drift, unlinkedEnrolments } = report;
  if (report.json) {
    process.stdout.write(
      `${JSON.stringify({ runId: report.runId, mode: 'check', drift, unlinkedEnrolments, cost: report.cost, waited: report.waited })}\n`,
    );
    return;
  }
  const table = new Table({ head: ['module', ...DRIFT_COLUMNS], style: { head: [], border: [] } });
  for (const entity of report.entities)
    table.push([ZOHO_MODULES[entity], ...DRIFT_COLUMNS.map((c) => String(drift.counts[entity]?.[c] ?? 0))]);
  const lines = [`Zoho compared with Moodle as it is now (run ${report.runId}; nothing written):`, table.toString()];
  const shown = 20;
  for (const entity of report.entities) {
    const items = drift.items.filter((item) => item.entity === entity);
    if (items.length === 0) continue;
    lines.push(`${ZOHO_MODULES[entity]}:`);
    for (const item of items.slice(0, shown)) lines.push(`  ${item.recordId}: ${item.column}: ${item.detail}`);
    if (items.length > shown) lines.push(`  … and ${items.length - shown} more (--json lists them all)`);
  }
  lines.push(describeUnlinked(unlinkedEnrolments).trimEnd());
  const drifted = drift.items.length + unlinkedEnrolments.length;
  lines.push(
    drifted === 0
      ? 'Zoho and Moodle agree.'
      : `${drift.items.length} record(s) differ: \`bin/sync --repair\` (same modules) fixes them.`,
  );
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
}

/** The students Moodle has in class courses that no Zoho enrollment accounts for: reported, never changed. */
function describeUnlinked(unlinked: UnlinkedEnrolment[]): string {
  if (unlinked.length === 0) return '';
  const lines = [
    `${unlinked.length} Moodle enrolment(s) no Zoho enrollment accounts for (made in Moodle; left as they are — add the enrollment in Zoho, or unenrol in Moodle):`,
    ...unlinked
      .slice(0, 20)
      .map(
        (u) =>
          `  course ${u.courseId} (class ${u.classZohoId}): user ${u.userId}${u.username ? ` ${u.username}` : ''}${u.idnumber ? ` (idnumber ${u.idnumber})` : ''}`,
      ),
    ...(unlinked.length > 20 ? [`  … and ${unlinked.length - 20} more (--json lists them all)`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
