import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../shared/db/embeddedPostgres.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import type { Cleanup } from '../bench/benchSupport.ts';
import { freePort } from '../helpers/freePort.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The fault script's own PostgreSQL (loopback, a temporary folder): it is stopped and started at will. */
export interface ChaosPostgres {
  server: EmbeddedPostgresServer;
  /** A new empty database on it; the ingress migrates it on start. @returns its URL. */
  createDatabase(name: string): Promise<string>;
}

export async function startChaosPostgres(cleanup: Cleanup): Promise<ChaosPostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mzs-chaos-'));
  // As root the embedded PostgreSQL runs as the system user postgres: it must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  cleanup.defer(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startEmbeddedPostgres(
    createLogger({ service: 'chaos-postgres', level: 'warn' }),
    await freePort(),
    { dataDir },
  );
  cleanup.defer(() => server.stop().catch(() => undefined));
  return {
    server,
    async createDatabase(name) {
      const admin = new URL(server.url);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
  };
}

/** The real ingress and worker processes on a database of the chaos PostgreSQL. */
export async function startChaosStack(
  cleanup: Cleanup,
  postgres: ChaosPostgres,
  name: string,
  options: Omit<NonNullable<Parameters<typeof startSyncStack>[1]>, 'databaseUrl'> = {},
): Promise<SyncStack> {
  const databaseUrl = await postgres.createDatabase(`chaos_${name}`);
  return startSyncStack({ teardown: (task: () => Promise<void> | void) => cleanup.defer(task) } as never, {
    databaseUrl,
    logLevel: process.env.CHAOS_LOG_LEVEL ?? 'info',
    ...options,
  });
}

/** Seeds `count` active students in the Zoho simulator. @returns their record ids. */
export function seedStudents(stack: SyncStack, count: number, tag: string): string[] {
  return stack.zoho.seed(
    'BTEC_Students',
    Array.from({ length: count }, (_, i) => ({
      Name: `ST-${tag}-${i}`,
      First_Name: 'Chaos',
      Last_Name: `${tag} ${i}`,
      Academic_Email: `chaos.${tag}.${i}@college.example`,
      Status: 'Active',
    })),
  );
}

/** Sends one signed zoho/student webhook. @returns its event id and the HTTP status (0: no answer). */
export async function sendStudentEvent(
  stack: SyncStack,
  recordId: string,
  eventType: 'created' | 'updated' = 'updated',
) {
  const eventId = randomUUID();
  try {
    const answer = await stack.sendZoho('student', {
      event_id: eventId,
      event_type: eventType,
      module: 'BTEC_Students',
      record_id: recordId,
    });
    return { eventId, status: answer.status, at: Date.now() };
  } catch {
    return { eventId, status: 0, at: Date.now() };
  }
}

const settledSchema = z.object({
  event_id: z.string(),
  status: z.string(),
  attempts: z.coerce.number(),
  finished_at: z.number().nullable(),
});
const FINAL = ['completed', 'failed', 'skipped', 'cancelled'];

/**
 * Waits until every given event's row is final, or `timeoutMs` passes.
 * @returns the rows found (missing ids have none: lost), and how many are still open.
 */
export async function waitForSettled(stack: SyncStack, eventIds: string[], timeoutMs: number) {
  const deadline = Date.now() + Number(process.env.CHAOS_SETTLE_SECONDS ?? timeoutMs / 1000) * 1000;
  for (;;) {
    const rows = await stack.db.any(sql.type(settledSchema)`
      select event_id, status, attempts, finished_at from integration_events_log
       where event_id = any(${sql.array(eventIds, 'text')})`);
    const open = rows.filter((row) => !FINAL.includes(row.status)).length;
    if (open > 0 && Date.now() > deadline) await reportStall(stack);
    if ((open === 0 && rows.length === eventIds.length) || Date.now() > deadline) {
      return {
        rows,
        open,
        missing: eventIds.length - rows.length,
        timedOut: open > 0 || rows.length < eventIds.length,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What a stalled queue looks like: its jobs by lock holder, and the worker's last lines. */
async function reportStall(stack: SyncStack): Promise<void> {
  const jobs = await stack.db.any(sql.type(
    z.object({
      locked_by: z.string().nullable(),
      n: z.coerce.number(),
      attempts: z.coerce.number(),
      next_run: z.number().nullable(),
    }),
  )`
    select locked_by, count(*) as n, max(attempts) as attempts, min(run_at) as next_run from graphile_worker.jobs group by locked_by`);
  const workers = await stack.db.any(
    sql.type(
      z.object({ worker_id: z.string(), last_seen_at: z.number() }),
    )`select worker_id, last_seen_at from worker_heartbeats`,
  );
  console.error('stalled: jobs', JSON.stringify(jobs), 'heartbeats', JSON.stringify(workers));
  const locked = await stack.db.any(sql.type(
    z.object({ id: z.coerce.number(), key: z.string().nullable(), status: z.string().nullable() }),
  )`
    select j.id, j.key, e.status from graphile_worker.jobs j
      left join integration_events_log e on j.key = 'event:' || e.id
     where j.locked_by is not null`);
  console.error('locked jobs', JSON.stringify(locked));
  const ids = new Set(locked.map((j) => String(j.id)));
  for (const line of stack.logs.worker.filter(
    (l) =>
      ids.has(String(l.jobId)) ||
      (/task (\d+)/.exec(String(l.msg ?? ''))?.[1] && ids.has(/task (\d+)/.exec(String(l.msg))![1]!)),
  )) {
    console.error(JSON.stringify(line).slice(0, 500));
  }
  for (const line of stack.logs.worker.slice(-40)) console.error(JSON.stringify(line).slice(0, 500));
}

/** Moodle accounts per Zoho student id: more than one is a student applied twice. */
export function duplicateAccounts(stack: SyncStack, ids: readonly string[]): { accounts: number; duplicated: number } {
  const wanted = new Set(ids);
  const perStudent = new Map<string, number>();
  for (const user of stack.moodle.state.users) {
    if (user.idnumber && wanted.has(user.idnumber))
      perStudent.set(user.idnumber, (perStudent.get(user.idnumber) ?? 0) + 1);
  }
  return {
    accounts: [...perStudent.values()].reduce((a, b) => a + b, 0),
    duplicated: [...perStudent.values()].filter((n) => n > 1).length,
  };
}

/** Resident memory of a process in MiB (Linux /proc), or NaN when it is gone. */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** When the worker logged `msg` first at or after `since` (ms), or undefined. */
export function loggedAt(lines: Record<string, unknown>[], prefix: string, since: number): number | undefined {
  const line = lines.find((l) => String(l.msg ?? '').startsWith(prefix) && Number(l.time) >= since);
  return line ? Number(line.time) : undefined;
}

export const isRunning = (child: { exitCode: number | null; signalCode: NodeJS.Signals | null }) =>
  child.exitCode === null && child.signalCode === null;

export { waitFor };
