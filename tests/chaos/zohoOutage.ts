import type { Cleanup } from '../bench/benchSupport.ts';
import { sleep } from '../bench/benchSupport.ts';
import {
  duplicateAccounts,
  seedStudents,
  sendStudentEvent,
  startChaosStack,
  waitForSettled,
  type ChaosPostgres,
} from './chaosSupport.ts';

/**
 * Zoho unavailable: every API call answered 429 for the first half of the outage, then 500,
 * while student events arrive. Afterwards every event must complete, once.
 */
export async function zohoOutage(
  cleanup: Cleanup,
  postgres: ChaosPostgres,
  options: { students: number; outageSeconds: number },
) {
  const stack = await startChaosStack(cleanup, postgres, 'zoho', { workerConcurrency: 4 });
  const ids = seedStudents(stack, options.students, 'zoho');
  stack.zoho.failNext('*', 'http429', { times: Number.MAX_SAFE_INTEGER });
  const startedAt = Date.now();
  const sent = [];
  for (const id of ids) sent.push(await sendStudentEvent(stack, id, 'created'));
  await sleep(Math.max(0, startedAt + (options.outageSeconds * 1000) / 2 - Date.now()));
  stack.zoho.clearFailures();
  stack.zoho.failNext('*', 'http500', { times: Number.MAX_SAFE_INTEGER });
  await sleep(Math.max(0, startedAt + options.outageSeconds * 1000 - Date.now()));
  stack.zoho.clearFailures();
  const endedAt = Date.now();
  const eventIds = sent.filter((s) => s.status === 202).map((s) => s.eventId);
  const settled = await waitForSettled(stack, eventIds, 300_000);
  const { accounts, duplicated } = duplicateAccounts(stack, ids);
  const answers = stack.zoho.calls.filter((c) => c.at >= startedAt && c.at < endedAt);
  return {
    acknowledged: eventIds.length,
    lost: settled.missing + settled.open,
    completed: settled.rows.filter((row) => row.status === 'completed').length,
    zoho429: answers.filter((c) => c.status === 429).length,
    zoho500: answers.filter((c) => c.status === 500).length,
    accounts,
    studentsWithTwoAccounts: duplicated,
    drainedSecondsAfterOutage: (Date.now() - endedAt) / 1000,
  };
}
