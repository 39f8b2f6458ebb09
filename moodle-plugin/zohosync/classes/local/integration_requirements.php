<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_zohosync\local;

/**
 * What the sync service's web-service user needs in Moodle: the one list the setup script
 * (cli/setup_integration.php) applies and the README's manual steps are checked against.
 *
 * Each capability is here because a real Moodle 4.5 hides data or refuses a call without it
 * (recorded in the service's tests/fixtures/moodle-capabilities/).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class integration_requirements {
    /** @var string Shortname of the role the setup script creates. */
    public const ROLE_SHORTNAME = 'zohosync_integration';

    /** @var string Default username of the integration user. */
    public const DEFAULT_USERNAME = 'zohosync';

    /** @var string[] Roles the integration must be allowed to assign (moodle.roles defaults of the service). */
    public const DEFAULT_ASSIGNABLE_ROLES = ['student', 'editingteacher', 'teacher'];

    /**
     * @var array<string, string> Capability => why the service needs it. Granted in the system
     * context, so they apply in every category and course.
     */
    public const CAPABILITIES = [
        'webservice/rest:use' => 'call the REST web services',
        'local/zohosync:managedata' => 'store the student dashboard data (local_zohosync_* functions)',
        'moodle/user:create' => 'core_user_create_users',
        'moodle/user:update' => 'core_user_update_users (names, e-mail, suspension)',
        'moodle/user:viewdetails' => 'core_user_get_users_by_field returns users at all',
        'moodle/user:viewhiddendetails' => 'hidden profile fields (city, country) in lookups',
        'moodle/user:viewalldetails' => 'username, idnumber and auth in lookups; lookups by idnumber or username (Moodle answers [] without it)',
        'moodle/site:viewuseridentity' => 'e-mail of users whose e-mail is not public (lookups by e-mail answer [] without it)',
        'moodle/course:create' => 'core_course_create_courses',
        'moodle/course:update' => 'core_course_update_courses',
        'moodle/course:view' => 'see every course without being enrolled',
        'moodle/course:viewhiddencourses' => 'find hidden courses (else one would be created again)',
        'moodle/course:visibility' => 'hide and show courses (class status)',
        'moodle/course:changefullname' => 'course full name from the class',
        'moodle/course:changeshortname' => 'course short name from the class',
        'moodle/course:changeidnumber' => 'course idnumber = Zoho class id',
        'moodle/course:changecategory' => 'move a course when its program changes',
        'moodle/course:viewparticipants' => 'core_enrol_get_enrolled_users; core_enrol_get_users_courses lists the course',
        'moodle/course:useremail' => 'e-mail of enrolled users in core_enrol_get_enrolled_users',
        'moodle/course:enrolreview' => 'see suspended enrolments',
        'moodle/course:viewhiddenactivities' => 'hidden assignments in mod_assign_get_assignments (BTEC rules)',
        'moodle/site:accessallgroups' => 'enrolled users of every group in separate-groups courses',
        'moodle/category:manage' => 'create and update categories (programs)',
        'moodle/category:viewhiddencategories' => 'find hidden categories (else one would be created again)',
        'enrol/manual:enrol' => 'enrol_manual_enrol_users',
        'enrol/manual:unenrol' => 'enrol_manual_unenrol_users',
        'moodle/role:assign' => 'core_role_assign_roles (with the allowed role assignments)',
        'mod/assign:view' => 'mod_assign_get_assignments (BTEC rules)',
        'mod/assign:grade' => 'mod_assign_get_submissions, mod_assign_get_grades, mod_assign_get_user_flags (BTEC rules)',
    ];

    /**
     * @var string[] Core functions the service calls; with the plugin's own, they make up its
     * "Zoho sync service" (db/services.php). The service's REQUIRED_MOODLE_FUNCTIONS must match.
     */
    public const CORE_FUNCTIONS = [
        'core_webservice_get_site_info',
        'core_user_get_users_by_field',
        'core_user_create_users',
        'core_user_update_users',
        'core_course_get_categories',
        'core_course_create_categories',
        'core_course_update_categories',
        'core_course_get_courses_by_field',
        'core_course_create_courses',
        'core_course_update_courses',
        'enrol_manual_enrol_users',
        'enrol_manual_unenrol_users',
        'core_enrol_get_enrolled_users',
        'core_enrol_get_users_courses',
        'core_role_assign_roles',
        'mod_assign_get_assignments',
        'mod_assign_get_submissions',
        'mod_assign_get_user_flags',
        'mod_assign_get_grades',
    ];
}
