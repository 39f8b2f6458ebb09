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

use local_zohosync\local\deliveries;
use local_zohosync\task\send_event;

/**
 * Tests of the observers (Moodle level: run under moodle-plugin-ci, not in the service's suite).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\observer
 */
final class observer_test extends \advanced_testcase {
    /**
     * Switches sending on.
     */
    protected function setUp(): void {
        parent::setUp();
        $this->resetAfterTest();
        // The observers are external: inside a transaction Moodle calls them only after the commit. On PostgreSQL
        // (and SQL Server) each test runs inside a transaction that is rolled back, so without this no observer runs.
        $this->preventResetByRollback();
        observer::reset_request_state();
        set_config('enabled', 1, 'local_zohosync');
        set_config('serviceurl', 'https://sync.example.edu', 'local_zohosync');
        set_config('secret', 'whsec_' . base64_encode(str_repeat('s', 32)), 'local_zohosync');
    }

    /**
     * db/events.php observes exactly the events the observer knows.
     */
    public function test_events_file_matches_the_observer(): void {
        global $CFG;
        $observers = [];
        require($CFG->dirroot . '/local/zohosync/db/events.php');
        $this->assertEqualsCanonicalizing(array_keys(observer::EVENTS), array_column($observers, 'eventname'));
        foreach ($observers as $entry) {
            $this->assertFalse($entry['internal']);
        }
    }

    /**
     * Creating a user queues one delivery and one task, with a UUID delivery id.
     */
    public function test_user_created_queues_a_delivery(): void {
        global $DB;
        $user = $this->getDataGenerator()->create_user();
        $row = $DB->get_record(deliveries::TABLE, ['eventname' => '\core\event\user_created', 'objectid' => $user->id],
            '*', MUST_EXIST);
        $this->assertSame(deliveries::STATUS_PENDING, $row->status);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/',
            $row->deliveryid);
        $tasks = \core\task\manager::get_adhoc_tasks(send_event::class);
        $ids = array_map(fn($task) => $task->get_custom_data()->deliveryid, $tasks);
        $this->assertContains($row->deliveryid, $ids);
    }

    /**
     * Nothing is queued when sending is off, or when the integration user made the change.
     */
    public function test_disabled_and_echo_suppressed(): void {
        global $DB;
        set_config('enabled', 0, 'local_zohosync');
        $this->getDataGenerator()->create_user();
        $this->assertSame(0, $DB->count_records(deliveries::TABLE));

        set_config('enabled', 1, 'local_zohosync');
        $integration = $this->getDataGenerator()->create_user();
        $DB->delete_records(deliveries::TABLE);
        set_config('integrationuserid', $integration->id, 'local_zohosync');
        $this->setUser($integration);
        $this->getDataGenerator()->create_user();
        $this->assertSame(0, $DB->count_records(deliveries::TABLE));
    }

    /**
     * An enrolment is sent once: its role_assigned (same request) is not sent again.
     */
    public function test_enrolment_role_not_sent_twice(): void {
        global $DB;
        $user = $this->getDataGenerator()->create_user();
        $course = $this->getDataGenerator()->create_course();
        $DB->delete_records(deliveries::TABLE);
        $this->getDataGenerator()->enrol_user($user->id, $course->id, 'student');
        $this->assertSame(1, $DB->count_records(deliveries::TABLE, ['entity' => 'enrollment']));
        $this->assertSame(1, $DB->count_records(deliveries::TABLE,
            ['eventname' => '\core\event\user_enrolment_created']));
    }

    /**
     * The gradebook's assignment and course-total grades are not sent (submission_graded sends assignments).
     */
    public function test_user_graded_skips_assignments_and_totals(): void {
        global $CFG, $DB;
        require_once($CFG->libdir . '/gradelib.php');
        $course = $this->getDataGenerator()->create_course();
        $student = $this->getDataGenerator()->create_and_enrol($course, 'student');
        $assign = $this->getDataGenerator()->create_module('assign', ['course' => $course->id, 'grade' => 100]);
        $DB->delete_records(deliveries::TABLE);
        $item = \grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'assign', 'iteminstance' => $assign->id,
            'courseid' => $course->id]);
        $item->update_final_grade($student->id, 80);
        $this->assertSame(0, $DB->count_records(deliveries::TABLE, ['eventname' => '\core\event\user_graded']));
    }
}
