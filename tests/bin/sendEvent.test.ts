import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { SECRETS_FILE_NAME } from '../../shared/config/embeddedSecrets.ts';
import { MOODLE_SECRET, ZOHO_SECRET } from '../helpers/signing.ts';
import { runProcess } from '../helpers/spawnProcess.ts';
import { startTestApp } from '../helpers/startTestApp.ts';

const SEND = fileURLToPath(new URL('../../bin/send-event', import.meta.url));
const app = await startTestApp(t);
const env = { ...process.env, ZOHO_WEBHOOK_SECRET: ZOHO_SECRET, MOODLE_WEBHOOK_SECRET: MOODLE_SECRET };

t.test('bin/send-event posts signed Zoho and Moodle test events the ingress accepts', async (t) => {
  const zoho = await runProcess(SEND, ['zoho', 'student', '--record', '123', '--id', 'send-1', '--url', app.url], {
    env,
  });
  t.equal(zoho.code, 0, zoho.stderr);
  t.match(zoho.stdout, /^202 \{"status":"accepted","event_id":"send-1"\}/);
  const again = await runProcess(SEND, ['zoho', 'student', '--record', '123', '--id', 'send-1', '--url', app.url], {
    env,
  });
  t.match(again.stdout, /^200 .*duplicate/, 'the same id again is a duplicate');
  const moodle = await runProcess(
    SEND,
    ['moodle', 'user', '--record', '7', '--type', '\\core\\event\\user_updated', '--url', app.url],
    { env },
  );
  t.equal(moodle.code, 0, moodle.stderr);
  const rows = await app.db.any(sql.type(z.object({ source: z.string(), entity: z.string(), record_id: z.string() }))`
    select source, entity, record_id from integration_events_log order by id`);
  t.same(rows, [
    { source: 'zoho', entity: 'student', record_id: '123' },
    { source: 'moodle', entity: 'user', record_id: '7' },
  ]);
});

t.test(
  'bin/send-event --data sends the Moodle event data given inline or from a file; bad JSON is refused',
  async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'send-')), 'user.json');
    writeFileSync(file, JSON.stringify({ id: 8, email: 'a@college.example' }));
    const fromFile = await runProcess(
      SEND,
      ['moodle', 'user', '--record', '8', '--id', 'send-data-1', '--data', `@${file}`, '--url', app.url],
      { env },
    );
    t.equal(fromFile.code, 0, fromFile.stderr);
    const inline = await runProcess(
      SEND,
      ['moodle', 'user', '--record', '9', '--id', 'send-data-2', '--data', '{"id":9}', '--url', app.url],
      { env },
    );
    t.equal(inline.code, 0, inline.stderr);
    const payloads = await app.db.any(sql.type(z.object({ payload: z.object({ data: z.unknown() }) }))`
    select payload from integration_events_log where event_id in ('send-data-1', 'send-data-2') order by event_id`);
    t.same(
      payloads.map((p) => p.payload.data),
      [{ id: 8, email: 'a@college.example' }, { id: 9 }],
    );
    const bad = await runProcess(SEND, ['moodle', 'user', '--data', '{nope', '--url', app.url], { env });
    t.equal(bad.code, 1);
    t.match(bad.stderr, /--data is not JSON/);
  },
);

t.test('bin/send-event exits 1 on a refused event and when the secret is missing', async (t) => {
  const refused = await runProcess(SEND, ['zoho', 'lead', '--url', app.url], { env });
  t.equal(refused.code, 1);
  t.match(refused.stdout, /^404 /);
  // An empty embedded folder: a project's own .data/secrets.env (after an `npm start`) must not stand in.
  const noSecret = await runProcess(SEND, ['moodle', 'user', '--url', app.url], {
    env: {
      ...env,
      MOODLE_WEBHOOK_SECRET: '',
      DATABASE_URL: '',
      EMBEDDED_POSTGRES_DIR: mkdtempSync(join(tmpdir(), 'send-empty-')),
    },
  });
  t.equal(noSecret.code, 1);
  t.match(noSecret.stderr, /MOODLE_WEBHOOK_SECRET is not set/);
});

t.test('bin/send-event signs with the secrets `npm start` generated in the embedded mode', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'send-embedded-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, SECRETS_FILE_NAME),
    `ZOHO_WEBHOOK_SECRET=${ZOHO_SECRET}\nMOODLE_WEBHOOK_SECRET=${MOODLE_SECRET}\nENCRYPTION_KEY=${Buffer.alloc(32, 1).toString('base64')}\n`,
  );
  const embeddedEnv = {
    ...env,
    ZOHO_WEBHOOK_SECRET: '',
    MOODLE_WEBHOOK_SECRET: '',
    DATABASE_URL: '',
    EMBEDDED_POSTGRES_DIR: dir,
  };
  const result = await runProcess(
    SEND,
    ['zoho', 'student', '--record', '77', '--id', 'send-embedded-1', '--url', app.url],
    { env: embeddedEnv },
  );
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^202 /);
  const withUrl = await runProcess(SEND, ['zoho', 'student', '--url', app.url], {
    env: { ...embeddedEnv, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' },
  });
  t.match(withUrl.stderr, /ZOHO_WEBHOOK_SECRET is not set/, 'with a DATABASE_URL the file is not read');
});
