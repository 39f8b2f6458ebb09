-- Up Migration
-- Every change of a setting through bin/settings or the admin API: who (the OS user running
-- bin/settings, or "admin-api"), when, the value before and after. A plain SQL update of
-- app_settings is not recorded here (updated_by / updated_at on the row still say who, if set).
create table app_settings_history (
  id bigint generated always as identity primary key,
  key text not null,
  old_value jsonb,
  new_value jsonb not null,
  changed_by text not null,
  changed_at timestamptz not null default now()
);

create index app_settings_history_key_changed_at_idx on app_settings_history (key, changed_at desc);
