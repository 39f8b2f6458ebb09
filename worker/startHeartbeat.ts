import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { isConnectionLoss } from '../shared/db/isConnectionLoss.ts';
import { failOrphanedEvents } from '../shared/db/queries/integrationEventsLog.ts';
import { beatHeartbeat, removeHeartbeat, unlockDeadWorkers } from '../shared/db/queries/workerHeartbeats.ts';
import type { Metrics } from '../shared/metrics/createMetrics.ts';

export interface HeartbeatDeps {
  db: DatabasePool;
  log: Logger;
  /** graphile-worker's pool id: what `locked_by` holds for this process's jobs. */
  workerId: string;
  deadAfterSeconds: number;
  metrics?: Pick<Metrics, 'deadWorkersRecovered' | 'eventFinished'> | undefined;
}

/**
 * Keeps this worker's heartbeat fresh and, on the same tick, frees the locks of
 * workers whose heartbeat went stale, so a SIGKILLed or vanished worker's jobs run
 * again within `deadAfterSeconds` plus one tick instead of graphile's 4 hours.
 * @returns stop(): ends the timer and removes this worker's heartbeat; cancel(): ends the
 * timer only (the database is gone; the supervisor removes the row when it is back).
 */
export async function startHeartbeat({
  db,
  log,
  workerId,
  deadAfterSeconds,
  metrics,
}: HeartbeatDeps): Promise<{ stop(): Promise<void>; cancel(): void }> {
  const tickMs = Math.max(1000, Math.floor((deadAfterSeconds * 1000) / 3));
  const tick = async () => {
    await beatHeartbeat(db, workerId);
    const unlocked = await unlockDeadWorkers(db, deadAfterSeconds);
    if (unlocked.length > 0) log.warn({ workerIds: unlocked }, 'freed the jobs of dead workers');
    metrics?.deadWorkersRecovered('heartbeat_stale', unlocked.length);
    const orphaned = await failOrphanedEvents(db, deadAfterSeconds);
    if (orphaned.length > 0)
      log.error(
        { eventLogIds: orphaned.map((e) => e.id) },
        'events lost their worker on the last attempt; marked failed',
      );
    for (const event of orphaned) metrics?.eventFinished(event.kind, 'failed', 'worker.lost');
  };
  await tick();
  let running: Promise<void> | undefined;
  // Said once per outage, not every tick: graphile keeps polling for jobs meanwhile and
  // takes them again as soon as the database answers.
  let unreachableSince: number | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .then(() => {
        if (unreachableSince === undefined) return;
        log.info({ downSeconds: (Date.now() - unreachableSince) / 1000 }, 'database reachable again');
        unreachableSince = undefined;
      })
      .catch((error: unknown) => {
        if (!isConnectionLoss(error)) return log.warn({ err: error }, 'heartbeat failed');
        if (unreachableSince !== undefined)
          return log.debug({ err: error }, 'heartbeat failed: database still unreachable');
        unreachableSince = Date.now();
        log.error({ err: error }, 'database unreachable: no jobs are taken until it answers again');
      })
      .finally(() => {
        running = undefined;
      });
  }, tickMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await removeHeartbeat(db, workerId).catch(() => undefined);
    },
    cancel() {
      clearInterval(timer);
    },
  };
}
