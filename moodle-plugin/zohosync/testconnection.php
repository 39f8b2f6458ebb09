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
 * Settings → Test connection: a signed ping to the sync service, with the precise reason of a failure.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require_once(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/adminlib.php');

admin_externalpage_setup('local_zohosync_testconnection');

$url = new moodle_url('/local/zohosync/testconnection.php');
echo $OUTPUT->header();
echo $OUTPUT->heading(get_string('testconnection', 'local_zohosync'));
// Only on an explicit, sesskey-checked POST: the test makes an outgoing request.
if (data_submitted() && confirm_sesskey()) {
    $result = \local_zohosync\local\connection_test::run();
    echo $OUTPUT->notification(s($result['detail']),
        $result['ok'] ? \core\output\notification::NOTIFY_SUCCESS : \core\output\notification::NOTIFY_ERROR);
}
echo $OUTPUT->single_button($url, get_string('testconnection:run', 'local_zohosync'), 'post');
echo $OUTPUT->footer();
