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


namespace local_zohosync\tests_pure;

use local_zohosync\local\dashboard_rule;
use PHPUnit\Framework\TestCase;

/**
 * Tests of who has a student dashboard.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\dashboard_rule
 */
final class dashboard_rule_test extends TestCase {
    /** @var array A student with Zoho data. */
    private const STUDENT = ['isguest' => false, 'deleted' => false, 'isintegration' => false, 'haszohodata' => true,
        'isstudent' => true];

    /**
     * A student: with Zoho data, or with a student role only, or both.
     */
    public function test_students_have_one(): void {
        $this->assertTrue(dashboard_rule::has_dashboard(self::STUDENT));
        $this->assertTrue(dashboard_rule::has_dashboard(['isstudent' => false] + self::STUDENT), 'Zoho data only');
        $this->assertTrue(dashboard_rule::has_dashboard(['haszohodata' => false] + self::STUDENT), 'student role only');
    }

    /**
     * Neither Zoho data nor a student role (teachers, managers, admins): none.
     */
    public function test_staff_have_none(): void {
        $this->assertFalse(dashboard_rule::has_dashboard(['haszohodata' => false, 'isstudent' => false] + self::STUDENT));
    }

    /**
     * Guest, deleted and integration users never, whatever else is true.
     */
    public function test_never_guest_deleted_or_integration(): void {
        foreach (['isguest', 'deleted', 'isintegration'] as $fact) {
            $this->assertFalse(dashboard_rule::has_dashboard([$fact => true] + self::STUDENT), $fact);
        }
    }

    /**
     * Missing facts count as false.
     */
    public function test_missing_facts(): void {
        $this->assertFalse(dashboard_rule::has_dashboard([]));
        $this->assertTrue(dashboard_rule::has_dashboard(['isstudent' => true]));
    }
}
