-- Up Migration
-- Zoho CRM Notifications API channels (bin/zoho connect): one per module. A callback is not
-- signed; its token is the only proof of origin. The token is kept only as its SHA-256 digest:
-- the ingress compares digests, so neither the database nor a backup of it can reveal a
-- token, and the ingress needs no key to check one.
create table zoho_notification_channels (
  channel_id text primary key,
  module text not null unique,
  events text[] not null,
  notify_url text not null,
  token_sha256 bytea not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  renewed_at timestamptz,
  last_delivery_at timestamptz,
  deliveries bigint not null default 0,
  -- The last renewal that failed, and why (cleared by a renewal that succeeds): bin/zoho
  -- status and bin/doctor show it.
  renewal_failed_at timestamptz,
  renewal_error text
);

-- What this service itself last wrote to each Zoho record, by the Modified_Time Zoho answered
-- the write with. Notifications, unlike workflow rules, also fire for our own API writes: a
-- callback for a record still at that Modified_Time is our own write coming back.
create table zoho_own_writes (
  module text not null,
  record_id text not null,
  modified_time text not null,
  -- The API names of the fields written: a callback naming another field is someone else's.
  fields text[] not null,
  written_at timestamptz not null default now(),
  primary key (module, record_id)
);
create index zoho_own_writes_written_at_idx on zoho_own_writes (written_at);
