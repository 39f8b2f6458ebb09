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

use local_zohosync\local\validator;
use PHPUnit\Framework\TestCase;

/**
 * Tests of the web-service field checks.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\validator
 */
final class validator_test extends TestCase {
    /**
     * Zoho ids are digit strings of at most 20.
     */
    public function test_zoho_ids(): void {
        $this->assertTrue(validator::is_zoho_id('5000000000000012345'));
        $this->assertFalse(validator::is_zoho_id(''));
        $this->assertFalse(validator::is_zoho_id('12a'));
        $this->assertFalse(validator::is_zoho_id(str_repeat('1', 21)));
    }

    /**
     * Dates are real calendar dates.
     */
    public function test_dates(): void {
        $this->assertTrue(validator::is_date_or_empty(''));
        $this->assertTrue(validator::is_date_or_empty('2024-02-29'));
        $this->assertFalse(validator::is_date_or_empty('2025-02-29'));
        $this->assertFalse(validator::is_date_or_empty('2025-1-01'));
        $this->assertFalse(validator::is_date_or_empty('2025-01-01T00:00:00'));
    }

    /**
     * Money, percentages, grade letters and criterion codes.
     */
    public function test_values(): void {
        $this->assertTrue(validator::is_money_or_empty(''));
        $this->assertTrue(validator::is_money_or_empty('4400.00'));
        $this->assertFalse(validator::is_money_or_empty('4400$'));
        $this->assertTrue(validator::is_percentage_or_empty('100'));
        $this->assertTrue(validator::is_percentage_or_empty('12.5'));
        $this->assertFalse(validator::is_percentage_or_empty('100.01'));
        $this->assertFalse(validator::is_percentage_or_empty('-1'));
        foreach (['D', 'M', 'P', 'R', 'RR', 'F', ''] as $letter) {
            $this->assertTrue(validator::is_grade_letter($letter), $letter);
        }
        $this->assertFalse(validator::is_grade_letter('Pass'));
        $this->assertFalse(validator::is_grade_letter('d'));
        $this->assertTrue(validator::is_criterion_code('P20'));
        $this->assertTrue(validator::is_criterion_code('M9'));
        $this->assertFalse(validator::is_criterion_code('P0'));
        $this->assertFalse(validator::is_criterion_code('X1'));
        $this->assertSame('merit', validator::criterion_level('M3'));
        $this->assertSame('distinction', validator::criterion_level('D1'));
    }

    /**
     * Ids repeated in one batch are found.
     */
    public function test_duplicates(): void {
        $this->assertSame(['5000000000000000001' => true],
            validator::duplicates(['5000000000000000001', '5000000000000000002', '5000000000000000001']));
        $this->assertSame([], validator::duplicates(['1', '2']));
    }
}
