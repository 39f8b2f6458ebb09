import type { Logger } from 'pino';
import type { DatabasePool, DatabasePoolConnection } from 'slonik';
import { isConnectionLoss } from '../shared/db/isConnectionLoss.ts';
import {
  claimEvents,
  finishEvents,
  type Claim,
  type ClaimRequest,
  type FinishRequest,
  type RunOutcome,
} from '../shared/db/queries/eventRuns.ts';
import type { EventRow } from '../shared/db/queries/integrationEventsLog.ts';
import { keepSessionAlive } from '../shared/db/queries/recordLocks.ts';
import { eventRecordKey } from '../shared/domain/recordKey.ts';

/** The claims and outcomes of one worker pool's jobs, written together. */
export interface EventRuns {
  /** Loads the event and, unless it is final, stands it aside, holds its record or re-schedules it (`claimEvents`). */
  claim(request: ClaimRequest): Promise<Claim | null>;
  /** Records a started run's outcome and releases its record (`finishEvents`). @returns how many other events it settled. */
  finish(event: EventRow, outcome: RunOutcome, attempt?: AttemptFacts): Promise<number>;
  /** Ends the lock sessions once nothing is pending (the pool's jobs have ended). */
  close(): Promise<void>;
}

/** What the attempt's row records besides the outcome: which worker ran it, and the calls it made. */
export type AttemptFacts = Partial<Pick<FinishRequest, 'worker' | 'calls'>>;

export interface EventRunsDeps {
  db: DatabasePool;
  log: Logger;
  busyDelayMs: number;
  /** Lock sessions (database connections held for the pool's life): see `lockSessionsFor`. */
  sessions: number;
}

/** One lock session per this many concurrent jobs: enough to overlap statements, few enough to batch them. */
const JOBS_PER_SESSION = 8;

/** How many lock sessions a pool of `concurrency` jobs uses. */
export function lockSessionsFor(concurrency: number): number {
  return Math.max(1, Math.ceil(concurrency / JOBS_PER_SESSION));
}

/**
 * The pool's record locks live on a few database sessions of their own ("lanes"), and the
 * jobs' claims and outcomes go through them in batches: whatever jobs ask a lane while its
 * statement runs goes into its next one, outcomes first (they release records), then claims.
 * A claim goes to the least busy lane; a run's outcome to the lane that holds its record. A job
 * costs the database a share of two statements instead of two statements.
 *
 * A session may take its own advisory lock twice, so the records the pool holds for running
 * jobs are passed to each claim (`heldKeys`) and treated as busy; two lanes exclude each other
 * as any two sessions do. When a lane's session fails (the database went away, or a statement
 * failed and left its locks unknown) it is destroyed, which frees its locks, and the lane's next
 * batch opens a new one; the jobs of the failed batch throw, and graphile-worker retries them.
 */
export function createEventRuns(deps: EventRunsDeps): EventRuns {
  const held = new Set<string>();
  const lanes = Array.from({ length: Math.max(1, deps.sessions) }, () => createLane(deps, held));
  const owners = new Map<number, Lane>();
  let closed = false;
  return {
    async claim(request) {
      if (closed) throw new Error('event runs are closed');
      const lane = lanes.reduce((best, lane) => (lane.load() < best.load() ? lane : best));
      const claim = await lane.claim(request);
      if (claim?.state === 'started') owners.set(claim.event.id, lane);
      return claim;
    },
    async finish(event, outcome, attempt) {
      const lane = owners.get(event.id) ?? lanes[0]!;
      owners.delete(event.id);
      return lane.finish(event, outcome, attempt);
    },
    // Outcomes of jobs still in hand are recorded after this too (in sessions ended right after).
    async close() {
      closed = true;
      await Promise.all(lanes.map((lane) => lane.close()));
    },
  };
}

interface Pending<R, T> {
  request: R;
  resolve(value: T): void;
  reject(error: unknown): void;
}

interface Lane {
  /** Requests waiting or in its statement now. */
  load(): number;
  claim(request: ClaimRequest): Promise<Claim | null>;
  finish(event: EventRow, outcome: RunOutcome, attempt?: AttemptFacts): Promise<number>;
  close(): Promise<void>;
}

function createLane(deps: EventRunsDeps, held: Set<string>): Lane {
  let claims: Pending<ClaimRequest, Claim | null>[] = [];
  let finishes: Pending<FinishRequest & { key: string }, number>[] = [];
  let inFlight = 0;
  let flushing: Promise<void> | undefined;
  let session: Promise<LockSession> | undefined;
  let closed = false;

  const openSession = () => {
    if (session) return session;
    const opened: Promise<LockSession> = startLockSession(deps.db, () => {
      if (session === opened) session = undefined;
    });
    session = opened;
    return opened;
  };
  const endSession = () => {
    const open = session;
    session = undefined;
    void open?.then(
      (opened) => opened.end(),
      () => undefined,
    );
  };

  const runBatch = async <R, T>(
    batch: Pending<R, T>[],
    statement: (connection: DatabasePoolConnection) => Promise<T[]>,
  ) => {
    inFlight = batch.length;
    let current: LockSession | undefined;
    try {
      current = await openSession();
      const results = await statement(current.connection);
      batch.forEach((pending, index) => pending.resolve(results[index] as T));
    } catch (error) {
      // Its locks are unknown now: end the session (PostgreSQL frees them all), start afresh.
      current?.end(error);
      // During an outage the supervisor says it once (startWorker); anything else is worth a line.
      deps.log[isConnectionLoss(error) ? 'debug' : 'warn'](
        { err: error, jobs: batch.length },
        'event runs: a batch failed; its jobs will be retried',
      );
      batch.forEach((pending) => pending.reject(error));
    } finally {
      inFlight = 0;
    }
  };

  const flush = async () => {
    while (finishes.length > 0 || claims.length > 0) {
      if (finishes.length > 0) {
        const batch = finishes;
        finishes = [];
        await runBatch(batch, (connection) =>
          finishEvents(
            connection,
            batch.map((p) => p.request),
          ),
        );
        for (const pending of batch) held.delete(pending.request.key);
      }
      if (claims.length > 0) {
        const batch = claims;
        claims = [];
        await runBatch(batch, async (connection) => {
          const results = await claimEvents(
            connection,
            batch.map((p) => p.request),
            { heldKeys: [...held], busyDelayMs: deps.busyDelayMs },
          );
          for (const claim of results) if (claim?.state === 'started') held.add(eventRecordKey(claim.event));
          return results;
        });
      }
    }
  };

  const schedule = () => {
    // Requests made in the same turn of the event loop share the first statement.
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush).finally(() => {
      flushing = undefined;
      // Asked for between the last statement and here.
      if (finishes.length > 0 || claims.length > 0) schedule();
      else if (closed) endSession();
    });
  };

  return {
    load: () => claims.length + finishes.length + inFlight,
    claim(request) {
      return new Promise((resolve, reject) => {
        claims.push({ request, resolve, reject });
        schedule();
      });
    },
    finish(event, outcome, attempt) {
      return new Promise((resolve, reject) => {
        finishes.push({
          request: {
            eventLogId: event.id,
            outcome,
            worker: attempt?.worker ?? null,
            calls: attempt?.calls ?? null,
            key: eventRecordKey(event),
          },
          resolve,
          reject,
        });
        schedule();
      });
    },
    async close() {
      closed = true;
      while (flushing) await flushing;
      endSession();
    },
  };
}

interface LockSession {
  connection: DatabasePoolConnection;
  /** Destroys the connection (ending the session frees its advisory locks). */
  end(error?: unknown): void;
}

/** Never handed back to the pool: a connection that held record locks is destroyed, not reused. */
class SessionEnded extends Error {}

/**
 * Holds one pool connection for a lock session, with short TCP keepalives so that a vanished
 * worker's session (and its locks) ends within about 30 s. `onEnd` runs when it ends for any
 * reason, the database dropping it included.
 */
async function startLockSession(db: DatabasePool, onEnd: () => void): Promise<LockSession> {
  return new Promise<LockSession>((resolve, reject) => {
    let ready = false;
    const held = db.connect(async (connection) => {
      await keepSessionAlive(connection);
      let end!: (error?: unknown) => void;
      const ended = new Promise<never>((_resolve, rejectEnded) => {
        end = (error) => rejectEnded(error ?? new SessionEnded('lock session ended'));
      });
      ready = true;
      resolve({ connection, end: (error) => end(error) });
      await ended;
    });
    held.catch((error: unknown) => {
      onEnd();
      if (!ready) reject(error);
    });
  });
}
