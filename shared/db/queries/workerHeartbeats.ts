import { hostname } from 'node:os';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const workerIdsSchema = z.object({ worker_ids: z.array(z.string()) });
const unstartedSchema = z.object({ id: z.coerce.number(), attempts: z.coerce.number() });

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
  const ids = sql.array([...workerIds], 'text');
  await db.transaction(async (tx) => {
    // graphile counts an attempt when it locks a job, and a pool locks its local queue's jobs
    // before it runs them. A job whose event is not `processing` was not started (locally
    // queued, or between its fetch and its claim): it gets its attempt back, as graphile gives
    // it back when a pool returns its local queue; otherwise a job queued for its last attempt
    // would never run. A started one keeps the attempt it spent.
    const unstarted = await tx.any(sql.type(unstartedSchema)`
      select j.id, j.attempts from graphile_worker.jobs j
       where j.locked_by = any(${ids}) and j.attempts > 0
         and (j.key ~ '^event:[0-9]+$' or j.key ~ '^(zoho|moodle):[^:]+:.')
         and not exists (
           select 1 from integration_events_log e
            where e.status = 'processing'
              and (e.id = case when j.key ~ '^event:[0-9]+$' then substr(j.key, 7)::bigint end
                or (j.key !~ '^event:' and e.record_id = substr(j.key, length(split_part(j.key, ':', 1)) + length(split_part(j.key, ':', 2)) + 3)
                    and e.source = split_part(j.key, ':', 1) and e.module = split_part(j.key, ':', 2))))
    `);
    await tx.query(sql.unsafe`select graphile_worker.force_unlock_workers(${ids})`);
    const byAttempts = Map.groupBy(unstarted, (job) => job.attempts);
    for (const [attempts, jobs] of byAttempts) {
      await tx.query(sql.unsafe`
        select count(*) from graphile_worker.reschedule_jobs(${sql.array(
          jobs.map((job) => job.id),
          'int8',
        )}, attempts := ${attempts - 1})`);
    }
  });
  // A job freed after its last attempt will never run again; the event row records
  // that instead (failOrphanedEvents), so the dead job is only clutter.
  await db.query(sql.unsafe`
    select graphile_worker.complete_jobs(array(
      select id from graphile_worker.jobs
       where locked_at is null and attempts >= max_attempts and key like 'event:%'))
  `);
}
