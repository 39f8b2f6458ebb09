-- Up Migration
-- Runtime settings, changeable without a redeploy. Never secrets: those come from the
-- environment only. Later migrations add keys with "on conflict do nothing" so that
-- what an admin changed is never overwritten.
create table app_settings (
  key text primary key,
  value jsonb not null,
  description text not null default '',
  updated_at timestamptz not null default now(),
  updated_by text not null default 'migration'
);

insert into app_settings (key, value, description) values
  ('modules.enabled',
   '{"BTEC_Students": true, "BTEC_Teachers": true, "BTEC_Registrations": true, "BTEC_Classes": true, "BTEC_Enrollments": true, "BTEC_Payments": true, "BTEC_Grades": true, "BTEC": true, "Products": true}',
   'Zoho modules the service syncs; false stops that module''s events (they end as skipped).'),
  ('workflows.auto_enabled', '{}',
   'Per "Module.event_type" (e.g. "BTEC_Students.deleted"): false disables it; unset means enabled.'),
  ('sync.directions',
   '{"student_profile": "zoho_to_moodle", "finance": "zoho_to_moodle", "enrollments": "bidirectional", "grades": "moodle_to_zoho"}',
   'Which way each kind of data flows: zoho_to_moodle, moodle_to_zoho, bidirectional or disabled.'),
  ('retry.policy', '{"max_attempts": 12}',
   'Attempts per event before it ends failed. graphile-worker waits exp(min(attempt,10)) s between them: 12 attempts ride out about 15 hours.'),
  ('moodle.roles', '{"student": "student", "teacher": "editingteacher", "non_editing_teacher": "teacher"}',
   'Moodle role shortnames used for enrolments; resolved to ids through Moodle.'),
  ('system.dry_run', '{"enabled": false, "modules": []}',
   'When enabled (for all modules, or only those listed), handlers record what they would do and write nothing.'),
  ('events.retention', '{"completed_days": 90, "failed_days": 365}',
   'How long finished events are kept before the nightly cleanup deletes them.'),
  ('grades', '{"points_thresholds": {"D": 70, "M": 60, "P": 40}, "iv_role_shortname": "internalverifier"}',
   'Points-grade percentage thresholds for BTEC letters, and the internal verifier role shortname.'),
  ('classes.create_when_status', '["Active"]',
   'Class_Status values at which a Zoho class becomes a Moodle course.')
on conflict (key) do nothing;
