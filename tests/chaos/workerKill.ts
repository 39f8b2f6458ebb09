import type { Cleanup } from '../bench/benchSupport.ts';
import {
  duplicateAccounts,
  isRunning,
  seedStudents,
  sendStudentEvent,
  startChaosStack,
  waitFor,
  waitForSettled,
  type ChaosPostgres,
} from './chaosSupport.ts';

/**
 * A worker SIGKILLed in the middle of a batch of student syncs; a new worker is started at
 * once and must finish the dead one's jobs (after WORKER_DEAD_AFTER_SECONDS) without making
 * any account twice.
 */
export async function workerKill(
  cleanup: Cleanup,
  postgres: ChaosPostgres,
  options: { students: number; deadAfterSeconds: number },
) {
  const stack = await startChaosStack(cleanup, postgres, 'kill', {
    workerConcurrency: 4,
    workerEnv: { WORKER_DEAD_AFTER_SECONDS: String(options.deadAfterSeconds) },
  });
  stack.moodle.setLatency(30);
  const ids = seedStudents(stack, options.students, 'kill');
  const sent = [];
  for (const id of ids) sent.push(await sendStudentEvent(stack, id, 'created'));
  const eventIds = sent.filter((s) => s.status === 202).map((s) => s.eventId);
  // Kill once about a quarter has been applied: jobs are in hand, most still wait.
  await waitFor(
    async () => duplicateAccounts(stack, ids).accounts >= Math.floor(options.students / 4) || undefined,
    120_000,
    'a quarter of the students',
  );
  const first = stack.worker;
  first.kill('SIGKILL');
  const killedAt = Date.now();
  await new Promise((resolve) => (isRunning(first) ? first.once('exit', resolve) : resolve(undefined)));
  stack.startWorker();
  const settled = await waitForSettled(stack, eventIds, 300_000);
  const drainedSeconds = (Date.now() - killedAt) / 1000;
  const { accounts, duplicated } = duplicateAccounts(stack, ids);
  return {
    acknowledged: eventIds.length,
    lost: settled.missing + settled.open,
    completed: settled.rows.filter((row) => row.status === 'completed').length,
    ranAgain: settled.rows.filter((row) => row.attempts > 1).length,
    accounts,
    studentsWithTwoAccounts: duplicated,
    drainedSecondsAfterKill: drainedSeconds,
    deadAfterSeconds: options.deadAfterSeconds,
  };
}
