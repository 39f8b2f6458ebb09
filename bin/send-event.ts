import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { z } from 'zod';
import { loadConfig } from '../shared/config/env.ts';
import { withEmbeddedSetup } from '../shared/db/embeddedPostgres.ts';
import { MOODLE_ENTITIES, ZOHO_ENTITIES, ZOHO_MODULES, type ZohoEntity } from '../shared/domain/events.ts';
import { reportFatal } from '../shared/runProcess.ts';

/**
 * Signs a test event with the configured secret and posts it, as Zoho's Deluge function
 * or the Moodle plugin would: to check a deployment end to end, and to watch an event go
 * through (`bin/jobs show <event id>` afterwards).
 */
const argv = await yargs(hideBin(process.argv))
  .scriptName('bin/send-event')
  .usage('$0 <source> <entity> [options]\n\nPosts one signed test event to the ingress (HOST, PORT or --url).')
  .positional('source', { choices: ['zoho', 'moodle'] as const, demandOption: true })
  .positional('entity', {
    type: 'string',
    demandOption: true,
    description: `zoho: ${ZOHO_ENTITIES.join(', ')}; moodle: ${MOODLE_ENTITIES.join(', ')}`,
  })
  .options({
    record: { type: 'string', default: '1', description: 'record id (Zoho id, or Moodle entity id)' },
    type: {
      type: 'string',
      default: 'updated',
      description: 'zoho: created | updated | deleted; moodle: the Moodle event name',
    },
    id: { type: 'string', description: 'event id (default: a new UUID)' },
    data: {
      type: 'string',
      description:
        'moodle: the event\'s data as JSON, or @file.json (shapes: moodle-plugin/README.md "What is sent"); default {}',
    },
    url: { type: 'string', description: 'ingress base URL (default http://HOST:PORT)' },
  })
  .command('$0 <source> <entity>', false)
  .strict()
  .help()
  .parseAsync();

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  ZOHO_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
  MOODLE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
});

try {
  // The secrets `npm start` generated, when it runs on the embedded PostgreSQL.
  const config = loadConfig(envSchema, withEmbeddedSetup(process.env));
  const source = argv.source as 'zoho' | 'moodle';
  const entity = String(argv.entity);
  const secret = source === 'zoho' ? config.ZOHO_WEBHOOK_SECRET : config.MOODLE_WEBHOOK_SECRET;
  if (!secret) throw new Error(`${source === 'zoho' ? 'ZOHO' : 'MOODLE'}_WEBHOOK_SECRET is not set`);
  const eventId = argv.id ?? randomUUID();
  const data = source === 'moodle' ? readData(argv.data) : undefined;
  const now = new Date();
  const body = JSON.stringify(
    source === 'zoho'
      ? {
          event_id: eventId,
          event_type: argv.type,
          module: ZOHO_MODULES[entity as ZohoEntity] ?? entity,
          record_id: argv.record,
        }
      : {
          event_id: eventId,
          event_type: argv.type,
          entity_type: entity,
          entity_id: Number(argv.record),
          timestamp: Math.floor(now.getTime() / 1000),
          data,
        },
  );
  const base = argv.url ?? `http://${config.HOST}:${config.PORT}`;
  const response = await fetch(`${base}/v1/events/${source}/${entity}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(eventId, now, body),
    },
  });
  process.stdout.write(`${response.status} ${await response.text()}\n`);
  process.exitCode = response.ok ? 0 : 1;
} catch (error) {
  reportFatal('bin/send-event', error, 'failed');
  process.exitCode = 1;
}

/** `--data`: inline JSON or @file; an object. Without it the data is {}: the ingress takes it, the worker rejects it. */
function readData(option: string | undefined): Record<string, unknown> {
  if (option === undefined) return {};
  const text = option.startsWith('@') ? readFileSync(option.slice(1), 'utf8') : option;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`--data is not JSON${option.startsWith('@') ? ` (${option.slice(1)})` : ''}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('--data must be a JSON object');
  return value as Record<string, unknown>;
}
