import type { Cleanup } from '../bench/benchSupport.ts';
import { sleep } from '../bench/benchSupport.ts';
import {
  duplicateAccounts,
  isRunning,
  loggedAt,
  seedStudents,
  sendStudentEvent,
  startChaosStack,
  waitForSettled,
  type ChaosPostgres,
} from './chaosSupport.ts';

export interface DatabaseRestartOptions {
  connections: number;
  students: number;
  loadSeconds: number;
  /** Seconds into the load when PostgreSQL is stopped. */
  stopAfterSeconds: number;
  outageSeconds: number;
}

/**
 * PostgreSQL stopped (`pg_ctl stop -m fast`: every session terminated) and started again
 * under a steady load of signed webhooks, with the worker applying them to Moodle.
 * @returns the figures: acknowledged, lost, applied twice, seconds until each process recovered.
 */
export async function databaseRestart(cleanup: Cleanup, postgres: ChaosPostgres, options: DatabaseRestartOptions) {
  const stack = await startChaosStack(cleanup, postgres, 'restart', { workerConcurrency: 4 });
  stack.moodle.setLatency(20);
  const ids = seedStudents(stack, options.students, 'restart');
  const sent: { eventId: string; status: number; at: number }[] = [];
  const loadEnds = Date.now() + options.loadSeconds * 1000;
  let next = 0;
  const sender = async () => {
    while (Date.now() < loadEnds) sent.push(await sendStudentEvent(stack, ids[next++ % ids.length]!));
  };
  const outage = (async () => {
    await sleep(options.stopAfterSeconds * 1000);
    await postgres.server.stop();
    // After the stop completed: from here on no request can be acknowledged until the start.
    const stoppedAt = Date.now();
    await sleep(options.outageSeconds * 1000);
    await postgres.server.start();
    return { stoppedAt, startedAt: Date.now() };
  })();
  await Promise.all(Array.from({ length: options.connections }, sender));
  const { stoppedAt, startedAt } = await outage;

  const acknowledged = sent.filter((s) => s.status === 202);
  if (process.env.CHAOS_DEBUG) {
    for (const line of stack.logs.worker.filter((l) => Number(l.level) >= 40))
      console.error(JSON.stringify(line).slice(0, 700));
  }
  const settled = await waitForSettled(
    stack,
    acknowledged.map((s) => s.eventId),
    300_000,
  );
  if (process.env.CHAOS_DEBUG) {
    for (const line of stack.logs.worker.filter((l) => Number(l.level) >= 40).slice(-30))
      console.error(JSON.stringify(line).slice(0, 700));
  }
  const firstAcceptAfter = acknowledged.find((s) => s.at >= startedAt)?.at;
  const firstFinishAfter = settled.rows
    .map((row) => row.finished_at ?? Number.POSITIVE_INFINITY)
    .filter((at) => at >= startedAt)
    .sort((a, b) => a - b)[0];
  const workerBack =
    loggedAt(stack.logs.worker, 'database is back', stoppedAt) ??
    loggedAt(stack.logs.worker, 'database reachable again', stoppedAt);
  const { accounts, duplicated } = duplicateAccounts(stack, ids);
  const creates = stack.moodle.calls.filter((c) => c.wsfunction === 'core_user_create_users').length;
  return {
    sent: sent.length,
    acknowledged: acknowledged.length,
    refused503: sent.filter((s) => s.status === 503).length,
    otherAnswers: sent.filter((s) => s.status !== 202 && s.status !== 503).length,
    acknowledgedDuringOutage: acknowledged.filter((s) => s.at > stoppedAt + 50 && s.at < startedAt).length,
    lost: settled.missing + settled.open,
    failed: settled.rows.filter((row) => row.status !== 'completed').length,
    accounts,
    studentsWithTwoAccounts: duplicated,
    userCreateCalls: creates,
    ingressRecoveredSeconds: firstAcceptAfter === undefined ? Number.NaN : (firstAcceptAfter - startedAt) / 1000,
    workerRecoveredSeconds: workerBack === undefined ? Number.NaN : Math.max(0, workerBack - startedAt) / 1000,
    firstEventFinishedSeconds: firstFinishAfter === undefined ? Number.NaN : (firstFinishAfter - startedAt) / 1000,
    ingressAlive: isRunning(stack.api),
    workerAlive: isRunning(stack.worker),
  };
}
