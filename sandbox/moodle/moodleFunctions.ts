import { assignFunctions } from './assignFunctions.ts';
import { categoryFunctions } from './categoryFunctions.ts';
import { cohortFunctions } from './cohortFunctions.ts';
import { courseFunctions } from './courseFunctions.ts';
import { enrolFunctions } from './enrolFunctions.ts';
import type { MoodleFunction } from './MoodleFunction.ts';
import { roleFunctions } from './roleFunctions.ts';
import { integrationStatusFunction } from './integrationStatusFunction.ts';
import { siteInfoFunction } from './siteInfoFunction.ts';
import { userFunctions } from './userFunctions.ts';
import { zohosyncFunctions } from './zohosyncFunctions.ts';

/** Every simulated external function, by name. */
export const moodleFunctions: ReadonlyMap<string, MoodleFunction> = new Map(
  [
    siteInfoFunction,
    ...userFunctions,
    ...categoryFunctions,
    ...courseFunctions,
    ...enrolFunctions,
    ...roleFunctions,
    ...cohortFunctions,
    ...assignFunctions,
    ...zohosyncFunctions,
    integrationStatusFunction,
  ].map((fn) => [fn.name, fn]),
);

/**
 * Functions a real Moodle 4.5 has but the simulator does not implement. Outside the service
 * they answer accessexception like Moodle; put into the service they make the simulator
 * answer HTTP 500 "not simulated" (a gap to fill, never a silent success).
 */
export const unsimulatedMoodleFunctions: ReadonlySet<string> = new Set([
  'core_course_delete_courses',
  'core_course_get_courses',
  'core_course_delete_categories',
  'core_cohort_delete_cohorts',
  'core_cohort_update_cohorts',
  'core_cohort_search_cohorts',
  'core_role_unassign_roles',
  'core_user_get_course_user_profiles',
  'core_enrol_get_enrolled_users_with_capability',
  'core_group_create_groups',
  'core_group_add_group_members',
  'core_grades_update_grades',
  'enrol_self_enrol_user',
  'mod_assign_save_grades',
  'core_completion_get_course_completion_status',
]);
