import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { failOrphanedEvents } from '../shared/db/queries/integrationEventsLog.ts';
import { beatHeartbeat, removeHeartbeat, unlockDeadWorkers } from '../shared/db/queries/workerHeartbeats.ts';

export interface HeartbeatDeps {
  db: DatabasePool;
  log: Logger;
  /** graphile-worker's pool id: what `locked_by` holds for this process's jobs. */
  workerId: string;
  deadAfterSeconds: number;
}

/**
 * Keeps this worker's heartbeat fresh and, on the same tick, frees the locks of
 * workers whose heartbeat went stale, so a SIGKILLed or vanished worker's jobs run
 * again within `deadAfterSeconds` plus one tick instead of graphile's 4 hours.
 * @returns stop(): ends the timer and removes this worker's heartbeat.
 */
export async function startHeartbeat({ db, log, workerId, deadAfterSeconds }: HeartbeatDeps): Promise<() => Promise<void>> {
  const tickMs = Math.max(1000, Math.floor((deadAfterSeconds * 1000) / 3));
  const tick = async () => {
    await beatHeartbeat(db, workerId);
    const unlocked = await unlockDeadWorkers(db, deadAfterSeconds);
    if (unlocked.length > 0) log.warn({ workerIds: unlocked }, 'freed the jobs of dead workers');
    const orphaned = await failOrphanedEvents(db, deadAfterSeconds);
    if (orphaned.length > 0) log.error({ eventLogIds: orphaned }, 'events lost their worker on the last attempt; marked failed');
  };
  await tick();
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error: unknown) => log.warn({ err: error }, 'heartbeat failed'))
      .finally(() => {
        running = undefined;
      });
  }, tickMs);
  return async () => {
    clearInterval(timer);
    await running;
    await removeHeartbeat(db, workerId).catch(() => undefined);
  };
}
