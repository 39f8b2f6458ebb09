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
 * Applies {@see dashboard_rule} to Moodle users: who has a dashboard, who may open whose.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class dashboard_access {
    /** @var string[] The tables whose rows belong to a student (a row = the student's Zoho record is linked). */
    private const STUDENT_TABLES = [
        'local_zohosync_finance', 'local_zohosync_registration', 'local_zohosync_payment', 'local_zohosync_grade',
    ];

    /** @var array<int, bool> Answers of this request: the navigation asks on every page. */
    private static array $cache = [];

    /**
     * Whether a user has a student dashboard (see {@see dashboard_rule}).
     *
     * @param \stdClass $user A user record (id, deleted).
     * @return bool
     */
    public static function has_dashboard(\stdClass $user): bool {
        $userid = (int) $user->id;
        if (!array_key_exists($userid, self::$cache)) {
            self::$cache[$userid] = dashboard_rule::has_dashboard(self::facts($user));
        }
        return self::$cache[$userid];
    }

    /**
     * Whether the logged-in user may open their own dashboard: they have one and the capability.
     *
     * @return bool
     */
    public static function can_view_own(): bool {
        global $USER;
        if (!isloggedin() || isguestuser()) {
            return false;
        }
        return has_capability('local/zohosync:viewdashboard', \context_system::instance())
            && self::has_dashboard($USER);
    }

    /**
     * Whether the logged-in user may open another user's dashboard, checked before anything about that user is
     * looked up beyond its context: a user id that does not exist, a deleted user and a user the viewer may not see
     * all answer false, so the answer never tells a student whether an id exists.
     *
     * @param int $userid The user whose dashboard is asked for.
     * @return bool
     */
    public static function can_view_other(int $userid): bool {
        if (!isloggedin() || isguestuser() || $userid <= 0) {
            return false;
        }
        $context = \context_user::instance($userid, IGNORE_MISSING);
        return $context && has_capability('local/zohosync:viewanydashboard', $context);
    }

    /**
     * Forgets the answers of this request (tests, and after data for a user was stored).
     */
    public static function reset_cache(): void {
        self::$cache = [];
    }

    /**
     * The facts the rule decides on.
     *
     * @param \stdClass $user The user.
     * @return array
     */
    private static function facts(\stdClass $user): array {
        $userid = (int) $user->id;
        $isguest = isguestuser($userid);
        $deleted = !empty($user->deleted);
        $isintegration = config::is_integration_user($userid);
        // Skip the queries when the rule already says no.
        $excluded = $isguest || $deleted || $isintegration;
        $haszohodata = !$excluded && self::has_zoho_data($userid);
        return [
            'isguest' => $isguest,
            'deleted' => $deleted,
            'isintegration' => $isintegration,
            'haszohodata' => $haszohodata,
            'isstudent' => !$excluded && !$haszohodata && self::has_student_role($userid),
        ];
    }

    /**
     * Whether the sync service stored any student data for the user.
     *
     * @param int $userid The user.
     * @return bool
     */
    private static function has_zoho_data(int $userid): bool {
        global $DB;
        foreach (self::STUDENT_TABLES as $table) {
            if ($DB->record_exists($table, ['userid' => $userid])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the user holds a role of the student archetype in any context (a course enrolment as student).
     *
     * @param int $userid The user.
     * @return bool
     */
    private static function has_student_role(int $userid): bool {
        global $DB;
        return $DB->record_exists_sql(
            "SELECT 1
               FROM {role_assignments} ra
               JOIN {role} r ON r.id = ra.roleid
              WHERE ra.userid = :userid AND r.archetype = :archetype",
            ['userid' => $userid, 'archetype' => 'student']);
    }
}
