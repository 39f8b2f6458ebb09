-- Up Migration
-- Which Moodle object each Zoho record became, and what it looked like when last applied.
-- Handlers look a record up here first (then in Moodle by idnumber, then adopt by e-mail),
-- so a retried or repeated event never creates anything twice, and an unchanged record
-- (same fingerprint) costs no Moodle write at all.
create table sync_links (
  entity text not null check (entity in ('student', 'teacher', 'program', 'class', 'enrollment')),
  zoho_id text not null,
  -- Moodle user id (student, teacher), course category id (program), course id (class, enrollment).
  moodle_id bigint not null,
  -- enrollment: the Moodle user it enrols; class: the teacher enrolled with the editing role.
  moodle_user_id bigint,
  -- SHA-256 of the canonical model last written (null: linked but never applied, e.g. adopted).
  fingerprint text,
  -- active, or suspended (user suspended, enrolment suspended, course hidden) after a Zoho delete.
  state text not null default 'active' check (state in ('active', 'suspended')),
  -- The event that last changed this link (events are pruned later; this is only a pointer).
  last_event_id bigint,
  created_at timestamptz not null default now(),
  synced_at timestamptz not null default now(),
  primary key (entity, zoho_id)
);

-- Moodle → Zoho flows find the Zoho record of a Moodle object ("which student is user 45?").
create index sync_links_moodle_idx on sync_links (entity, moodle_id, moodle_user_id);

insert into app_settings (key, value, description) values
  ('students.suspend_when_status', '["Passive", "Withdraw", "Graduated", "Blocked", "Unregistered"]',
   'BTEC_Students Status values for which the Moodle account is suspended (never deleted); any other status keeps or makes it active.'),
  ('moodle.new_users', '{"auth": "manual"}',
   'How new Moodle accounts are created: auth plugin (manual: Moodle generates a password and e-mails it; oauth2, saml2 … for single sign-on).')
on conflict (key) do nothing;
