import { availableParallelism, cpus, loadavg } from 'node:os';
import Table from 'cli-table3';

/** Cleanups registered as resources are made, run once in reverse order. */
export interface Cleanup {
  defer(task: () => Promise<void> | void): void;
}

/**
 * Runs one benchmark: its cleanups (child processes, pools, the database) run whether
 * it ends, throws, or is interrupted with Ctrl-C / SIGTERM. A failure sets exit code 1.
 */
export async function runBenchmark(name: string, body: (cleanup: Cleanup) => Promise<void>): Promise<void> {
  const tasks: (() => Promise<void> | void)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanAll = () =>
    (cleaning ??= (async () => {
      for (const task of tasks.reverse()) {
        try {
          await task();
        } catch (error) {
          console.error(`${name}: cleanup step failed:`, error);
        }
      }
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${name}: ${signal}, cleaning up`);
    void cleanAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A throw in a callback (not in `body`'s promise chain) still cleans up before exiting.
  const onCrash = (error: unknown) => {
    console.error(`${name} crashed:`, error);
    void cleanAll().finally(() => process.exit(1));
  };
  process.once('uncaughtException', onCrash);
  try {
    await body({ defer: (task) => void tasks.push(task) });
  } catch (error) {
    console.error(`${name} failed:`, error);
    process.exitCode = 1;
  } finally {
    await cleanAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
  }
}

/** What the figures depend on. */
export function describeMachine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Node ${process.version}, ${availableParallelism()} cores (${cpu}), ${describeLoad()}`;
}

/** Other processes compete for the same cores: print this before and after a run. */
export function describeLoad(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** An integer ≥ `min` from the environment, or the default. */
export function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return value;
}

/** Comma-separated positive integers from the environment (e.g. BENCH_CONCURRENCY=1,4), or the default. */
export function envIntList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must list positive integers, got ${raw}`);
    return value;
  });
}

/** Nearest-rank percentile of `sorted` (ascending). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function formatRate(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

export function formatMs(value: number): string {
  return Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms` : '–';
}

export function formatPercent(part: number, whole: number): string {
  return whole > 0 && Number.isFinite(part) ? `${((part / whole) * 100).toFixed(0)}%` : '–';
}

export function printTable(head: string[], rows: (string | number)[][]): void {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map(String));
  console.log(table.toString());
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
