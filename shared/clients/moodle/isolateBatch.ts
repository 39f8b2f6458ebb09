import { PermanentError } from '../../domain/errors.ts';
import { MoodleConfigurationError } from './moodleErrors.ts';

export type BatchOutcome<I, R> = { item: I; ok: true; result: R } | { item: I; ok: false; error: PermanentError };

/**
 * Moodle runs a batch in one transaction: one bad record rolls back the whole call. On a
 * permanent batch error this splits the batch in halves, recursively, until the bad
 * records stand alone, applying everything else: about 2·log2(n) extra calls per bad
 * record. Configuration and transient errors are not about a record: they propagate.
 * @returns one outcome per item, in the items' order.
 * @throws RetryableError | MoodleConfigurationError
 */
export async function isolateBatch<I, R>(
  items: I[],
  apply: (batch: I[]) => Promise<R[]>,
): Promise<BatchOutcome<I, R>[]> {
  if (items.length === 0) return [];
  try {
    const results = await apply(items);
    return items.map((item, index) => ({ item, ok: true as const, result: results[index]! }));
  } catch (error) {
    if (!(error instanceof PermanentError) || error instanceof MoodleConfigurationError) throw error;
    if (items.length === 1) return [{ item: items[0]!, ok: false, error }];
    const middle = Math.ceil(items.length / 2);
    return [
      ...(await isolateBatch(items.slice(0, middle), apply)),
      ...(await isolateBatch(items.slice(middle), apply)),
    ];
  }
}
