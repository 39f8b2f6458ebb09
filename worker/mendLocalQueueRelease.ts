import type { WorkerEvents } from 'graphile-worker';

/** The parts of graphile-worker 0.18's LocalQueue this touches (dist/localQueue.js). */
interface LocalQueueInternals {
  mode: string;
  backgroundCount: number;
  background(promise: Promise<unknown>): void;
  fin(): void;
  decreaseBackgroundCount: () => void;
  decreaseBackgroundCountWithError: (error: unknown) => void;
}

/**
 * Works around a graphile-worker 0.18 bug in releasing a local queue that holds jobs while
 * nothing else is in progress (its usual state when every slot is busy): `setModeReleased`
 * switches to RELEASED, then asks `background()` to track the query that returns those jobs,
 * and `background()` refuses ("Cannot background something when the queue is already
 * released") because it takes RELEASED with nothing tracked to mean "finished". The query
 * has already been sent, untracked: the jobs are returned when the database answers, but when
 * it does not (an outage), its rejection is unhandled and the process exits.
 *
 * This lets the queue track that query as long as it has not actually finished (`fin()` not
 * called yet), so the release waits for it and reports its failure like any other. Applied to
 * each queue as it is created (the `localQueue:init` event); a queue without these members
 * (another version) is left alone.
 */
export function mendLocalQueueRelease(events: WorkerEvents): void {
  events.on('localQueue:init', ({ localQueue }) => {
    const queue = localQueue as unknown as Partial<LocalQueueInternals>;
    if (
      typeof queue.background !== 'function' ||
      typeof queue.fin !== 'function' ||
      typeof queue.decreaseBackgroundCount !== 'function' ||
      typeof queue.decreaseBackgroundCountWithError !== 'function' ||
      typeof queue.backgroundCount !== 'number'
    )
      return;
    const internals = queue as LocalQueueInternals;
    const background = internals.background.bind(internals);
    const fin = internals.fin.bind(internals);
    let finished = false;
    internals.fin = () => {
      finished = true;
      fin();
    };
    internals.background = (promise) => {
      if (internals.mode !== 'RELEASED' || internals.backgroundCount > 0 || finished) return background(promise);
      internals.backgroundCount++;
      promise.then(internals.decreaseBackgroundCount, internals.decreaseBackgroundCountWithError);
    };
  });
}
