import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { countRows } from '../../helpers/eventRows.ts';
import { ZOHO_SECRET } from '../../helpers/signing.ts';
import { PROJECT_ROOT } from '../../helpers/spawnProcess.ts';
import { startTestApp } from '../../helpers/startTestApp.ts';

/**
 * The README's Deluge function, fed to the service exactly as Zoho would send it. Each Deluge
 * step is mirrored here with its documented result: `Map.toString()` is compact JSON in
 * insertion order; `zoho.encryption.hmacsha256(key, text, "base64")` uses the key's text as
 * its bytes; `invokeurl`'s `content-type:` attribute sets the Content-Type (headers set inside
 * `headers:` do not: Deluge then sends text/plain); Modified Time arrives as Zoho formats it.
 */
const readme = readFileSync(`${PROJECT_ROOT}README.md`, 'utf8');
const deluge = /```deluge\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
// The Deluge key is the secret's decoded text (README: "Generate a secret").
const key = Buffer.from(ZOHO_SECRET.slice('whsec_'.length), 'base64').toString('utf8');

/** What the function computes and sends for one rule firing. */
function delugeDelivery(
  args: { module: string; entity: string; eventType: string; recordId: string; modifiedTime: string },
  nowMs = Date.now(),
) {
  const stamp = args.modifiedTime.replaceAll(' ', 'T');
  const msgId = `${args.module}:${args.recordId}:${args.eventType}:${stamp}`;
  const payload = JSON.stringify({
    event_id: msgId,
    event_type: args.eventType,
    module: args.module,
    record_id: args.recordId,
  });
  const ts = String(Math.trunc(Math.trunc(nowMs) / 1000));
  const signature = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${msgId}.${ts}.${payload}`).digest('base64');
  return {
    path: `/v1/events/zoho/${args.entity}`,
    payload,
    headers: {
      'content-type': 'application/json',
      'webhook-id': msgId,
      'webhook-timestamp': ts,
      'webhook-signature': `v1,${signature}`,
    },
  };
}

const app = await startTestApp(t);
const post = (d: ReturnType<typeof delugeDelivery>, headers: Record<string, string> = d.headers) =>
  fetch(`${app.url}${d.path}`, { method: 'POST', body: d.payload, headers });

t.test('the README shows one function for every module and operation, right by construction', async (t) => {
  t.match(
    deluge,
    /void automation\.notify_sync\(String module, String entity, String eventType, String recordId, String modifiedTime\)/,
  );
  t.match(deluge, /\(zoho\.currenttime\.toLong\(\) \/ 1000\)\.toLong\(\)\.toString\(\)/, 'the timestamp is an integer');
  t.match(deluge, /modifiedTime\.replaceAll\(" ", "T"\)/, 'the id has no space');
  t.match(deluge, /content-type: "application\/json"/, "invokeurl's own content-type attribute");
  t.notMatch(deluge, /"Content-Type"\s*:/, 'not among headers (Deluge would then send text/plain)');
});

t.test('what it sends is accepted, once, for both forms of Modified Time', async (t) => {
  for (const modifiedTime of ['2026-12-03T19:10:00+05:30', '2026-12-03 19:10:00']) {
    const delivery = delugeDelivery({
      module: 'BTEC_Students',
      entity: 'student',
      eventType: 'updated',
      recordId: '5725767000001234567',
      modifiedTime,
    });
    const before = await countRows(app.db);
    const first = await post(delivery);
    t.equal(first.status, 202, `accepted (${modifiedTime}): ${await first.clone().text()}`);
    t.equal((await post(delivery)).status, 200, 'the same change delivered again is a duplicate');
    t.same(await countRows(app.db), { events: before.events + 1, jobs: before.jobs + 1 }, 'one row, one job');
  }
});

t.test('the three ways the earlier version failed are refused, as Zoho would have seen', async (t) => {
  const args = {
    module: 'BTEC_Classes',
    entity: 'class',
    eventType: 'created',
    recordId: '5725767000001234999',
    modifiedTime: '2026-12-03 19:12:00',
  };
  const good = delugeDelivery(args);
  t.equal(
    (await post(good, { ...good.headers, 'content-type': 'text/plain;charset=UTF-8' })).status,
    415,
    'Content-Type among headers: Deluge sends text/plain → 415',
  );
  const fractional = `${good.headers['webhook-timestamp']}.352`;
  t.equal(
    (await post(good, { ...good.headers, 'webhook-timestamp': fractional })).status,
    401,
    'a timestamp that is not an integer → 401',
  );
  const spaced = delugeDelivery({ ...args, modifiedTime: '2026-12-03 19:13:00' });
  const withSpace = `${args.module}:${args.recordId}:${args.eventType}:2026-12-03 19:13:00`;
  const body = spaced.payload.replace(spaced.headers['webhook-id'], withSpace);
  const ts = spaced.headers['webhook-timestamp'];
  const signature = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(`${withSpace}.${ts}.${body}`)
    .digest('base64');
  const answer = await fetch(`${app.url}${spaced.path}`, {
    method: 'POST',
    body,
    headers: { ...spaced.headers, 'webhook-id': withSpace, 'webhook-signature': `v1,${signature}` },
  });
  t.equal(answer.status, 400, 'an id with a space (a raw DateTime merge field) → 400');
});
