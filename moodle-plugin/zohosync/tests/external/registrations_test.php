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

namespace local_zohosync\external;

use core_external\external_api;

/**
 * Tests of local_zohosync_upsert_registrations and local_zohosync_delete_registrations (run under moodle-plugin-ci).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\external\upsert_registrations
 * @covers     \local_zohosync\external\delete_registrations
 */
final class registrations_test extends \advanced_testcase {
    /**
     * A user allowed to call the functions.
     */
    private function login_integration_user(): void {
        $user = $this->getDataGenerator()->create_user();
        $roleid = $this->getDataGenerator()->create_role();
        assign_capability('local/zohosync:managedata', CAP_ALLOW, $roleid, \context_system::instance());
        role_assign($roleid, $user->id, \context_system::instance());
        $this->setUser($user);
    }

    /**
     * Same upsert twice: one row, "created" then "unchanged"; a change gives "updated"; delete removes it.
     */
    public function test_idempotent_upsert_and_delete(): void {
        global $DB;
        $this->resetAfterTest();
        $student = $this->getDataGenerator()->create_user();
        $this->login_integration_user();
        $record = ['zohoid' => '5000000000000000101', 'userid' => $student->id, 'programname' => 'BTEC L5 Computing',
            'currency' => 'USD', 'installments' => [
                ['installmentno' => 1, 'duedate' => '2026-02-01', 'amount' => '1000.00', 'status' => 'Paid'],
                ['installmentno' => 2, 'duedate' => '2026-03-01', 'amount' => '1000.5', 'status' => 'Pending'],
            ]];
        $first = external_api::clean_returnvalue(upsert_registrations::execute_returns(),
            upsert_registrations::execute([$record]));
        $this->assertSame('created', $first['results'][0]['status']);
        $second = external_api::clean_returnvalue(upsert_registrations::execute_returns(),
            upsert_registrations::execute([$record]));
        $this->assertSame('unchanged', $second['results'][0]['status']);
        $this->assertSame(1, $DB->count_records('local_zohosync_registration'));
        $this->assertSame('1000.50', (string) $DB->get_field('local_zohosync_installment', 'amount', ['installmentno' => 2]));

        $record['installments'][1]['status'] = 'Paid';
        $third = upsert_registrations::execute([$record]);
        $this->assertSame('updated', $third['results'][0]['status']);

        $deleted = delete_registrations::execute(['5000000000000000101', '5000000000000000999']);
        $this->assertSame(['deleted', 'notfound'], array_column($deleted['results'], 'status'));
        $this->assertSame(0, $DB->count_records('local_zohosync_installment'));
    }

    /**
     * Invalid records are reported one by one; floats-as-text and unknown users are refused.
     */
    public function test_invalid_records(): void {
        $this->resetAfterTest();
        $student = $this->getDataGenerator()->create_user();
        $this->login_integration_user();
        $result = upsert_registrations::execute([
            ['zohoid' => '5000000000000000102', 'userid' => $student->id, 'programprice' => '4400$'],
            ['zohoid' => '5000000000000000103', 'userid' => 999999],
            ['zohoid' => '5000000000000000104', 'userid' => $student->id, 'registrationdate' => '2026-02-30'],
        ]);
        $this->assertSame(['invalid', 'invalid', 'invalid'], array_column($result['results'], 'status'));
        $this->assertSame(['invalidfield', 'usernotfound', 'invalidfield'], array_column($result['results'], 'errorcode'));
    }

    /**
     * Without the capability the call is refused.
     */
    public function test_requires_capability(): void {
        $this->resetAfterTest();
        $this->setUser($this->getDataGenerator()->create_user());
        $this->expectException(\required_capability_exception::class);
        upsert_registrations::execute([]);
    }
}
