import { RetryableError, SyncError } from '../../domain/errors.ts';
import type { MoodleClient } from './createMoodleClient.ts';
import { DASHBOARD_FUNCTIONS } from './createDashboardClient.ts';
import { MoodleConfigurationError } from './moodleErrors.ts';

export type MoodleHealth =
  | { state: 'ok'; site: string; release?: string | undefined; missingFunctions: string[] }
  | { state: 'unreachable' | 'misconfigured' | 'error'; code: string; message: string };

/** The functions the sync needs in the Moodle service (Site administration → External services). */
export const REQUIRED_MOODLE_FUNCTIONS = [
  'core_webservice_get_site_info',
  'core_user_create_users',
  'core_user_update_users',
  'core_user_get_users_by_field',
  'core_course_create_categories',
  'core_course_get_categories',
  'core_course_update_categories',
  'core_course_create_courses',
  'core_course_update_courses',
  'core_course_get_courses_by_field',
  'enrol_manual_enrol_users',
  'enrol_manual_unenrol_users',
  'core_enrol_get_enrolled_users',
  'core_enrol_get_users_courses',
  'core_role_assign_roles',
  // The nightly BTEC rules (F / RR) read assignments, submissions and grades.
  'mod_assign_get_assignments',
  'mod_assign_get_submissions',
  'mod_assign_get_user_flags',
  'mod_assign_get_grades',
  // The student dashboard's data, stored by the local_zohosync plugin (its own service has them).
  ...Object.values(DASHBOARD_FUNCTIONS).flatMap((fns) => [fns.upsert, fns.delete]),
  // The plugin's report of its own side (bin/doctor).
  'local_zohosync_get_integration_status',
];

/**
 * Asks Moodle who we are (core_webservice_get_site_info) and whether the service offers
 * every function we need; remembers the answer for `cacheMs` so health probes do not
 * hammer Moodle.
 */
export function createMoodleHealthCheck(client: MoodleClient, cacheMs = 30_000, now = Date.now) {
  let cached: { at: number; health: MoodleHealth } | undefined;
  return async function checkMoodle(): Promise<MoodleHealth> {
    if (cached && now() - cached.at < cacheMs) return cached.health;
    let health: MoodleHealth;
    try {
      const info = await client.getSiteInfo();
      const offered = new Set(info.functions.map((f) => f.name));
      health = {
        state: 'ok',
        site: info.sitename,
        release: info.release,
        missingFunctions: REQUIRED_MOODLE_FUNCTIONS.filter((f) => !offered.has(f)),
      };
    } catch (error) {
      const sync = error instanceof SyncError ? error : undefined;
      const state =
        error instanceof MoodleConfigurationError
          ? 'misconfigured'
          : error instanceof RetryableError
            ? 'unreachable'
            : 'error';
      health = {
        state,
        code: sync?.code ?? 'unexpected',
        message: error instanceof Error ? error.message : String(error),
      };
    }
    cached = { at: now(), health };
    return health;
  };
}
