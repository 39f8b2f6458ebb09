import { hostname } from 'node:os';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const workerIdsSchema = z.object({ worker_ids: z.array(z.string()) });

/** Records (or refreshes) a worker pool's heartbeat. */
export async function beatHeartbeat(db: CommonQueryMethods, workerId: string): Promise<void> {
  await db.query(sql.unsafe`
    insert into worker_heartbeats (worker_id, hostname, pid)
    values (${workerId}, ${hostname()}, ${process.pid})
    on conflict (worker_id) do update set last_seen_at = now()
  `);
}

export async function removeHeartbeat(db: CommonQueryMethods, workerId: string): Promise<void> {
  await db.query(sql.unsafe`delete from worker_heartbeats where worker_id = ${workerId}`);
}

/**
 * Frees the jobs of dead workers: pools whose heartbeat is older than `deadAfterSeconds`,
 * and pools that hold jobs that long without ever having had a heartbeat (e.g. killed
 * before their first beat). graphile-worker itself would wait 4 hours.
 * @returns the worker ids that were unlocked.
 */
export async function unlockDeadWorkers(db: CommonQueryMethods, deadAfterSeconds: number): Promise<string[]> {
  const interval = sql.fragment`make_interval(secs => ${deadAfterSeconds})`;
  const row = await db.one(sql.type(workerIdsSchema)`
    with dead as (
      delete from worker_heartbeats where last_seen_at < now() - ${interval}
      returning worker_id
    ), orphaned as (
      select distinct locked_by as worker_id from graphile_worker.jobs
       where locked_by is not null and locked_at < now() - ${interval}
         and not exists (select 1 from worker_heartbeats h where h.worker_id = jobs.locked_by and h.last_seen_at >= now() - ${interval})
    ), unlocked as (
      select worker_id from dead union select worker_id from orphaned
    )
    select coalesce(array_agg(worker_id), '{}') as worker_ids from unlocked
  `);
  if (row.worker_ids.length > 0) await releaseJobsOf(db, row.worker_ids);
  return row.worker_ids;
}

/**
 * Frees the jobs of a pool this process knows is gone (graphile-worker ended it when the
 * database went away) and drops its heartbeat, so they run again at once. @throws while
 * the database is unreachable (the caller retries).
 */
export async function recoverJobsOf(db: CommonQueryMethods, workerId: string): Promise<void> {
  await removeHeartbeat(db, workerId);
  await releaseJobsOf(db, [workerId]);
}

async function releaseJobsOf(db: CommonQueryMethods, workerIds: readonly string[]): Promise<void> {
  await db.query(sql.unsafe`select graphile_worker.force_unlock_workers(${sql.array([...workerIds], 'text')})`);
  // A job freed after its last attempt will never run again; the event row records
  // that instead (failOrphanedEvents), so the dead job is only clutter.
  await db.query(sql.unsafe`
    select graphile_worker.complete_jobs(array(
      select id from graphile_worker.jobs
       where locked_at is null and attempts >= max_attempts and key like 'event:%'))
  `);
}
