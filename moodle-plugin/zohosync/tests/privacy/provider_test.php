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

namespace local_zohosync\privacy;

use core_privacy\local\request\approved_contextlist;
use core_privacy\tests\provider_testcase;

/**
 * Tests of the privacy provider (run under moodle-plugin-ci).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\privacy\provider
 */
final class provider_test extends provider_testcase {
    /**
     * A student's rows are found in their user context and deleted with their children.
     */
    public function test_contexts_and_deletion(): void {
        global $DB;
        $this->resetAfterTest();
        $student = $this->getDataGenerator()->create_user();
        $gradeid = $DB->insert_record('local_zohosync_grade', (object) ['zohoid' => '5000000000000000201',
            'userid' => $student->id, 'courseid' => 0, 'grade' => 'P', 'gradestatus' => 'Released', 'timecreated' => 1,
            'timemodified' => 1]);
        $DB->insert_record('local_zohosync_grade_lo', (object) ['gradeid' => $gradeid, 'sortorder' => 1, 'code' => 'P1',
            'achieved' => 1]);

        $contextlist = provider::get_contexts_for_userid($student->id);
        $context = \context_user::instance($student->id);
        $this->assertSame([(int) $context->id], array_map('intval', $contextlist->get_contextids()));

        provider::delete_data_for_user(new approved_contextlist($student, 'local_zohosync', [$context->id]));
        $this->assertSame(0, $DB->count_records('local_zohosync_grade'));
        $this->assertSame(0, $DB->count_records('local_zohosync_grade_lo'));
    }
}
