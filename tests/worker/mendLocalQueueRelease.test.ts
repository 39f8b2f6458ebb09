import { EventEmitter } from 'node:events';
import t from 'tap';
import type { WorkerEvents } from 'graphile-worker';
import { mendLocalQueueRelease } from '../../worker/mendLocalQueueRelease.ts';

/**
 * A stand-in with graphile-worker 0.18's LocalQueue bookkeeping (dist/localQueue.js), released
 * from WAITING with nothing in progress: the return of its jobs must be tracked, so that its
 * failure rejects the release instead of going unhandled.
 */
function fakeQueue() {
  const queue = {
    mode: 'WAITING',
    backgroundCount: 0,
    errors: [] as unknown[],
    finished: 0,
    background(promise: Promise<unknown>) {
      if (queue.mode === 'RELEASED' && queue.backgroundCount === 0)
        throw new Error('Cannot background something when the queue is already released');
      queue.backgroundCount++;
      promise.then(queue.decreaseBackgroundCount, queue.decreaseBackgroundCountWithError);
    },
    fin() {
      queue.finished++;
    },
    decreaseBackgroundCount: () => {
      queue.backgroundCount--;
      if (queue.mode === 'RELEASED' && queue.backgroundCount === 0) queue.fin();
    },
    decreaseBackgroundCountWithError: (error: unknown) => {
      queue.errors.push(error);
      queue.decreaseBackgroundCount();
    },
  };
  return queue;
}

t.test(
  "the return of a released queue's jobs is tracked, and its failure reported, until the queue has finished",
  async (t) => {
    const events = new EventEmitter() as WorkerEvents;
    mendLocalQueueRelease(events);
    const queue = fakeQueue();
    events.emit('localQueue:init', { ctx: {} as never, localQueue: queue as never });
    queue.mode = 'RELEASED';
    let fail: (error: Error) => void = () => undefined;
    queue.background(new Promise((_resolve, reject) => (fail = reject)));
    t.equal(queue.backgroundCount, 1, 'tracked instead of refused');
    fail(new Error('the database system is shutting down'));
    await new Promise((resolve) => setImmediate(resolve));
    t.equal(queue.errors.length, 1, "its failure is the release's");
    t.equal(queue.finished, 1, 'and the queue finishes');
    t.throws(() => queue.background(Promise.resolve()), /already released/, 'after it finished, refused as before');
  },
);

t.test('a queue of another shape is left alone', async (t) => {
  const events = new EventEmitter() as WorkerEvents;
  mendLocalQueueRelease(events);
  const other = { background: () => 'original' };
  events.emit('localQueue:init', { ctx: {} as never, localQueue: other as never });
  t.equal(other.background(), 'original');
});
