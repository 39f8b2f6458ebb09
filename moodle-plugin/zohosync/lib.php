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

/**
 * Callbacks of local_zohosync: the profile-page link to the student dashboard.
 *
 * The primary navigation and user menu entries are hooks (db/hooks.php, classes/hook_callbacks.php).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

use local_zohosync\local\dashboard_access;

/**
 * Adds "Student dashboard" to the profile page of a user who has one: one's own, or a student's for staff.
 *
 * @param \core_user\output\myprofile\tree $tree The profile tree.
 * @param stdClass $user The user whose profile is shown.
 * @param bool $iscurrentuser Whether it is the viewer's own profile.
 * @param stdClass|null $course The course, when shown in a course.
 */
function local_zohosync_myprofile_navigation(\core_user\output\myprofile\tree $tree, $user, $iscurrentuser, $course) {
    if ($iscurrentuser) {
        if (!dashboard_access::can_view_own()) {
            return;
        }
        $url = new moodle_url('/local/zohosync/dashboard.php');
    } else {
        if (!dashboard_access::can_view_other((int) $user->id) || !dashboard_access::has_dashboard($user)) {
            return;
        }
        $url = new moodle_url('/local/zohosync/dashboard.php', ['userid' => $user->id]);
    }
    $tree->add_category(new \core_user\output\myprofile\category('local_zohosync',
        get_string('studentarea', 'local_zohosync'), 'contact'));
    $tree->add_node(new \core_user\output\myprofile\node('local_zohosync', 'dashboard',
        get_string('dashboard', 'local_zohosync'), null, $url));
}
