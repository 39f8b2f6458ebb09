-- Up Migration
-- One row per bulk run (bin/sync, the nightly reconciliation; docs/design.md "The bulk path"):
-- what it covers, how far it got and what it cost. Its records are ordinary events
-- (`sync:<run_id>:<record id>`, one outcome row each) that the run's one job (`bulk_sync`, key
-- `bulk:<run_id>`) works through in chunks; a run killed mid-way is finished by that job's retry.
create table sync_bulk_runs (
  run_id text primary key,
  -- The entities listed, in dependency order (shared/domain/events.ts ZOHO_MODULES).
  entities text[] not null,
  -- Only records modified since then; null: every record, so the run covers all of each module
  -- (a new class course then queues no follow-up for its enrolments: the run syncs them).
  modified_since timestamptz,
  dry_run boolean not null default false,
  -- A verify run (bin/sync --check, or --repair without dry_run): flows compare with what Moodle
  -- has now instead of trusting what they last wrote, and the run checks the courses' enrolments.
  verify boolean not null default false,
  -- What a verify run found besides its records' own outcomes (Moodle enrolments no Zoho
  -- enrollment accounts for), written when the run finishes.
  report jsonb,
  records integer not null,
  queued_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- What it cost: bin/sync's listing, then the worker's chunks (each record's attempt row has no
  -- calls of its own: a chunk's calls serve all its records at once).
  listing_zoho_calls integer not null default 0,
  zoho_calls integer not null default 0,
  moodle_calls integer not null default 0,
  zoho_credits_remaining integer
);

-- A run's events, in the order they were listed (dependencies first): how its job finds the next chunk.
create index integration_events_log_run_idx on integration_events_log ((payload ->> 'run'), id)
  where payload ? 'run';
