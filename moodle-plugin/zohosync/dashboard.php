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
 * The student dashboard: a student's own data from Zoho, or a given student's for staff (?userid=).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require_once(__DIR__ . '/../../config.php');

use local_zohosync\local\dashboard_access;

$userid = optional_param('userid', 0, PARAM_INT);

require_login(null, false);
if (isguestuser()) {
    throw new \moodle_exception('noguest');
}

$isown = ($userid === 0 || $userid === (int) $USER->id);
if ($isown) {
    require_capability('local/zohosync:viewdashboard', context_system::instance());
    if (!dashboard_access::has_dashboard($USER)) {
        throw new \moodle_exception('nodashboard', 'local_zohosync', new moodle_url('/my/'));
    }
    $user = $USER;
    $url = new moodle_url('/local/zohosync/dashboard.php');
    // Own page in the system context: Moodle draws a plain heading, not the user header with a "Message" button
    // that would message oneself.
    $context = context_system::instance();
} else {
    // The capability first, so a missing id and an id the viewer may not see give the same answer.
    if (!dashboard_access::can_view_other($userid)) {
        throw new \required_capability_exception(context_system::instance(), 'local/zohosync:viewanydashboard',
            'nopermissions', '');
    }
    $user = core_user::get_user($userid, '*', MUST_EXIST);
    if (!dashboard_access::has_dashboard($user)) {
        throw new \moodle_exception('nodashboardfor', 'local_zohosync', '', fullname($user));
    }
    $url = new moodle_url('/local/zohosync/dashboard.php', ['userid' => $user->id]);
    // Staff see the student's own user header (picture, name, message button to the student): the only header.
    $context = context_user::instance($user->id);
}

$PAGE->set_url($url);
$PAGE->set_context($context);
$PAGE->set_pagelayout('standard');
$PAGE->set_primary_active_tab('local_zohosync_dashboard');
$title = $isown ? get_string('dashboard', 'local_zohosync')
    : get_string('dashboardof', 'local_zohosync', fullname($user));
$PAGE->set_title($title);
$PAGE->set_heading($title);

$today = (new DateTime('now', core_date::get_user_timezone_object()))->format('Y-m-d');
$dashboard = new \local_zohosync\output\dashboard($user, $isown,
    \local_zohosync\local\dashboard_repository::load((int) $user->id), $today);

echo $OUTPUT->header();
echo $PAGE->get_renderer('local_zohosync')->render($dashboard);
echo $OUTPUT->footer();
