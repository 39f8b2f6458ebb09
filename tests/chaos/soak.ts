import type { Cleanup } from '../bench/benchSupport.ts';
import { sleep } from '../bench/benchSupport.ts';
import {
  duplicateAccounts,
  rssMiB,
  seedStudents,
  sendStudentEvent,
  startChaosStack,
  waitForSettled,
  type ChaosPostgres,
} from './chaosSupport.ts';

export interface SoakSample {
  minute: number;
  apiMiB: number;
  workerMiB: number;
  /** Heap in use after the latest full collection (MB; NaN before the first). */
  apiHeapMB: number;
  workerHeapMB: number;
  /** Heap V8 has committed (MB): RSS minus this is native memory (buffers, the allocator, code). */
  apiCommittedMB: number;
  workerCommittedMB: number;
  sent: number;
}

/**
 * A steady rate of signed student webhooks for `minutes`, applied by the worker, with each
 * process's resident memory and V8 heap (`--trace-gc`: in use after each full collection, and
 * committed) sampled along the way: a leak shows as heap in use growing, not only as RSS. The simulators' call logs are emptied at
 * every sample so that only the service's own memory is watched.
 */
export async function soak(
  cleanup: Cleanup,
  postgres: ChaosPostgres,
  options: { minutes: number; ratePerSecond: number; students: number; sampleSeconds: number },
) {
  const stack = await startChaosStack(cleanup, postgres, 'soak', { workerConcurrency: 4, traceGc: true });
  const ids = seedStudents(stack, options.students, 'soak');
  const samples: SoakSample[] = [];
  const eventIds: string[] = [];
  let refused = 0;
  const started = Date.now();
  const ends = started + options.minutes * 60_000;
  const intervalMs = 1000 / options.ratePerSecond;
  const sample = () => {
    const heapAfterGc = (trace: typeof stack.gc.api) => trace.fullCollections.at(-1)?.usedAfterMB ?? Number.NaN;
    samples.push({
      minute: (Date.now() - started) / 60_000,
      apiMiB: rssMiB(stack.api.pid),
      workerMiB: rssMiB(stack.worker.pid),
      apiHeapMB: heapAfterGc(stack.gc.api),
      workerHeapMB: heapAfterGc(stack.gc.worker),
      apiCommittedMB: stack.gc.api.committedMB,
      workerCommittedMB: stack.gc.worker.committedMB,
      sent: eventIds.length,
    });
    const last = samples.at(-1)!;
    process.stderr.write(
      `  soak ${last.minute.toFixed(1)} min: api RSS ${last.apiMiB.toFixed(0)} MiB heap ${last.apiHeapMB.toFixed(1)}/${last.apiCommittedMB.toFixed(0)} MB, ` +
        `worker RSS ${last.workerMiB.toFixed(0)} MiB heap ${last.workerHeapMB.toFixed(1)}/${last.workerCommittedMB.toFixed(0)} MB, ${last.sent} events\n`,
    );
    // The latest full collection stands until the next one (a quiet heap may go minutes without).
    for (const trace of [stack.gc.api, stack.gc.worker])
      trace.fullCollections.splice(0, trace.fullCollections.length - 1);
    stack.moodle.calls.length = 0;
    stack.zoho.calls.length = 0;
    stack.logs.api.length = 0;
    stack.logs.worker.length = 0;
  };
  sample();
  let nextSample = started + options.sampleSeconds * 1000;
  let n = 0;
  const inFlight = new Set<Promise<void>>();
  while (Date.now() < ends) {
    // One reading of the clock: two could straddle the due time and ask for a negative sleep.
    const wait = started + n * intervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    const sending = sendStudentEvent(stack, ids[n % ids.length]!).then((s) => {
      if (s.status === 202) eventIds.push(s.eventId);
      else refused++;
    });
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    n++;
    if (Date.now() >= nextSample) {
      sample();
      nextSample += options.sampleSeconds * 1000;
    }
  }
  await Promise.all(inFlight);
  const settled = await waitForSettled(stack, eventIds, 300_000);
  sample();
  const { duplicated } = duplicateAccounts(stack, ids);
  return {
    minutes: options.minutes,
    ratePerSecond: options.ratePerSecond,
    acknowledged: eventIds.length,
    refused,
    lost: settled.missing + settled.open,
    failed: settled.rows.filter((row) => row.status !== 'completed').length,
    studentsWithTwoAccounts: duplicated,
    samples,
  };
}
