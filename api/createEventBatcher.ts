import type { DatabasePool } from 'slonik';
import type { NewEvent } from '../shared/db/queries/integrationEventsLog.ts';
import { recordWebhookEvents } from '../shared/db/queries/recordWebhookEvents.ts';

export interface EventBatcherOptions {
  db: DatabasePool;
  /** Events written together at most (one statement). */
  maxBatch: number;
  /** How long the first event of a batch waits for others (ms); 0: the batch goes at once. */
  maxWaitMs: number;
  /** Batches being written at once at most; more events wait for the next batch. */
  maxInFlight: number;
}

interface Waiting {
  event: NewEvent;
  resolve(id: number | null): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the ingress: events of concurrent requests are written together, in one
 * transaction holding many events and their jobs, and each request is answered only after the
 * commit that holds its event (`store` resolves after it). A batch that fails rejects exactly
 * its members (the ingress answers them 503, nothing of them was stored). Copies of one
 * `(source, event_id)` in a batch are written once: the first is new, the others duplicates,
 * as if they had come one after the other.
 */
export function createEventBatcher(options: EventBatcherOptions) {
  const queue: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  const counts = { batches: 0, events: 0 };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0 && inFlight < options.maxInFlight) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        // What waited while every slot was busy goes now, as one batch.
        if (queue.length > 0) schedule();
      });
    }
  };

  const schedule = () => {
    if (queue.length >= options.maxBatch || options.maxWaitMs === 0) flush();
    else timer ??= setTimeout(flush, options.maxWaitMs);
  };

  async function write(batch: Waiting[]): Promise<void> {
    counts.batches++;
    counts.events += batch.length;
    // Per member: its index among the events written, and whether an earlier member holds it.
    const first = new Map<string, number>();
    const unique: NewEvent[] = [];
    const slots = batch.map((item) => {
      const key = `${item.event.source}\u0000${item.event.eventId}`;
      const seen = first.get(key);
      if (seen !== undefined) return { index: seen, copy: true };
      first.set(key, unique.length);
      unique.push(item.event);
      return { index: unique.length - 1, copy: false };
    });
    try {
      const ids = await recordWebhookEvents(options.db, unique);
      batch.forEach((item, i) => item.resolve(slots[i]!.copy ? null : (ids[slots[i]!.index] ?? null)));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  return {
    /** @returns the new row id once committed, or null when the event was already recorded. */
    store(event: NewEvent): Promise<number | null> {
      return new Promise((resolve, reject) => {
        queue.push({ event, resolve, reject });
        schedule();
      });
    },
    /** Batches written so far and the events they held (their ratio is the batching achieved). */
    stats: () => ({ ...counts }),
    /** Writes what waits now (shutdown). */
    async drain(): Promise<void> {
      flush();
      while (inFlight > 0 || queue.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        flush();
      }
    },
  };
}

export type EventBatcher = ReturnType<typeof createEventBatcher>;
