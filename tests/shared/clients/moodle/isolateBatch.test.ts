import t from 'tap';
import { isolateBatch } from '../../../../shared/clients/moodle/isolateBatch.ts';
import { MoodleConfigurationError } from '../../../../shared/clients/moodle/moodleErrors.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';

/** Like Moodle: the whole batch fails when any item is bad; otherwise every item is applied. */
function allOrNothing(bad: Set<number>) {
  const applied: number[] = [];
  let calls = 0;
  const apply = async (batch: number[]) => {
    calls++;
    if (batch.some((n) => bad.has(n)))
      throw new PermanentError('moodle.invalid_parameter', 'Invalid parameter value detected');
    applied.push(...batch);
    return batch.map((n) => n * 10);
  };
  return { apply, applied, calls: () => calls };
}

t.test('one bad item in 50: the other 49 are applied and the bad one reported, in order', async (t) => {
  const moodle = allOrNothing(new Set([37]));
  const items = Array.from({ length: 50 }, (_, i) => i);
  const outcomes = await isolateBatch(items, moodle.apply);
  t.same(
    outcomes.map((o) => o.item),
    items,
    'one outcome per item, in order',
  );
  t.same(
    outcomes.filter((o) => !o.ok).map((o) => o.item),
    [37],
  );
  t.same(
    moodle.applied.sort((a, b) => a - b),
    items.filter((n) => n !== 37),
  );
  t.same(
    outcomes.find((o) => o.item === 3),
    { item: 3, ok: true, result: 30 },
  );
  t.ok(moodle.calls() <= 13, `${moodle.calls()} calls (about 2·log2(50))`);
});

t.test('several bad items are all isolated; a clean batch is one call', async (t) => {
  const moodle = allOrNothing(new Set([0, 9, 10]));
  const outcomes = await isolateBatch(
    Array.from({ length: 20 }, (_, i) => i),
    moodle.apply,
  );
  t.same(
    outcomes.filter((o) => !o.ok).map((o) => o.item),
    [0, 9, 10],
  );
  const clean = allOrNothing(new Set());
  await isolateBatch([1, 2, 3], clean.apply);
  t.equal(clean.calls(), 1);
  t.same(await isolateBatch([], clean.apply), []);
});

t.test('transient and configuration errors are not about an item: they propagate', async (t) => {
  await t.rejects(
    isolateBatch([1, 2], async () => {
      throw new RetryableError('moodle.timeout', 'slow');
    }),
    RetryableError,
  );
  await t.rejects(
    isolateBatch([1, 2], async () => {
      throw new MoodleConfigurationError('moodle.invalid_token', 'bad token');
    }),
    MoodleConfigurationError,
  );
});
