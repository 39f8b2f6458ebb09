import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { z } from 'zod';
import { cliEnvSchema, loadConfig } from '../shared/config/env.ts';
import { createDbPool, type DatabasePool } from '../shared/db/createDbPool.ts';
import { withEmbeddedDatabaseUrl } from '../shared/db/embeddedPostgres.ts';
import { eventAttempts } from '../shared/db/queries/eventAttempts.ts';
import {
  cancelEvent,
  deleteSettledEvents,
  failedEventIds,
  findEvents,
  getEventJob,
  getQueueStatus,
  isEventRunning,
  listEvents,
  retryEvents,
} from '../shared/db/queries/eventOperations.ts';
import { EVENT_STATUSES, type EventRow } from '../shared/db/queries/integrationEventsLog.ts';
import { timeWindowSchema } from '../shared/domain/timeWindow.ts';
import { renderEvent, renderEventList, renderStatus } from './lib/renderEvents.ts';
import { CliError, runCli } from './lib/runCli.ts';

const statusListSchema = z.array(z.enum(EVENT_STATUSES));

function parseWith<T>(schema: z.ZodType<T>, option: string) {
  return (value: unknown): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new Error(`--${option} ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
    return parsed.data;
  };
}

let pool: DatabasePool | undefined;
async function db(): Promise<DatabasePool> {
  const config = loadConfig(cliEnvSchema, withEmbeddedDatabaseUrl(process.env));
  pool ??= await createDbPool(config.DATABASE_URL, { maximumPoolSize: 2 });
  return pool;
}

function print(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);
}

/** Resolves `<event>` (sender's event id, or `#<row id>`) to exactly one event. */
async function oneEvent(reference: string): Promise<EventRow> {
  const rows = await findEvents(await db(), reference);
  if (rows.length === 0)
    throw new CliError(`unknown event ${reference} (give the sender's event id, or #<ref> from bin/jobs list)`);
  if (rows.length > 1) {
    throw new CliError(
      `event id ${reference} exists for several sources (${rows.map((r) => `#${r.id} ${r.source}`).join(', ')}): use #<ref>`,
    );
  }
  return rows[0]!;
}

const json = { json: { type: 'boolean', default: false, description: 'print JSON instead of a table' } } as const;
const since = {
  type: 'string',
  description: 'only events received within this window, e.g. 30m, 24h, 7d',
  coerce: parseWith(timeWindowSchema, 'since'),
} as const;

const cli = yargs(hideBin(process.argv))
  .scriptName('bin/jobs')
  .usage(
    '$0 <command>\n\nInspect and re-queue the events the service received (integration_events_log) and their jobs.',
  )
  .command(
    'status',
    'counts of events by status, the queue and the running workers',
    (y: Argv) => y.options(json),
    async (argv) => {
      const status = await getQueueStatus(await db());
      print(argv.json, status, renderStatus(status, new Date()));
    },
  )
  .command(
    'list',
    'recent events, newest first',
    (y: Argv) =>
      y.options({
        ...json,
        status: {
          type: 'string',
          array: true,
          description: `only these statuses (${EVENT_STATUSES.join(', ')})`,
          coerce: (v: string[]) => parseWith(statusListSchema, 'status')(v.flatMap((s) => s.split(','))),
        },
        since,
        source: { choices: ['zoho', 'moodle'] as const, description: 'only events from this sender' },
        entity: { type: 'string', description: 'only this entity (student, class, grade, user, …)' },
        record: { type: 'string', description: 'only events about this record id (Zoho id or Moodle id)' },
        limit: {
          type: 'number',
          default: 50,
          description: 'at most this many rows',
          coerce: parseWith(z.number().int().min(1).max(10_000), 'limit'),
        },
      }),
    async (argv) => {
      const rows = await listEvents(await db(), {
        status: argv.status,
        since: argv.since,
        source: argv.source,
        entity: argv.entity,
        recordId: argv.record,
        limit: argv.limit,
      });
      print(argv.json, rows, renderEventList(rows, new Date()));
    },
  )
  .command(
    'show <event>',
    'one event: status, error, result, payload, its job, and every attempt with the plan it applied',
    (y: Argv) =>
      y
        .options(json)
        .positional('event', { type: 'string', demandOption: true, description: "the sender's event id, or #<ref>" }),
    async (argv) => {
      const event = await oneEvent(String(argv.event));
      const job = await getEventJob(await db(), event);
      const attempts = await eventAttempts(await db(), event.id);
      print(argv.json, { event, job, attempts }, renderEvent(event, job, attempts));
    },
  )
  .command(
    'retry [events..]',
    're-queue events (failed, skipped, cancelled, or stuck waiting)',
    (y: Argv) =>
      y
        .options({
          ...json,
          failed: {
            type: 'boolean',
            default: false,
            description: 'every failed event (with --since: received within the window)',
          },
          since,
          force: { type: 'boolean', default: false, description: 'also re-run completed events' },
        })
        .positional('events', { type: 'string', array: true, description: "sender's event ids, or #<ref>" }),
    async (argv) => {
      const references = (argv.events ?? []).map(String);
      if (argv.failed === references.length > 0) throw new CliError('give event ids, or --failed (not both)');
      if (argv.since && !argv.failed) throw new CliError('--since goes with --failed');
      let ids: number[];
      if (argv.failed) {
        ids = await failedEventIds(await db(), argv.since);
      } else {
        const events = await Promise.all(references.map(oneEvent));
        for (const event of events) {
          if (await isEventRunning(await db(), event.id))
            throw new CliError(`event ${event.event_id} is running now; retry it when it has finished`);
          if (event.status === 'completed' && !argv.force)
            throw new CliError(`event ${event.event_id} completed; add --force to run it again`);
        }
        ids = events.map((e) => e.id);
      }
      const requeued = await retryEvents(await db(), ids);
      print(
        argv.json,
        { requeued },
        requeued.length
          ? `re-queued ${requeued.length} event(s): ${requeued.map((id) => `#${id}`).join(' ')}`
          : 'nothing to re-queue',
      );
    },
  )
  .command(
    'cancel <event>',
    'stop an event that has not run yet (or failed) from running',
    (y: Argv) =>
      y
        .options(json)
        .positional('event', { type: 'string', demandOption: true, description: "the sender's event id, or #<ref>" }),
    async (argv) => {
      const event = await oneEvent(String(argv.event));
      if (!(await cancelEvent(await db(), event.id))) {
        throw new CliError(
          `event ${event.event_id} is ${event.status}${event.status === 'processing' ? ' (running now)' : ''}; only pending, retrying, failed or abandoned events can be cancelled`,
        );
      }
      print(argv.json, { cancelled: event.id }, `cancelled #${event.id} (${event.event_id})`);
    },
  )
  .command(
    'cleanup',
    'delete settled events older than --days (dry run unless --yes)',
    (y: Argv) =>
      y.options({
        ...json,
        days: {
          type: 'number',
          demandOption: true,
          description: 'age in days, by when the event finished',
          coerce: parseWith(z.number().int().min(1).max(36_500), 'days'),
        },
        'include-failed': { type: 'boolean', default: false, description: 'delete failed events too' },
        yes: { type: 'boolean', default: false, description: 'really delete (otherwise only count)' },
      }),
    async (argv) => {
      const count = await deleteSettledEvents(await db(), argv.days, {
        includeFailed: argv['include-failed'],
        countOnly: !argv.yes,
      });
      print(
        argv.json,
        argv.yes ? { deleted: count } : { wouldDelete: count },
        argv.yes
          ? `deleted ${count} event(s)`
          : `would delete ${count} event(s) older than ${argv.days} days; add --yes to delete`,
      );
    },
  )
  .demandCommand(1, 'give a command: status, list, show, retry, cancel or cleanup')
  .strict()
  .help();

await runCli('bin/jobs', cli, async () => pool?.end());
