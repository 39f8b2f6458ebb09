-- Up Migration
-- The current Zoho access token, shared by every worker process: Zoho allows about ten
-- token requests per ten minutes, so processes must not refresh on their own. Encrypted
-- with AES-256-GCM under ENCRYPTION_KEY (which never reaches the database); the row's
-- `connection` (the OAuth client id) is bound into the ciphertext as associated data.
create table zoho_tokens (
  connection text primary key,
  iv bytea not null,
  ciphertext bytea not null,
  auth_tag bytea not null,
  api_domain text not null,
  expires_at timestamptz not null,
  refreshed_at timestamptz not null default now()
);
