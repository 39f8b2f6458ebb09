import Table from 'cli-table3';
import type { EventAttempt } from '../../shared/db/queries/eventAttempts.ts';
import type { QueueStatus } from '../../shared/db/queries/eventOperations.ts';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';

/** Readable tables for `bin/jobs` (pure: rows in, text out). `--json` bypasses these. */

/** No colour codes: the output is often piped, mailed or pasted into a ticket. */
const PLAIN = { style: { head: [], border: [] } };

export function renderStatus(status: QueueStatus, now: Date): string {
  const table = new Table({ ...PLAIN, head: ['status', 'all time', 'last 24 h'] });
  for (const [name, total] of Object.entries(status.events)) {
    table.push([name, String(total), String(status.last24h[name as keyof typeof status.last24h])]);
  }
  const waiting = status.oldestWaitingAt ? `${ago(status.oldestWaitingAt, now)} ago` : 'none';
  const workers = status.workers.length
    ? status.workers
        .map((w) => `  ${w.workerId} on ${w.hostname} (pid ${w.pid}), seen ${ago(w.lastSeenAt, now)} ago`)
        .join('\n')
    : '  none running';
  return [
    'Events',
    table.toString(),
    `Oldest event waiting: ${waiting}`,
    `Jobs: ${status.jobs.waiting} waiting, ${status.jobs.running} running, ${status.jobs.failed} failed in the queue`,
    'Workers:',
    workers,
  ].join('\n');
}

export function renderEventList(rows: EventRow[], now: Date): string {
  if (rows.length === 0) return 'no events match';
  const table = new Table({
    ...PLAIN,
    head: ['ref', 'event id', 'source/entity', 'type', 'record', 'status', 'tries', 'received', 'last error'],
    wordWrap: false,
  });
  for (const row of rows) {
    table.push([
      `#${row.id}`,
      cut(row.event_id, 28),
      `${row.source}/${row.entity}`,
      cut(row.event_type, 20),
      row.record_id ?? '',
      row.status,
      String(row.attempts),
      `${ago(row.received_at, now)} ago`,
      cut(row.last_error ?? '', 50),
    ]);
  }
  return `${table.toString()}\n${rows.length} event(s)`;
}

export function renderEvent(row: EventRow, job: unknown, attempts: EventAttempt[] = []): string {
  const lines = [
    `Event #${row.id}  ${row.event_id}`,
    `  source/entity  ${row.source}/${row.entity} (${row.module})`,
    `  type           ${row.event_type}`,
    `  record         ${row.record_id ?? '-'}`,
    `  status         ${row.status} after ${row.attempts} attempt(s)`,
    `  dedupe         ${row.dedupe}`,
    `  received       ${row.received_at.toISOString()}`,
    `  started        ${row.started_at?.toISOString() ?? '-'}`,
    `  finished       ${row.finished_at?.toISOString() ?? '-'}`,
    `  error          ${row.error_code ? `[${row.error_code}] ` : ''}${row.last_error ?? '-'}`,
    `  result         ${row.result === null ? '-' : JSON.stringify(row.result)}`,
    `  job            ${job ? JSON.stringify(job) : 'none (settled, or not queued)'}`,
    `  payload        ${JSON.stringify(row.payload)}`,
  ];
  return [...lines, '', renderAttempts(attempts)].join('\n');
}

/** The attempts of one event, one row each; what each applied follows as its plan's steps. */
export function renderAttempts(attempts: EventAttempt[]): string {
  if (attempts.length === 0) return 'Attempts: none recorded';
  const table = new Table({
    ...PLAIN,
    head: ['try', 'worker', 'started', 'took', 'outcome', 'action / error', 'covered', 'calls (Zoho / Moodle)'],
    wordWrap: false,
  });
  for (const a of attempts) {
    const what = a.error_code ? `[${a.error_code}] ${a.error ?? ''}` : [a.action, a.reason].filter(Boolean).join(': ');
    table.push([
      String(a.attempt),
      a.worker ?? '-',
      a.started_at.toISOString(),
      a.duration_ms === null ? '-' : `${a.duration_ms} ms`,
      a.outcome,
      cut(what, 60),
      String(a.covered),
      a.zoho_calls === null ? '-' : `${a.zoho_calls} / ${a.moodle_calls ?? 0}`,
    ]);
  }
  const plans = attempts
    .filter((a) => Array.isArray(a.plan) && a.plan.length > 0)
    .map(
      (a) => `  try ${a.attempt}: ${(a.plan as unknown[]).map((step) => JSON.stringify(step)).join('\n          ')}`,
    );
  return ['Attempts', table.toString(), ...(plans.length ? ['Plans applied', ...plans] : [])].join('\n');
}

function cut(text: string, width: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > width ? `${oneLine.slice(0, width - 1)}…` : oneLine;
}

/** "3m", "2h", "5d": how long ago, coarse on purpose. */
export function ago(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
