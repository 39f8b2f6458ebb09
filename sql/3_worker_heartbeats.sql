-- Up Migration
-- graphile-worker frees a dead worker's jobs only after 4 hours (heartbeats are in the
-- paid Worker Pro). Each worker pool records a heartbeat here; a live worker that sees
-- another's heartbeat go stale calls graphile_worker.force_unlock_workers on it.
create table worker_heartbeats (
  worker_id text primary key,
  hostname text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
