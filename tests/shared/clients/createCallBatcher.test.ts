import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { mock } from 'node:test';
import t from 'tap';
import { createCallBatcher, type BatchWindow } from '../../../shared/clients/createCallBatcher.ts';

/**
 * A batcher whose call answers each number n with n × 10 (or with the Error `fail` gives for
 * it), after `latencyMs`, recording every call's items and the most calls in flight at once.
 */
function recorded(
  window: BatchWindow,
  { latencyMs = 0, fail }: { latencyMs?: number; fail?: (n: number) => Error | undefined } = {},
) {
  const calls: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const batch = createCallBatcher<number, number>({
    ...window,
    async call(items) {
      calls.push([...items]);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (latencyMs > 0) await sleep(latencyMs);
        return items.map((n) => fail?.(n) ?? n * 10);
      } finally {
        inFlight--;
      }
    },
  });
  return { batch, calls, maxInFlight: () => maxInFlight };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

t.test('callers in the same moment share one call, each getting the results of its own items', async (t) => {
  const { batch, calls } = recorded({ maxItems: 100, idleMs: 5, maxWaitMs: 40 });
  const results = await Promise.all(range(0, 12).map((n) => batch([n])));
  t.same(
    results,
    range(0, 12).map((n) => [n * 10]),
  );
  t.same(calls, [range(0, 12)], 'one call, the items in the order the callers came');
});

t.test('maxItems splits into several calls, one call in flight at a time', async (t) => {
  const { batch, calls, maxInFlight } = recorded({ maxItems: 10, idleMs: 5, maxWaitMs: 40 }, { latencyMs: 10 });
  const results = await Promise.all(range(0, 35).map((n) => batch([n])));
  t.same(
    results,
    range(0, 35).map((n) => [n * 10]),
  );
  t.same(calls, [range(0, 10), range(10, 10), range(20, 10), range(30, 5)], 'full calls first, in arrival order');
  t.equal(maxInFlight(), 1, 'never two calls at once');
});

t.test('a full batch goes out at once, without waiting for the windows', async (t) => {
  const { batch, calls } = recorded({ maxItems: 5, idleMs: 10_000, maxWaitMs: 10_000 });
  const first = range(0, 5).map((n) => batch([n]));
  t.same(calls, [range(0, 5)], 'called as the fifth item arrived, before any timer');
  const late = batch([5]);
  t.same(await Promise.all(first), [[0], [10], [20], [30], [40]]);
  t.equal(calls.length, 1, 'the sixth item waits for its own window');
  // Enough to fill the next call: it goes out too, and the sixth item with it.
  const more = range(6, 4).map((n) => batch([n]));
  t.same(await Promise.all([late, ...more]), [[50], [60], [70], [80], [90]]);
  t.same(calls, [range(0, 5), range(5, 5)]);
});

t.test('arrivals during a call wait for it and go out together in the next one', async (t) => {
  const { batch, calls, maxInFlight } = recorded({ maxItems: 100, idleMs: 5, maxWaitMs: 40 }, { latencyMs: 30 });
  const first = batch([1]);
  await sleep(15); // the first call (after idleMs) is now in flight
  t.same(calls, [[1]]);
  const during = [batch([2]), batch([3]), batch([4])];
  t.same(calls, [[1]], 'no second call while the first is in flight');
  t.same(await first, [10]);
  t.same(await Promise.all(during), [[20], [30], [40]]);
  t.same(calls, [[1], [2, 3, 4]]);
  t.equal(maxInFlight(), 1);
});

t.test('idle flush: a pause longer than idleMs ends a batch', async (t) => {
  const { batch, calls } = recorded({ maxItems: 100, idleMs: 5, maxWaitMs: 1_000 });
  const burst1 = [batch([1]), batch([2]), batch([3])];
  await sleep(60);
  t.same(calls, [[1, 2, 3]], 'sent during the pause, long before maxWaitMs');
  const burst2 = [batch([4]), batch([5])];
  t.same(await Promise.all([...burst1, ...burst2]), [[10], [20], [30], [40], [50]]);
  t.same(calls, [
    [1, 2, 3],
    [4, 5],
  ]);
});

/**
 * Runs `steps` virtual milliseconds on a mocked clock (Date.now, setTimeout), one at a time, an
 * item arriving every `every` ms from 0: the batcher's windows are exact, whatever the load of
 * the machine. Promises settle between steps. @returns the callers' promises and, per virtual
 * ms, how many calls had been made by then.
 */
async function virtualTrickle(
  batch: (items: number[]) => Promise<number[]>,
  calls: unknown[],
  { every, until, steps }: { every: number; until: number; steps: number },
) {
  const settle = () => nextTurn();
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    const callers: Promise<number[]>[] = [];
    const callsAt: number[] = [];
    for (let ms = 0; ms <= steps; ms++) {
      if (ms <= until && ms % every === 0) callers.push(batch([callers.length]));
      await settle();
      callsAt.push(calls.length);
      mock.timers.tick(1);
      await settle();
    }
    return { callers, callsAt };
  } finally {
    mock.timers.reset();
  }
}

t.test('idleMs alone: a steady trickle (an item every 3 ms, idleMs 5) waits for its end', async (t) => {
  const { batch, calls } = recorded({ maxItems: 1_000, idleMs: 5, maxWaitMs: 60_000 });
  const { callers, callsAt } = await virtualTrickle(batch, calls, { every: 3, until: 147, steps: 200 });
  t.equal(callers.length, 50);
  t.equal(callsAt[147], 0, 'nothing was sent while items kept coming: every arrival restarts the idle window');
  t.same(
    await Promise.all(callers),
    range(0, 50).map((n) => [n * 10]),
  );
  t.same(calls, [range(0, 50)], 'one call with every item, after the trickle');
});

t.test('maxWaitMs caps it: the same trickle with maxWaitMs 40 goes out in batches as it runs', async (t) => {
  const { batch, calls } = recorded({ maxItems: 1_000, idleMs: 5, maxWaitMs: 40 });
  const { callers, callsAt } = await virtualTrickle(batch, calls, { every: 3, until: 147, steps: 200 });
  t.same(
    await Promise.all(callers),
    range(0, 50).map((n) => [n * 10]),
    'each caller its own result',
  );
  t.same(
    calls,
    [range(0, 14), range(14, 14), range(28, 14), range(42, 8)],
    'each batch holds what arrived within maxWaitMs of its first item; the tail goes after an idle window',
  );
  t.equal(callsAt[147], 3, 'three calls went out while items were still arriving');
});

t.test("a per-item Error rejects only its own caller; a caller's first error is the one it gets", async (t) => {
  const errors = new Map([3, 7, 8].map((n) => [n, new Error(`item ${n} refused`)]));
  const { batch, calls } = recorded({ maxItems: 100, idleMs: 5, maxWaitMs: 40 }, { fail: (n) => errors.get(n) });
  const outcomes = await Promise.allSettled([batch([1]), batch([2, 3]), batch([4]), batch([5, 6]), batch([7, 8, 9])]);
  t.same(calls, [range(1, 9)], 'all in one call');
  t.same(outcomes[0], { status: 'fulfilled', value: [10] });
  t.equal(outcomes[1]!.status === 'rejected' && outcomes[1]!.reason, errors.get(3), 'the very Error of item 3');
  t.same(outcomes[2], { status: 'fulfilled', value: [40] });
  t.same(outcomes[3], { status: 'fulfilled', value: [50, 60] });
  t.equal(outcomes[4]!.status === 'rejected' && outcomes[4]!.reason, errors.get(7), 'the first of its two errors');
});

t.test('a call that throws rejects every caller of that call; the next call still works', async (t) => {
  const calls: number[][] = [];
  const boom = new Error('the remote system is down');
  let failing = true;
  const batch = createCallBatcher<number, number>({
    maxItems: 3,
    idleMs: 5,
    maxWaitMs: 40,
    async call(items) {
      calls.push([...items]);
      await sleep(5);
      if (failing) {
        failing = false;
        throw boom;
      }
      return items.map((n) => n + 1);
    },
  });
  const outcomes = await Promise.allSettled([batch([1]), batch([2]), batch([3]), batch([4])]);
  t.same(calls, [[1, 2, 3], [4]]);
  t.ok(
    outcomes.slice(0, 3).every((o) => o.status === 'rejected' && o.reason === boom),
    'the three callers of the failed call get its error',
  );
  t.same(outcomes[3], { status: 'fulfilled', value: [5] }, 'the caller left for the next call is not touched');
  t.same(await Promise.all([batch([10]), batch([20])]), [[11], [21]], 'later callers are served');
  t.same(calls.at(-1), [10, 20]);
});

t.test('a call that throws before returning a promise is handled the same way', async (t) => {
  let first = true;
  const batch = createCallBatcher<string, string>({
    maxItems: 10,
    idleMs: 1,
    maxWaitMs: 10,
    call: (items) => {
      if (first) {
        first = false;
        throw new TypeError('synchronous failure');
      }
      return Promise.resolve(items.map((s) => s.toUpperCase()));
    },
  });
  const outcomes = await Promise.allSettled([batch(['a']), batch(['b'])]);
  t.ok(
    outcomes.every((o) => o.status === 'rejected' && o.reason instanceof TypeError),
    'both callers rejected',
  );
  t.same(await batch(['c', 'd']), ['C', 'D'], 'the batcher is not stuck');
});

t.test('an empty item list resolves [] without a call', async (t) => {
  const { batch, calls } = recorded({ maxItems: 10, idleMs: 1, maxWaitMs: 10 });
  t.same(await batch([]), []);
  await sleep(20);
  t.same(calls, [], 'no call at all');
  const [none, one] = await Promise.all([batch([]), batch([4])]);
  t.same(none, []);
  t.same(one, [40]);
  t.same(calls, [[4]], 'an empty caller adds nothing to a call');
});

t.test("a caller's several items stay in one call, even when that leaves a call short", async (t) => {
  const { batch, calls, maxInFlight } = recorded({ maxItems: 5, idleMs: 5, maxWaitMs: 40 }, { latencyMs: 5 });
  const a = batch([1, 2, 3]);
  const b = batch([4, 5, 6]);
  const c = batch([7, 8]);
  t.same(await Promise.all([a, b, c]), [
    [10, 20, 30],
    [40, 50, 60],
    [70, 80],
  ]);
  t.same(
    calls,
    [
      [1, 2, 3],
      [4, 5, 6, 7, 8],
    ],
    "b did not fit beside a (3 + 3 > 5), so it went next, with c; nobody's items were split",
  );
  t.equal(maxInFlight(), 1);
  // A caller with more items than maxItems is one call of its own.
  const big = await batch(range(0, 7));
  t.same(
    big,
    range(0, 7).map((n) => n * 10),
  );
  t.same(calls.at(-1), range(0, 7), 'its 7 items went out together');
});
