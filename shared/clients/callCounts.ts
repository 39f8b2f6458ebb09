import { AsyncLocalStorage } from 'node:async_hooks';

/** How many HTTP calls one piece of work made to each system (what Zoho's API credits are spent on). */
export interface CallCounts {
  zoho: number;
  moodle: number;
  /** The `X-API-CREDITS-REMAINING` Zoho answered last, when it did. */
  zohoCreditsRemaining: number | null;
}

const current = new AsyncLocalStorage<CallCounts>();

/** A fresh tally, to pass to `countCalls`. */
export const noCalls = (): CallCounts => ({ zoho: 0, moodle: 0, zohoCreditsRemaining: null });

/**
 * Runs `work` with every Zoho API and Moodle web-service call it makes, however deep, added to
 * `counts` (the clients report each request: `countCall`). The tally is the caller's object, so
 * it holds what was called even when `work` throws. Runs nest: a call counts in the innermost.
 */
export function countCalls<T>(counts: CallCounts, work: () => Promise<T>): Promise<T> {
  return current.run(counts, work);
}

/** Called by the transports for each request the remote system answered (retries included: each costs). */
export function countCall(system: 'zoho' | 'moodle', zohoCreditsRemaining?: number): void {
  const counts = current.getStore();
  if (!counts) return;
  counts[system]++;
  if (zohoCreditsRemaining !== undefined && Number.isFinite(zohoCreditsRemaining))
    counts.zohoCreditsRemaining = zohoCreditsRemaining;
}
