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

use local_zohosync\local\finance_summary;
use PHPUnit\Framework\TestCase;

/**
 * Tests of the derived finance figures.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\finance_summary
 */
final class finance_summary_test extends TestCase {
    /**
     * Total = installments, paid = payments not voided, balance = total − paid, overdue by date and status.
     */
    public function test_totals_paid_balance_and_overdue(): void {
        $installments = [
            ['amount' => '1000.00', 'duedate' => '2026-01-15', 'status' => 'Paid'],
            ['amount' => '1000.00', 'duedate' => '2026-02-15', 'status' => 'Pending'],
            ['amount' => '1200.50', 'duedate' => '2026-12-15', 'status' => 'Pending'],
        ];
        $payments = [
            ['amount' => '1000.00', 'voided' => 0],
            ['amount' => '500.25', 'voided' => 0],
            ['amount' => '9999.00', 'voided' => 1],
        ];
        $summary = finance_summary::compute($installments, $payments, '2026-03-01');
        $this->assertSame(320050, $summary['totalcents']);
        $this->assertSame(150025, $summary['paidcents']);
        $this->assertSame(170025, $summary['balancecents']);
        $this->assertSame(1, $summary['overduecount']);
        $this->assertSame(100000, $summary['overduecents']);
        $this->assertSame(46, $summary['progresspercent']);
        $this->assertSame([false, true, false], $summary['overdue']);
    }

    /**
     * Overpaying never gives a negative balance, and progress stops at 100 %.
     */
    public function test_overpaid(): void {
        $summary = finance_summary::compute(
            [['amount' => '100.00', 'duedate' => '2026-01-01', 'status' => 'paid']],
            [['amount' => '150.00', 'voided' => false]],
            '2026-06-01'
        );
        $this->assertSame(0, $summary['balancecents']);
        $this->assertSame(100, $summary['progresspercent']);
        $this->assertSame(0, $summary['overduecount']);
    }

    /**
     * No installments: everything zero; the due date itself is not yet overdue.
     */
    public function test_empty_and_due_today(): void {
        $summary = finance_summary::compute([], [], '2026-06-01');
        $this->assertSame(0, $summary['totalcents']);
        $this->assertSame(0, $summary['progresspercent']);
        $this->assertFalse(finance_summary::is_overdue('2026-06-01', 'Pending', '2026-06-01'));
        $this->assertTrue(finance_summary::is_overdue('2026-05-31', 'Pending', '2026-06-01'));
        $this->assertFalse(finance_summary::is_overdue(null, 'Pending', '2026-06-01'));
        $this->assertFalse(finance_summary::is_overdue('2026-05-31', ' PAID ', '2026-06-01'));
    }
}
