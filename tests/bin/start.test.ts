import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { embeddedDatabaseUrl } from '../../shared/db/embeddedPostgres.ts';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET } from '../helpers/signing.ts';
import { waitFor } from '../helpers/waitFor.ts';

const START = fileURLToPath(new URL('../../bin/start.ts', import.meta.url));

t.test('npm start without DATABASE_URL runs ingress and worker on an embedded PostgreSQL, and stops cleanly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mzs-embedded-'));
  // As root the cluster runs as the postgres user, which must be able to reach it.
  chmodSync(dir, 0o755);
  const port = String(55_000 + Math.floor(Math.random() * 5000));
  const env: Record<string, string | undefined> = {
    ...process.env,
    EMBEDDED_POSTGRES_DIR: dir,
    EMBEDDED_POSTGRES_PORT: port,
    ZOHO_WEBHOOK_SECRET: ZOHO_SECRET,
    MOODLE_WEBHOOK_SECRET: MOODLE_SECRET,
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const listening = await waitFor(async () => lines.find((l) => l.msg && String(l.msg).startsWith('ingress listening')), 60_000, 'the ingress');
  await waitFor(async () => lines.find((l) => l.msg === 'worker started'), 30_000, 'the worker');
  t.ok(lines.some((l) => String(l.msg).includes(`using the embedded PostgreSQL in ${join(dir, 'postgres')}`)), 'says where the database is');

  // A crashed child is restarted, and says so.
  const workerPid = Number(lines.find((l) => l.msg === 'worker started')?.pid);
  t.ok(workerPid > 0, 'the worker logs its pid');
  process.kill(workerPid, 'SIGKILL');
  const restart = await waitFor(async () => lines.find((l) => String(l.msg ?? '').startsWith('worker exited unexpectedly')), 10_000, 'the launcher to notice');
  t.match(restart, { process: 'worker', signal: 'SIGKILL', restartInMs: 1000 }, 'restarts it after 1 s');
  await waitFor(async () => lines.filter((l) => l.msg === 'worker started').length >= 2 || undefined, 30_000, 'the worker to start again');
  t.notOk(lines.some((l) => String(l.msg ?? '').startsWith('api exited')), 'the ingress kept running');

  const body = JSON.stringify({ event_id: 'start-1', event_type: '\\core\\event\\user_created', entity_type: 'user', entity_id: 3, timestamp: 1, data: {} });
  const res = await fetch(`http://127.0.0.1:${String(listening.port)}/v1/events/moodle/user`, { method: 'POST', body, headers: signedHeaders(MOODLE_SECRET, body) });
  t.equal(res.status, 202);

  const url = embeddedDatabaseUrl({ EMBEDDED_POSTGRES_DIR: dir });
  t.ok(url, 'credentials written beside the cluster');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const settled = await waitFor(async () => {
    const { rows } = await client.query<{ status: string; error_code: string }>(
      "select status, error_code from integration_events_log where event_id = 'start-1' and status = 'failed'");
    return rows[0];
  }, 30_000, 'the worker to run the event');
  await client.end();
  t.same(settled, { status: 'failed', error_code: 'moodle.invalid_payload' }, 'the worker ran it (an empty data object fails validation, naming the fields)');

  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 0, `exit code 0 (stderr: ${stderr.trim()})`);
  const after = new pg.Client({ connectionString: url });
  await t.rejects(after.connect(), 'the embedded PostgreSQL was stopped too');
});
