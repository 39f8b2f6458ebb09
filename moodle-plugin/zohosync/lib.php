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
 * Callbacks of local_zohosync: links to the student dashboard.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

/**
 * Adds "Student dashboard" to a user's profile page (own, or another student's for staff).
 *
 * @param \core_user\output\myprofile\tree $tree The profile tree.
 * @param stdClass $user The user whose profile is shown.
 * @param bool $iscurrentuser Whether it is the viewer's own profile.
 * @param stdClass|null $course The course, when shown in a course.
 */
function local_zohosync_myprofile_navigation(\core_user\output\myprofile\tree $tree, $user, $iscurrentuser, $course) {
    if (!isloggedin() || isguestuser() || isguestuser($user)) {
        return;
    }
    if ($iscurrentuser) {
        if (!has_capability('local/zohosync:viewdashboard', context_system::instance())) {
            return;
        }
        $url = new moodle_url('/local/zohosync/dashboard.php');
    } else {
        $usercontext = context_user::instance($user->id, IGNORE_MISSING);
        if (!$usercontext || !has_capability('local/zohosync:viewanydashboard', $usercontext)) {
            return;
        }
        $url = new moodle_url('/local/zohosync/dashboard.php', ['userid' => $user->id]);
    }
    $tree->add_category(new \core_user\output\myprofile\category('local_zohosync',
        get_string('studentarea', 'local_zohosync'), 'contact'));
    $tree->add_node(new \core_user\output\myprofile\node('local_zohosync', 'dashboard',
        get_string('dashboard', 'local_zohosync'), null, $url));
}

/**
 * Adds "Student dashboard" to the site navigation of users who may see their own.
 *
 * @param global_navigation $navigation The navigation.
 */
function local_zohosync_extend_navigation(global_navigation $navigation) {
    if (!isloggedin() || isguestuser() || !has_capability('local/zohosync:viewdashboard', context_system::instance())) {
        return;
    }
    $node = $navigation->add(get_string('dashboard', 'local_zohosync'), new moodle_url('/local/zohosync/dashboard.php'),
        navigation_node::TYPE_CUSTOM, null, 'local_zohosync_dashboard', new pix_icon('i/report', ''));
    $node->showinflatnavigation = true;
}
