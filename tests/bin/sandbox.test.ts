import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { waitFor } from '../helpers/waitFor.ts';

const SANDBOX = fileURLToPath(new URL('../../bin/sandbox.ts', import.meta.url));

t.test('npm run sandbox runs the service against simulated Zoho and Moodle, and stops cleanly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mzs-sandbox-'));
  chmodSync(dir, 0o755);
  const env: Record<string, string | undefined> = {
    ...process.env,
    EMBEDDED_POSTGRES_DIR: dir,
    EMBEDDED_POSTGRES_PORT: String(55_000 + Math.floor(Math.random() * 5000)),
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  for (const name of ['DATABASE_URL', 'ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET']) delete env[name];
  const child = spawn(process.execPath, [SANDBOX], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const text: string[] = [];
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    text.push(line);
    if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const listening = await waitFor(
    async () => lines.find((l) => String(l.msg ?? '').startsWith('ingress listening')),
    60_000,
    'the ingress',
  );
  t.ok(
    text.some((l) => l.includes('bin/send-event zoho student --record')),
    'tells the newcomer what to try',
  );
  const ready = await waitFor(
    async () => {
      const body = (await (await fetch(`http://127.0.0.1:${String(listening.port)}/health/ready`)).json()) as {
        moodle: { state: string };
      };
      return body.moodle.state === 'ok' ? body : undefined;
    },
    20_000,
    'Moodle to be reported ok',
  );
  t.match(ready, { status: 'ready', moodle: { state: 'ok', missingFunctions: [] } });
  child.kill('SIGTERM');
  t.equal(await new Promise((resolve) => child.once('exit', resolve)), 0, 'exit code 0');
});
