-- Up Migration
-- The dashboard data the service pushes into the Moodle plugin (local_zohosync) is linked like
-- the other entities, so an unchanged Zoho record costs no Moodle call and a deleted one is
-- removed once: registration, payment, grade (the dashboard's copy of a Zoho BTEC_Grades
-- record), unit (a BTEC unit template) and finance (a student's finance summary, keyed by the
-- BTEC_Students id). For these, moodle_id is the plugin's row id, moodle_user_id the student's
-- Moodle user (none for units), and state 'suspended' means "removed from the dashboard after
-- a Zoho delete" (the link stays so a repeated delete event costs nothing).
alter table sync_links drop constraint sync_links_entity_check;
alter table sync_links add constraint sync_links_entity_check check (entity in (
  'student', 'teacher', 'program', 'class', 'enrollment',
  'registration', 'payment', 'grade', 'unit', 'finance'
));
