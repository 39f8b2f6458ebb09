import type { Cleanup } from '../bench/benchSupport.ts';
import { sleep } from '../bench/benchSupport.ts';
import { duplicateAccounts, rssMiB, seedStudents, sendStudentEvent, startChaosStack, waitForSettled, type ChaosPostgres } from './chaosSupport.ts';

export interface SoakSample {
  minute: number;
  apiMiB: number;
  workerMiB: number;
  sent: number;
}

/**
 * A steady rate of signed student webhooks for `minutes`, applied by the worker, with each
 * process's resident memory sampled along the way. The simulators' call logs are emptied at
 * every sample so that only the service's own memory is watched.
 */
export async function soak(cleanup: Cleanup, postgres: ChaosPostgres, options: { minutes: number; ratePerSecond: number; students: number; sampleSeconds: number }) {
  const stack = await startChaosStack(cleanup, postgres, 'soak', { workerConcurrency: 4 });
  const ids = seedStudents(stack, options.students, 'soak');
  const samples: SoakSample[] = [];
  const eventIds: string[] = [];
  let refused = 0;
  const started = Date.now();
  const ends = started + options.minutes * 60_000;
  const intervalMs = 1000 / options.ratePerSecond;
  const sample = () => {
    samples.push({ minute: (Date.now() - started) / 60_000, apiMiB: rssMiB(stack.api.pid), workerMiB: rssMiB(stack.worker.pid), sent: eventIds.length });
    const last = samples.at(-1)!;
    process.stderr.write(`  soak ${last.minute.toFixed(1)} min: api ${last.apiMiB.toFixed(0)} MiB, worker ${last.workerMiB.toFixed(0)} MiB, ${last.sent} events\n`);
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
    const due = started + n * intervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
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
