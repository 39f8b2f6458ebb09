-- Up Migration
-- One row per attempt of an event (README "Operating" → "An event's attempts"): which worker ran
-- it, when, how long, how it ended, and the plan it applied (the steps of docs/pipeline.md; in a
-- dry run, the steps it would have applied). The event row keeps only the last attempt; this
-- keeps how it got there. Rows go with their event (pruning, bin/jobs purge).
create table integration_event_attempts (
  id bigint generated always as identity primary key,
  event_log_id bigint not null references integration_events_log (id) on delete cascade,
  -- 1-based, as integration_events_log.attempts counts them.
  attempt integer not null,
  -- graphile-worker's id of the worker pool that ran it (bin/jobs workers); null when unknown.
  worker text,
  started_at timestamptz not null,
  -- null for an attempt that never finished: its worker died or lost the database mid-run.
  finished_at timestamptz,
  duration_ms integer,
  -- completed / skipped / failed / retrying (failed, will be tried again) / interrupted.
  outcome text not null check (outcome in ('completed', 'skipped', 'failed', 'retrying', 'interrupted')),
  -- The result's action (created, updated, unchanged, …) or the skip's reason.
  action text,
  reason text,
  error_code text,
  error text,
  -- The steps applied (the event result's `plan`); null when the run planned nothing to write.
  plan jsonb,
  -- How many other events of the record this attempt settled ("newest wins").
  covered integer not null default 0,
  -- What it cost: the Zoho API calls (each spends API credits) and Moodle web-service calls it
  -- made, and the credits Zoho said remain after its last call (null: not known).
  zoho_calls integer,
  moodle_calls integer,
  zoho_credits_remaining integer
);

create index integration_event_attempts_event_idx on integration_event_attempts (event_log_id, attempt);
