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

namespace local_zohosync;

use core\event\base;
use local_zohosync\local\config;
use local_zohosync\local\deliveries;

/**
 * Thin observers: decide whether an event is sent, then queue it (no payload building, no HTTP).
 *
 * Each event becomes one delivery row and one adhoc task ({@see task\send_event}) carrying the
 * ids the task needs, a delivery id made once here, and anything that is gone by the time the
 * task runs (what a deletion removed).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class observer {
    /** @var array<string, array{0: string, 1: string, 2: string}> Event class => [setting key, entity, entity_type]. */
    public const EVENTS = [
        '\core\event\user_created' => ['user_created', 'user', 'user'],
        '\core\event\user_updated' => ['user_updated', 'user', 'user'],
        '\core\event\user_deleted' => ['user_deleted', 'user', 'user'],
        '\core\event\user_enrolment_created' => ['user_enrolment_created', 'enrollment', 'user_enrolments'],
        '\core\event\user_enrolment_updated' => ['user_enrolment_updated', 'enrollment', 'user_enrolments'],
        '\core\event\user_enrolment_deleted' => ['user_enrolment_deleted', 'enrollment', 'user_enrolments'],
        '\core\event\role_assigned' => ['role_assigned', 'enrollment', 'user_enrolments'],
        '\mod_assign\event\submission_graded' => ['submission_graded', 'grade', 'assign_grades'],
        '\core\event\user_graded' => ['user_graded', 'grade', 'grade_grades'],
        '\core\event\course_created' => ['course_created', 'course', 'course'],
        '\core\event\course_updated' => ['course_updated', 'course', 'course'],
    ];

    /**
     * @var array<string, true> "userid:courseid" of enrolments queued in this request. The role of a new
     *      enrolment is assigned just after user_enrolment_created (EVENTS.md §3); the enrolment's task reads the
     *      roles when it runs, so that role_assigned need not be sent again.
     */
    private static array $enrolmentsqueued = [];

    /**
     * Handles every observed event.
     *
     * @param base $event The event.
     */
    public static function handle(base $event): void {
        $eventname = '\\' . ltrim($event->eventname, '\\');
        if (!isset(self::EVENTS[$eventname])) {
            return;
        }
        [$kind, $entity, $entitytype] = self::EVENTS[$eventname];
        if (!config::sends($kind)) {
            return;
        }
        // Echo suppression: what the integration itself wrote must not come back to it.
        if (config::is_integration_user((int) $event->userid)) {
            return;
        }
        $scope = self::scope($kind, $event);
        if ($scope === null) {
            return;
        }
        deliveries::queue([
            'kind' => $kind,
            'eventname' => $eventname,
            'entity' => $entity,
            'entitytype' => $entitytype,
            'objectid' => (int) $scope['objectid'],
            'userid' => (int) ($scope['userid'] ?? 0),
            'courseid' => (int) ($scope['courseid'] ?? 0),
            'actorid' => (int) $event->userid,
            'timecreated' => (int) $event->timecreated,
            'extra' => $scope['extra'] ?? [],
        ]);
    }

    /**
     * What one event is about, or null when it is out of scope.
     *
     * @param string $kind The setting key of the event.
     * @param base $event The event.
     * @return array|null objectid, userid, courseid and extra (what the task cannot read later).
     */
    private static function scope(string $kind, base $event): ?array {
        global $DB;
        $data = $event->get_data();
        $other = is_array($data['other'] ?? null) ? $data['other'] : [];
        switch ($kind) {
            case 'user_created':
            case 'user_updated':
                return ['objectid' => $data['objectid'], 'userid' => $data['objectid']];

            case 'user_deleted':
                // The row is scrambled by now: keep what the event carries (EVENTS.md §4).
                $snapshot = $event->get_record_snapshot('user', $data['objectid']);
                return ['objectid' => $data['objectid'], 'userid' => $data['objectid'], 'extra' => [
                    'other' => [
                        'username' => (string) ($other['username'] ?? ''),
                        'email' => (string) ($other['email'] ?? ''),
                        'idnumber' => (string) ($other['idnumber'] ?? ''),
                    ],
                    'snapshot' => [
                        'firstname' => (string) ($snapshot->firstname ?? ''),
                        'lastname' => (string) ($snapshot->lastname ?? ''),
                        'city' => (string) ($snapshot->city ?? ''),
                        'country' => (string) ($snapshot->country ?? ''),
                        'auth' => (string) ($snapshot->auth ?? ''),
                        'suspended' => (int) ($snapshot->suspended ?? 0),
                    ],
                ]];

            case 'user_enrolment_created':
                self::remember_enrolment((int) $data['relateduserid'], (int) $data['courseid']);
                return ['objectid' => $data['objectid'], 'userid' => $data['relateduserid'], 'courseid' => $data['courseid']];

            case 'user_enrolment_updated':
                return ['objectid' => $data['objectid'], 'userid' => $data['relateduserid'], 'courseid' => $data['courseid']];

            case 'user_enrolment_deleted':
                // The row is gone: the event keeps it in other.userenrolment; the course may go too.
                $course = $DB->get_record('course', ['id' => $data['courseid']], 'id, idnumber, shortname');
                return ['objectid' => $data['objectid'], 'userid' => $data['relateduserid'], 'courseid' => $data['courseid'],
                    'extra' => [
                        'userenrolment' => (array) ($other['userenrolment'] ?? []),
                        'enrol' => (string) ($other['enrol'] ?? ''),
                        'course' => $course ? (array) $course : null,
                    ]];

            case 'role_assigned':
                return self::scope_role_assigned($data);

            case 'submission_graded':
                return ['objectid' => $data['objectid'], 'userid' => $data['relateduserid'], 'courseid' => $data['courseid'],
                    'extra' => ['cmid' => (int) $data['contextinstanceid']]];

            case 'user_graded':
                // Activity items only, and not assignments: those come with submission_graded, which carries the
                // marking workflow, attempt, feedback and learning outcomes. Course and category totals are skipped.
                $item = $DB->get_record('grade_items', ['id' => (int) ($other['itemid'] ?? 0)], 'id, itemtype, itemmodule');
                if (!$item || $item->itemtype !== 'mod' || $item->itemmodule === 'assign') {
                    return null;
                }
                return ['objectid' => $data['objectid'], 'userid' => $data['relateduserid'], 'courseid' => $data['courseid'],
                    'extra' => ['itemid' => (int) $item->id]];

            case 'course_created':
            case 'course_updated':
                if ((int) $data['objectid'] === SITEID) {
                    return null;
                }
                $updated = is_array($other['updatedfields'] ?? null) ? array_keys($other['updatedfields']) : [];
                return ['objectid' => $data['objectid'], 'courseid' => $data['objectid'],
                    'extra' => ['updatedfields' => array_map('strval', $updated)]];
        }
        return null;
    }

    /**
     * A role assigned in a course to a user enrolled there: sent as an update of that enrolment.
     *
     * @param array $data The event data.
     * @return array|null
     */
    private static function scope_role_assigned(array $data): ?array {
        global $DB;
        if ((int) $data['contextlevel'] !== CONTEXT_COURSE) {
            return null;
        }
        $userid = (int) $data['relateduserid'];
        $courseid = (int) $data['contextinstanceid'];
        if (isset(self::$enrolmentsqueued[$userid . ':' . $courseid])) {
            // Part of an enrolment queued in this request: its task reads the roles.
            return null;
        }
        $ueid = $DB->get_field_sql(
            'SELECT MIN(ue.id)
               FROM {user_enrolments} ue
               JOIN {enrol} e ON e.id = ue.enrolid
              WHERE ue.userid = :userid AND e.courseid = :courseid',
            ['userid' => $userid, 'courseid' => $courseid]);
        if (!$ueid) {
            // A role without an enrolment (e.g. "other users"): not an enrolment change.
            return null;
        }
        return ['objectid' => (int) $ueid, 'userid' => $userid, 'courseid' => $courseid,
            'extra' => ['roleid' => (int) $data['objectid']]];
    }

    /**
     * Remembers an enrolment queued in this request (bounded, for long CLI runs).
     *
     * @param int $userid The enrolled user.
     * @param int $courseid The course.
     */
    private static function remember_enrolment(int $userid, int $courseid): void {
        if (count(self::$enrolmentsqueued) >= 10000) {
            self::$enrolmentsqueued = [];
        }
        self::$enrolmentsqueued[$userid . ':' . $courseid] = true;
    }

    /**
     * Forgets the enrolments remembered in this request (for tests).
     */
    public static function reset_request_state(): void {
        self::$enrolmentsqueued = [];
    }
}
