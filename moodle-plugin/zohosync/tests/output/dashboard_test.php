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


namespace local_zohosync\output;

use local_zohosync\external\upsert_grades;
use local_zohosync\external\upsert_payments;
use local_zohosync\external\upsert_registrations;
use local_zohosync\external\upsert_units;
use local_zohosync\local\dashboard_repository;

/**
 * What the dashboard shows: exact money figures, an unscheduled registration, grade words and unit progress
 * (run under moodle-plugin-ci).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\output\dashboard
 * @covers     \local_zohosync\local\dashboard_repository
 */
final class dashboard_test extends \advanced_testcase {
    /**
     * Stores records through the web-service functions as a user allowed to.
     *
     * @param string $class The external class.
     * @param array $records The records.
     */
    private function store(string $class, array $records): void {
        global $USER;
        $previous = $USER;
        $user = $this->getDataGenerator()->create_user();
        $roleid = $this->getDataGenerator()->create_role();
        assign_capability('local/zohosync:managedata', CAP_ALLOW, $roleid, \context_system::instance());
        role_assign($roleid, $user->id, \context_system::instance());
        $this->setUser($user);
        $result = $class::execute($records);
        foreach ($result['results'] as $one) {
            $this->assertContains($one['status'], ['created', 'updated', 'unchanged'], json_encode($one));
        }
        $this->setUser($previous);
    }

    /**
     * The dashboard's template data for a student, as of 2026-12-04.
     *
     * @param \stdClass $student The student.
     * @return array
     */
    private function export(\stdClass $student): array {
        global $PAGE;
        $dashboard = new dashboard($student, true, dashboard_repository::load((int) $student->id), '2026-12-04');
        return $dashboard->export_for_template($PAGE->get_renderer('local_zohosync'));
    }

    /**
     * Installments make the total; a voided payment is not paid; one installment is overdue.
     */
    public function test_scheduled_registration(): void {
        $this->resetAfterTest();
        $student = $this->getDataGenerator()->create_user();
        $this->store(upsert_registrations::class, [['zohoid' => '9300000000000000001', 'userid' => $student->id,
            'programname' => 'HND', 'currency' => 'USD', 'programprice' => '4400.00', 'installments' => [
                ['installmentno' => 1, 'duedate' => '2026-09-01', 'amount' => '1500.00', 'status' => 'Paid'],
                ['installmentno' => 2, 'duedate' => '2026-11-01', 'amount' => '1500.00', 'status' => 'Pending'],
                ['installmentno' => 3, 'duedate' => '2027-02-01', 'amount' => '1400.00', 'status' => 'Pending'],
            ]]]);
        $this->store(upsert_payments::class, [
            ['zohoid' => '9400000000000000001', 'userid' => $student->id, 'registrationzohoid' => '9300000000000000001',
                'amount' => '1500.00', 'voided' => false],
            ['zohoid' => '9400000000000000002', 'userid' => $student->id, 'registrationzohoid' => '9300000000000000001',
                'amount' => '800.00', 'voided' => true],
        ]);
        $program = $this->export($student)['programs'][0];
        $this->assertTrue($program['hasinstallments']);
        $this->assertSame('4,400.00 USD', $program['total']);
        $this->assertSame('1,500.00 USD', $program['paid']);
        $this->assertSame('2,900.00 USD', $program['balance']);
        $this->assertSame(34, $program['progress']);
        $this->assertSame(1, $program['overduecount']);
        $this->assertSame([false, true, false], array_column($program['installments'], 'overdue'));
    }

    /**
     * No installments: the price is shown, and no 0.00 total, balance or progress is offered.
     */
    public function test_unscheduled_registration(): void {
        $this->resetAfterTest();
        $student = $this->getDataGenerator()->create_user();
        $this->store(upsert_registrations::class, [['zohoid' => '9300000000000000002', 'userid' => $student->id,
            'programname' => 'L3', 'currency' => 'USD', 'programprice' => '2500.00', 'installments' => []]]);
        $program = $this->export($student)['programs'][0];
        $this->assertFalse($program['hasinstallments']);
        $this->assertTrue($program['hasprice']);
        $this->assertSame('2,500.00 USD', $program['price']);
        $this->assertFalse($program['haspaid']);
    }

    /**
     * Letters come with their words; the latest attempt of a unit with a template gets the progress picture, which
     * says what the next grade needs; earlier attempts and units without a template get none.
     */
    public function test_grade_words_and_unit_progress(): void {
        $this->resetAfterTest();
        $student = $this->getDataGenerator()->create_user();
        $this->store(upsert_units::class, [['zohoid' => '9100000000000000001', 'name' => 'Unit 2: Networking',
            'unitcode' => 'U2', 'criteria' => [['code' => 'P1', 'description' => 'Examine'],
                ['code' => 'P2', 'description' => 'Explain'], ['code' => 'M1', 'description' => 'Compare'],
                ['code' => 'D1', 'description' => 'Evaluate']]]]);
        $lo = fn(string $code, bool $achieved) => ['code' => $code, 'achieved' => $achieved];
        $this->store(upsert_grades::class, [
            ['zohoid' => '9500000000000000001', 'userid' => $student->id, 'classname' => 'Networking',
                'unitname' => 'unit 2: networking ', 'grade' => 'R', 'gradestatus' => 'Released', 'attemptno' => 1,
                'attemptdate' => '2026-10-01', 'learningoutcomes' => [$lo('P1', true), $lo('P2', false)]],
            ['zohoid' => '9500000000000000002', 'userid' => $student->id, 'classname' => 'Networking',
                'unitname' => 'Unit 2: Networking', 'grade' => 'P', 'gradestatus' => 'Released', 'attemptno' => 2,
                'attemptdate' => '2026-11-01', 'learningoutcomes' => [$lo('P1', true), $lo('P2', true)]],
            ['zohoid' => '9500000000000000003', 'userid' => $student->id, 'classname' => 'Networking',
                'unitname' => 'Unit 7: No template', 'grade' => 'M', 'gradestatus' => 'Released', 'attemptno' => 1,
                'attemptdate' => '2026-09-01', 'learningoutcomes' => [$lo('P1', true)]],
            ['zohoid' => '9500000000000000004', 'userid' => $student->id, 'classname' => 'Networking',
                'unitname' => 'Unit 2: Networking', 'grade' => 'D', 'gradestatus' => 'Draft', 'attemptno' => 3,
                'attemptdate' => '2026-12-01', 'learningoutcomes' => [$lo('P1', true), $lo('P2', true), $lo('M1', true)]],
        ]);
        $grades = [];
        foreach ($this->export($student)['classes'][0]['grades'] as $grade) {
            $grades[$grade['letter']] = $grade;
        }
        $this->assertSame(['P', 'R', 'M'], array_keys($grades), 'released only, newest first');
        $this->assertSame('Pass', $grades['P']['lettername']);
        $this->assertSame('Refer', $grades['R']['lettername']);
        $this->assertSame('badge-primary', $grades['P']['badgeclass']);
        $this->assertFalse($grades['R']['hasprogress'], 'an earlier attempt');
        $this->assertFalse($grades['M']['hasprogress'], 'no template');
        $this->assertTrue($grades['P']['hasprogress']);
        $progress = $grades['P']['progress'];
        $this->assertSame(['P', 'M', 'D'], array_column($progress['levels'], 'letter'));
        $this->assertSame([true, true], array_column($progress['levels'][0]['criteria'], 'achieved'));
        $this->assertSame('For Merit you still need M1.', $progress['nexttext']);
        $this->assertSame([['code' => 'M1', 'description' => 'Compare']], $progress['missing']);
    }
}
