import { Gauge, type Registry } from 'prom-client';
import type { QueueSnapshot } from '../db/queries/queueMetrics.ts';

const QUEUE_STATUSES = ['pending', 'processing', 'retrying', 'failed'] as const;
const WAITING_STATUSES = ['pending', 'retrying'] as const;
/** A scrape waits this long for the queue query, then reports the database as down. */
const QUEUE_READ_TIMEOUT_MS = 3000;

/**
 * The queue as the database has it, read once per scrape (each gauge's collect shares the
 * read). A scrape never fails for it: when the database does not answer, `mzsync_database_up`
 * is 0 and the queue gauges are left out rather than reported as zero.
 */
export function registerQueueGauges(
  registry: Registry,
  readQueue: () => Promise<QueueSnapshot>,
  now: () => number,
): void {
  let last: { at: number; snapshot: Promise<QueueSnapshot | undefined> } | undefined;
  const snapshot = () => {
    if (!last || now() - last.at > 1000) last = { at: now(), snapshot: readWithTimeout(readQueue) };
    return last.snapshot;
  };
  new Gauge({
    name: 'mzsync_database_up',
    help: "1 when this scrape's queue query answered within 3 s, else 0.",
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mzsync_queue_events',
    help: 'Events in integration_events_log by status: waiting (pending, retrying), running (processing), and failed ones awaiting an operator.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const queue = await snapshot();
      this.reset();
      if (queue) for (const status of QUEUE_STATUSES) this.set({ status }, queue.events[status]);
    },
  });
  new Gauge({
    name: 'mzsync_queue_oldest_waiting_seconds',
    help: 'Age (since received) of the oldest event waiting to run, by status; 0 when none waits.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const queue = await snapshot();
      this.reset();
      if (queue) for (const status of WAITING_STATUSES) this.set({ status }, queue.oldestWaitingSeconds[status]);
    },
  });
  new Gauge({
    name: 'mzsync_workers_live',
    help: 'Worker processes whose heartbeat is fresher than WORKER_DEAD_AFTER_SECONDS.',
    registers: [registry],
    async collect() {
      const queue = await snapshot();
      if (queue) this.set(queue.liveWorkers);
      else this.remove();
    },
  });

  // One series per channel's module (at most the nine synced modules): no unbounded labels.
  new Gauge({
    name: 'mzsync_zoho_channel_expiry_seconds',
    help: 'Seconds until each Zoho notification channel expires (negative once expired), by module; absent without channels.',
    labelNames: ['module'],
    registers: [registry],
    async collect() {
      const queue = await snapshot();
      this.reset();
      if (queue)
        for (const channel of queue.zohoChannels) this.set({ module: channel.module }, channel.expiresInSeconds);
    },
  });
  new Gauge({
    name: 'mzsync_zoho_channel_renewal_failing',
    help: '1 while the last renewal of a Zoho notification channel failed (bin/zoho status says why), by module.',
    labelNames: ['module'],
    registers: [registry],
    async collect() {
      const queue = await snapshot();
      this.reset();
      if (queue)
        for (const channel of queue.zohoChannels) this.set({ module: channel.module }, channel.renewalFailing ? 1 : 0);
    },
  });
}

async function readWithTimeout(readQueue: () => Promise<QueueSnapshot>): Promise<QueueSnapshot | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, QUEUE_READ_TIMEOUT_MS, undefined);
  });
  try {
    return await Promise.race([readQueue(), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
