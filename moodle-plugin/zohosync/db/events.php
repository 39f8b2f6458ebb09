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
 * Event observers of local_zohosync.
 *
 * All are external ('internal' => false): inside a transaction Moodle buffers the event and calls
 * the observer only after the commit (and never on rollback), so no webhook describes data that
 * was rolled back. Observers only queue an adhoc task; nothing is sent from the user's request.
 * Keep this list equal to the keys of \local_zohosync\observer::EVENTS (a test checks it).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$observers = [
    [
        'eventname' => '\core\event\user_created',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\user_updated',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\user_deleted',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\user_enrolment_created',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\user_enrolment_updated',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\user_enrolment_deleted',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\role_assigned',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\mod_assign\event\submission_graded',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\user_graded',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\course_created',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
    [
        'eventname' => '\core\event\course_updated',
        'callback' => '\local_zohosync\observer::handle',
        'internal' => false,
    ],
];
