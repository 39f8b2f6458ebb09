import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { readEmbeddedSecrets, SECRETS_FILE_NAME } from '../../shared/config/embeddedSecrets.ts';
import { embeddedDatabaseUrl } from '../../shared/db/embeddedPostgres.ts';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET } from '../helpers/signing.ts';
import { envWithout, runProcess } from '../helpers/spawnProcess.ts';
import { waitFor } from '../helpers/waitFor.ts';

const START = fileURLToPath(new URL('../../bin/start.ts', import.meta.url));

t.test(
  'npm start without DATABASE_URL runs ingress and worker on an embedded PostgreSQL, and stops cleanly',
  async (t) => {
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

    const listening = await waitFor(
      async () => lines.find((l) => l.msg && String(l.msg).startsWith('ingress listening')),
      60_000,
      'the ingress',
    );
    await waitFor(async () => lines.find((l) => l.msg === 'worker started'), 30_000, 'the worker');
    t.ok(
      lines.some((l) => String(l.msg).includes(`using the embedded PostgreSQL in ${join(dir, 'postgres')}`)),
      'says where the database is',
    );

    // A crashed child is restarted, and says so.
    const workerPid = Number(lines.find((l) => l.msg === 'worker started')?.pid);
    t.ok(workerPid > 0, 'the worker logs its pid');
    process.kill(workerPid, 'SIGKILL');
    const restart = await waitFor(
      async () => lines.find((l) => String(l.msg ?? '').startsWith('worker exited unexpectedly')),
      10_000,
      'the launcher to notice',
    );
    t.match(restart, { process: 'worker', signal: 'SIGKILL', restartInMs: 1000 }, 'restarts it after 1 s');
    await waitFor(
      async () => lines.filter((l) => l.msg === 'worker started').length >= 2 || undefined,
      30_000,
      'the worker to start again',
    );
    t.notOk(
      lines.some((l) => String(l.msg ?? '').startsWith('api exited')),
      'the ingress kept running',
    );

    const body = JSON.stringify({
      event_id: 'start-1',
      event_type: '\\core\\event\\user_created',
      entity_type: 'user',
      entity_id: 3,
      timestamp: 1,
      data: {},
    });
    const res = await fetch(`http://127.0.0.1:${String(listening.port)}/v1/events/moodle/user`, {
      method: 'POST',
      body,
      headers: signedHeaders(MOODLE_SECRET, body),
    });
    t.equal(res.status, 202);

    const url = embeddedDatabaseUrl({ EMBEDDED_POSTGRES_DIR: dir });
    t.ok(url, 'credentials written beside the cluster');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const settled = await waitFor(
      async () => {
        const { rows } = await client.query<{ status: string; error_code: string }>(
          "select status, error_code from integration_events_log where event_id = 'start-1' and status = 'failed'",
        );
        return rows[0];
      },
      30_000,
      'the worker to run the event',
    );
    await client.end();
    t.same(
      settled,
      { status: 'failed', error_code: 'moodle.invalid_payload' },
      'the worker ran it (an empty data object fails validation, naming the fields)',
    );

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    t.equal(code, 0, `exit code 0 (stderr: ${stderr.trim()})`);
    const after = new pg.Client({ connectionString: url });
    await t.rejects(after.connect(), 'the embedded PostgreSQL was stopped too');
  },
);

/** Starts the launcher on `dir` with no secrets at all, as `npm start` on a fresh clone with no .env. */
function startFresh(dir: string, port: string) {
  const env = {
    ...envWithout('DATABASE_URL', 'ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET', 'ENCRYPTION_KEY'),
    EMBEDDED_POSTGRES_DIR: dir,
    EMBEDDED_POSTGRES_PORT: port,
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const output = { stderr: '' };
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const stop = async () => {
    child.kill('SIGTERM');
    return new Promise<number | null>((resolve) => child.once('exit', resolve));
  };
  const listening = () =>
    waitFor(async () => lines.find((l) => String(l.msg ?? '').startsWith('ingress listening')), 60_000, 'the ingress');
  return { child, lines, output, stop, listening };
}

t.test(
  'npm start on a fresh clone: generates the secrets once (0600), says where and what goes where, reuses them',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mzs-fresh-'));
    chmodSync(dir, 0o755);
    const port = String(55_000 + Math.floor(Math.random() * 5000));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, SECRETS_FILE_NAME);

    const first = startFresh(dir, port);
    t.teardown(() => first.child.kill('SIGKILL'));
    const { port: apiPort } = await first.listening();
    await waitFor(async () => first.lines.find((l) => l.msg === 'worker started'), 30_000, 'the worker');
    t.equal(statSync(file).mode & 0o777, 0o600, 'the secrets file is readable by its owner only');
    const secrets = readEmbeddedSecrets(file)!;
    t.match(
      first.output.stderr,
      `ZOHO_WEBHOOK_SECRET, MOODLE_WEBHOOK_SECRET are not set and there is no DATABASE_URL (embedded PostgreSQL):\n  generated once in ${file}`,
    );
    t.match(first.output.stderr, 'Zoho: the key in the Deluge function');
    t.match(first.output.stderr, "Moodle: the plugin's Signing secret");
    t.match(first.output.stderr, `The values are in ${file} (not printed: this is not a terminal`);
    t.notMatch(
      first.output.stderr + JSON.stringify(first.lines),
      secrets.MOODLE_WEBHOOK_SECRET.slice(6),
      'no secret in a log',
    );

    const post = async (apiPort: unknown, id: string) => {
      const body = JSON.stringify({
        event_id: id,
        event_type: '\\core\\event\\user_created',
        entity_type: 'user',
        entity_id: 3,
        timestamp: 1,
        data: {},
      });
      return (
        await fetch(`http://127.0.0.1:${String(apiPort)}/v1/events/moodle/user`, {
          method: 'POST',
          body,
          headers: signedHeaders(secrets.MOODLE_WEBHOOK_SECRET, body),
        })
      ).status;
    };
    t.equal(await post(apiPort, 'fresh-1'), 202, 'the ingress accepts what is signed with the generated Moodle secret');
    t.equal(await first.stop(), 0);

    const text = readFileSync(file, 'utf8');
    const second = startFresh(dir, port);
    t.teardown(() => second.child.kill('SIGKILL'));
    const { port: apiPort2 } = await second.listening();
    t.equal(readFileSync(file, 'utf8'), text, 'the second start reuses the file');
    t.equal(second.output.stderr, '', 'and prints nothing about it on the terminal');
    t.ok(
      second.lines.some(
        (l) =>
          l.msg ===
          `ZOHO_WEBHOOK_SECRET, MOODLE_WEBHOOK_SECRET from ${file} (generated by the first start; the environment or .env override them)`,
      ),
      'only logs where they come from',
    );
    t.equal(await post(apiPort2, 'fresh-2'), 202, 'the same secret still works');
    t.equal(await second.stop(), 0);
  },
);

t.test(
  'with DATABASE_URL the secrets stay required: npm start stops at once naming them, and generates nothing',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mzs-real-db-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const result = await runProcess(process.execPath, [START], {
      env: {
        ...envWithout('ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET'),
        DATABASE_URL: 'postgres://svc@127.0.0.1:1/never_reached',
        EMBEDDED_POSTGRES_DIR: dir,
      },
      timeout: 20_000,
    });
    t.equal(result.code, 1);
    t.equal(
      result.stderr,
      'start: invalid configuration: ZOHO_WEBHOOK_SECRET is required; MOODLE_WEBHOOK_SECRET is required\n',
    );
    t.notOk(existsSync(join(dir, SECRETS_FILE_NAME)), 'no secrets file');
  },
);
