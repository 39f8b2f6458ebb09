/** When a batcher sends what it has collected (createCallBatcher). */
export interface BatchWindow {
  /** Most items in one call. */
  maxItems: number;
  /** Send once no item has arrived for this long… */
  idleMs: number;
  /** …or once the first waiting item has waited this long. */
  maxWaitMs: number;
}

export interface CallBatcherOptions<I, R> extends BatchWindow {
  /**
   * One call for many items. @returns one outcome per item, in order: its result, or the Error
   * the remote system gave for that item alone. A throw fails every item of the call.
   */
  call(items: I[]): Promise<(R | Error)[]>;
}

interface Waiting<I, R> {
  items: I[];
  resolve(results: R[]): void;
  reject(error: unknown): void;
}

/**
 * Turns many small calls into few big ones: what callers ask for while others are still
 * coming (the bulk path runs a chunk of records at once, each asking for its one user) is sent
 * together, at most `maxItems` a call, one call at a time. Each caller gets the results of its
 * own items, or the error of the first of them that failed.
 */
export function createCallBatcher<I, R>(options: CallBatcherOptions<I, R>): (items: I[]) => Promise<R[]> {
  const waiting: Waiting<I, R>[] = [];
  let count = 0;
  let firstAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let sending = false;

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (sending || waiting.length === 0) return;
    if (count >= options.maxItems) return void send();
    const left = options.maxWaitMs - (Date.now() - firstAt);
    timer = setTimeout(() => void send(), Math.max(0, Math.min(options.idleMs, left)));
  };

  const send = async () => {
    timer = undefined;
    const batch: Waiting<I, R>[] = [];
    let size = 0;
    // Whole callers only: a caller's items stay in one call (their results come back together).
    while (waiting.length > 0 && (size === 0 || size + waiting[0]!.items.length <= options.maxItems)) {
      const next = waiting.shift()!;
      batch.push(next);
      size += next.items.length;
    }
    count -= size;
    firstAt = Date.now();
    sending = true;
    try {
      const outcomes = await options.call(batch.flatMap((w) => w.items));
      let at = 0;
      for (const caller of batch) {
        const mine = outcomes.slice(at, at + caller.items.length);
        at += caller.items.length;
        const failed = mine.find((outcome) => outcome instanceof Error);
        if (failed) caller.reject(failed);
        else caller.resolve(mine as R[]);
      }
    } catch (error) {
      for (const caller of batch) caller.reject(error);
    } finally {
      sending = false;
      schedule();
    }
  };

  return (items) => {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      if (waiting.length === 0) firstAt = Date.now();
      waiting.push({ items, resolve, reject });
      count += items.length;
      schedule();
    });
  };
}
