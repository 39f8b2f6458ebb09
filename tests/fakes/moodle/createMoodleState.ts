import {
  blankUser, CONTEXT_COURSE, CONTEXT_COURSECAT, CONTEXT_MODULE, CONTEXT_SYSTEM, CONTEXT_USER, emptyZohosyncTables, ZOHOSYNC_TABLES, type MoodleState, type ZohosyncTable,
} from './moodleState.ts';
import { ZOHOSYNC_FUNCTION_NAMES } from './zohosyncFunctions.ts';
import { MOODLE_SECRET } from '../../helpers/signing.ts';

/**
 * The external service of the recorded site: its 21 functions plus the three mod_assign ones,
 * plus the local_zohosync plugin's ten dashboard functions and its status report (the plugin's service has them).
 */
export const DEFAULT_SERVICE_FUNCTIONS = [
  'core_webservice_get_site_info', 'core_user_create_users', 'core_user_get_users_by_field', 'core_user_get_users',
  'core_user_update_users', 'core_user_delete_users', 'core_course_get_categories', 'core_course_create_categories', 'core_course_update_categories',
  'core_course_create_courses', 'core_course_get_courses_by_field', 'core_course_update_courses', 'enrol_manual_enrol_users',
  'enrol_manual_unenrol_users', 'core_enrol_get_enrolled_users', 'core_enrol_get_users_courses',
  'core_enrol_get_course_enrolment_methods', 'core_cohort_create_cohorts', 'core_cohort_add_cohort_members',
  'core_cohort_get_cohorts', 'core_cohort_delete_cohort_members', 'core_role_assign_roles',
  'mod_assign_get_assignments', 'mod_assign_get_grades', 'mod_assign_save_grade', 'mod_assign_get_submissions', 'mod_assign_get_user_flags',
  ...ZOHOSYNC_FUNCTION_NAMES,
  'local_zohosync_get_integration_status',
];

/**
 * A fresh site as after installation: guest (1) and admin (2, the token's user, site admin),
 * the standard roles (3 editingteacher, 4 teacher, 5 student, …), the default category 1
 * "Category 1", no courses. New users get ids from 3 on.
 */
export function createMoodleState(token: string, now: number): MoodleState {
  return {
    config: {
      siteName: 'Moodle Real Fixture Site', release: '4.5.5+ (Build: 20250613)', version: '2024100705.01', themerev: 1795310875,
      webservicesEnabled: true, debug: false, welcomeEmailFails: false, allowAccountsSameEmail: false,
      integrationCapabilities: 'all', assignableRoles: 'all',
      serviceFunctions: [...DEFAULT_SERVICE_FUNCTIONS], siteAdmins: [2],
      plugin: {
        release: '0.1.0', version: 2026120200, sendingEnabled: true, serviceUrl: 'http://127.0.0.1:8080', secret: MOODLE_SECRET, integrationUserId: 2,
        httpSecurity: { allowed: true, setting: '', detail: '' }, cronLastRun: 'recent', noreplyAddress: 'noreply@example.com',
        outbox: { pending: 0, failed: 0, oldest_pending: 0 },
      },
    },
    users: [
      blankUser(1, { username: 'guest', firstname: 'Guest user', lastname: ' ', email: 'root@localhost', description: 'This user is a special user that allows read-only access to some courses.' }, now),
      blankUser(2, { username: 'admin', password: 'Admin!234', firstname: 'Admin', lastname: 'User', email: 'admin@example.com' }, now),
    ],
    categories: [{
      id: 1, name: 'Category 1', idnumber: null, description: '', descriptionformat: 1, parent: 0, sortorder: 10000,
      visible: 1, visibleold: 1, timemodified: now, depth: 1, path: '/1', theme: '',
    }],
    courses: [],
    contexts: [
      { id: 1, contextlevel: CONTEXT_SYSTEM, instanceid: 0 },
      { id: 2, contextlevel: CONTEXT_COURSE, instanceid: 1 },
      { id: 3, contextlevel: CONTEXT_COURSECAT, instanceid: 1 },
      { id: 4, contextlevel: CONTEXT_USER, instanceid: 1 },
      { id: 5, contextlevel: CONTEXT_USER, instanceid: 2 },
    ],
    roles: [
      { id: 1, shortname: 'manager', name: '', sortorder: 1, assignableAt: [CONTEXT_SYSTEM, CONTEXT_COURSECAT, CONTEXT_COURSE] },
      { id: 2, shortname: 'coursecreator', name: '', sortorder: 2, assignableAt: [CONTEXT_SYSTEM, CONTEXT_COURSECAT] },
      { id: 3, shortname: 'editingteacher', name: '', sortorder: 3, assignableAt: [CONTEXT_COURSE, CONTEXT_MODULE] },
      { id: 4, shortname: 'teacher', name: '', sortorder: 4, assignableAt: [CONTEXT_COURSE, CONTEXT_MODULE] },
      { id: 5, shortname: 'student', name: '', sortorder: 5, assignableAt: [CONTEXT_COURSE, CONTEXT_MODULE] },
      { id: 6, shortname: 'guest', name: '', sortorder: 6, assignableAt: [] },
      { id: 7, shortname: 'user', name: '', sortorder: 7, assignableAt: [] },
      { id: 8, shortname: 'frontpage', name: '', sortorder: 8, assignableAt: [] },
    ],
    enrolments: [],
    roleAssignments: [],
    cohorts: [],
    cohortMembers: [],
    assignments: [],
    assignGrades: [],
    assignSubmissions: [],
    assignUserFlags: [],
    tokens: [{ token, userid: 2, restUse: true }],
    messages: [],
    zohosync: emptyZohosyncTables(),
    nextId: {
      user: 3, category: 2, course: 2, context: 6, enrolment: 1, roleAssignment: 1, cohort: 1, assignment: 1, cm: 1, assignGrade: 1, assignSubmission: 1, assignUserFlags: 1,
      ...(Object.fromEntries(ZOHOSYNC_TABLES.map((table) => [table, 1])) as Record<ZohosyncTable, number>),
    },
  };
}
