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
 * What staff do in Moodle, for tests/realMoodle/checkRealMoodle.ts on a TEST Moodle, as the site admin: not
 * through the integration user's token, because the plugin sends nothing of what that user does (echo
 * suppression: those are the service's own writes), and web services have no function to add an activity.
 *
 *   php teacherActions.php --moodle=DIR --create-user=<email> --firstname=A --lastname=B   prints {"id"}
 *   php teacherActions.php --moodle=DIR --enrol=<courseid> --user=<id>                     as student, manual enrolment
 *   php teacherActions.php --moodle=DIR --assign=<courseid>                                prints {"id","cmid"}
 *   php teacherActions.php --moodle=DIR --grade=<assignid> --user=<id> --points=<0-100>
 *
 * The assignment is made with Moodle's own test data generator (points out of 100); the grade is
 * saved through mod_assign's API as the site admin, so `\mod_assign\event\submission_graded` fires
 * as it does when a teacher grades in the browser.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

$options = getopt('', ['moodle:', 'assign:', 'grade:', 'user:', 'points:', 'create-user:', 'firstname:', 'lastname:', 'enrol:']);
$actions = array_intersect(['assign', 'grade', 'create-user', 'enrol'], array_keys($options));
if (empty($options['moodle']) || count($actions) !== 1) {
    fwrite(STDERR, "usage: php teacherActions.php --moodle=DIR (--create-user=EMAIL --firstname=A --lastname=B | --enrol=COURSEID --user=ID"
        . " | --assign=COURSEID | --grade=ASSIGNID --user=ID --points=N)\n");
    exit(2);
}
require(rtrim($options['moodle'], '/') . '/config.php');
require_once($CFG->libdir . '/testing/generator/lib.php');
require_once($CFG->libdir . '/enrollib.php');
require_once($CFG->dirroot . '/mod/assign/locallib.php');
require_once($CFG->dirroot . '/user/lib.php');

\core\session\manager::set_user(get_admin());

if (!empty($options['create-user'])) {
    $email = strtolower(trim($options['create-user']));
    $id = user_create_user((object) [
        'username' => $email, 'email' => $email, 'firstname' => $options['firstname'] ?? 'Test', 'lastname' => $options['lastname'] ?? 'User',
        'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id, 'password' => 'Pw#' . random_string(12),
    ]);
    echo json_encode(['id' => (int) $id]), "\n";
    exit(0);
}

if (!empty($options['enrol'])) {
    $instance = $DB->get_record('enrol', ['courseid' => (int) $options['enrol'], 'enrol' => 'manual'], '*', MUST_EXIST);
    $student = $DB->get_field('role', 'id', ['shortname' => 'student'], MUST_EXIST);
    enrol_get_plugin('manual')->enrol_user($instance, (int) $options['user'], (int) $student);
    echo json_encode(['enrolled' => true]), "\n";
    exit(0);
}

if (!empty($options['assign'])) {
    $generator = new testing_data_generator();
    $assign = $generator->create_module('assign', [
        'course' => (int) $options['assign'], 'name' => 'Real-site check assignment', 'grade' => 100,
        'assignsubmission_onlinetext_enabled' => 1, 'duedate' => time() + 7 * DAYSECS,
    ]);
    echo json_encode(['id' => (int) $assign->id, 'cmid' => (int) $assign->cmid]), "\n";
    exit(0);
}

$cm = get_coursemodule_from_instance('assign', (int) $options['grade'], 0, false, MUST_EXIST);
$assign = new assign(context_module::instance($cm->id), $cm, get_course($cm->course));
$data = (object) ['grade' => (float) $options['points'], 'attemptnumber' => -1, 'assignfeedbackcomments_editor' => ['text' => 'Graded by the real-site check.', 'format' => FORMAT_HTML]];
if (!$assign->save_grade((int) $options['user'], $data)) {
    fwrite(STDERR, "the grade was not saved\n");
    exit(1);
}
echo json_encode(['graded' => true]), "\n";
