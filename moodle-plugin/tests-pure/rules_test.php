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

use local_zohosync\local\delivery_outcome;
use local_zohosync\local\grade_role;
use PHPUnit\Framework\TestCase;

/**
 * Tests of the grader-role and delivery-outcome rules.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\grade_role
 * @covers     \local_zohosync\local\delivery_outcome
 */
final class rules_test extends TestCase {
    /**
     * IV wins over teacher; teacher roles are recognised; anything else is other.
     *
     * @dataProvider roles
     * @param string[] $shortnames Roles held.
     * @param string $ivshortname The setting.
     * @param string $expected The classification.
     */
    public function test_grade_role(array $shortnames, string $ivshortname, string $expected): void {
        $this->assertSame($expected, grade_role::classify($shortnames, $ivshortname));
    }

    /**
     * Role cases.
     *
     * @return array
     */
    public static function roles(): array {
        return [
            'iv and teacher' => [['editingteacher', 'internalverifier'], 'internalverifier', 'iv'],
            'iv, other case' => [['InternalVerifier'], 'internalverifier', 'iv'],
            'custom iv role' => [['verifier'], 'verifier', 'iv'],
            'editing teacher' => [['editingteacher'], 'internalverifier', 'teacher'],
            'non-editing teacher' => [['teacher', 'student'], 'internalverifier', 'teacher'],
            'manager' => [['manager'], 'internalverifier', 'other'],
            'nothing' => [[], 'internalverifier', 'other'],
            'iv check disabled' => [['internalverifier'], '', 'other'],
        ];
    }

    /**
     * The service's answers map to done / retry / fail.
     *
     * @dataProvider statuses
     * @param int|null $status HTTP status or null for no answer.
     * @param string $expected The outcome.
     */
    public function test_delivery_outcome(?int $status, string $expected): void {
        $this->assertSame($expected, delivery_outcome::classify($status));
    }

    /**
     * Status cases (moodle-plugin/README.md, "Answers").
     *
     * @return array
     */
    public static function statuses(): array {
        return [
            'accepted' => [202, 'done'], 'duplicate' => [200, 'done'], 'no answer' => [null, 'retry'],
            'timeout' => [408, 'retry'], 'rate limited' => [429, 'retry'], 'unavailable' => [503, 'retry'],
            'server error' => [500, 'retry'], 'bad gateway' => [502, 'retry'], 'bad request' => [400, 'fail'],
            'bad signature' => [401, 'fail'], 'unknown entity' => [404, 'fail'], 'too large' => [413, 'fail'],
            'content type' => [415, 'fail'], 'redirect' => [301, 'fail'], 'gone' => [410, 'fail'],
        ];
    }
}
