-- Up Migration
-- One row per received webhook event: the audit trail and the source of truth for the
-- queue (a graphile-worker job only carries the row's id).
create table integration_events_log (
  id bigint generated always as identity primary key,
  source text not null check (source in ('zoho', 'moodle')),
  -- The sender's idempotency key (webhook-id / event_id), or one we derived or generated.
  event_id text not null,
  event_type text not null,
  -- Our entity name (student, class, user, grade, ...) and the sender's module name.
  entity text not null,
  module text not null,
  record_id text,
  -- How duplicates of this event are recognised: by the sender's id, by content
  -- (module + record + operation + Modified_Time), or not at all (coalesced in the queue).
  dedupe text not null default 'event_id' check (dedupe in ('event_id', 'content', 'coalesce')),
  task_identifier text not null,
  payload jsonb not null,
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'retrying', 'completed', 'failed', 'skipped', 'cancelled')),
  attempts integer not null default 0,
  last_error text,
  error_code text,
  result jsonb,
  received_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint integration_events_log_source_event_id_key unique (source, event_id)
);

-- "failed in the last 24 h", "what is pending".
create index integration_events_log_status_received_at_idx
  on integration_events_log (status, received_at desc);
-- "everything about record X".
create index integration_events_log_record_idx
  on integration_events_log (record_id, source, module, received_at desc);
-- retention cleanup and "since" listings.
create index integration_events_log_received_at_idx
  on integration_events_log (received_at);

comment on table integration_events_log is
  'Every webhook event received, its processing status and what the sync did (result).';
