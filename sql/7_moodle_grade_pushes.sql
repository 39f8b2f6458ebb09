-- Up Migration
-- Every Moodle assignment grade written to Zoho's BTEC_Grades, by its composite key
-- {userid}_{courseid}_{assignmentid}. It keeps what was last written (a fingerprint, so an
-- unchanged grade costs no Zoho call; the attempt and grading time, so an older event that
-- arrives late never overwrites a newer grade), and the facts the nightly BTEC rules need
-- (the letter Zoho holds, the attempt, the due date).
create table moodle_grade_pushes (
  composite_key text primary key,
  zoho_grade_id text not null,
  moodle_grade_id bigint,
  student_moodle_id bigint not null,
  course_moodle_id bigint not null,
  assignment_id bigint not null,
  student_zoho_id text not null,
  class_zoho_id text,
  letter text not null check (letter in ('D', 'M', 'P', 'R', 'RR', 'F')),
  attempt_number int not null,
  graded_at bigint,
  due_date bigint,
  fingerprint text not null,
  -- moodle: a grade given in Moodle; btec_rules: F or RR applied by the nightly job.
  origin text not null default 'moodle' check (origin in ('moodle', 'btec_rules')),
  last_event_id bigint,
  pushed_at timestamptz not null default now()
);

create index moodle_grade_pushes_assignment_idx on moodle_grade_pushes (course_moodle_id, assignment_id);

-- The nightly BTEC rules' settings join the existing `grades` key; what an admin set is kept
-- (the right side of || wins).
update app_settings
   set value = '{"btec_rules_enabled": true, "rr_after_days": 14}'::jsonb || value,
       description = 'Points-grade percentage thresholds for BTEC letters, the internal verifier role shortname, and the nightly rules: F for no submission after the due date, RR when a first-attempt Refer has no graded second attempt rr_after_days later.'
 where key = 'grades';
