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

use local_zohosync\local\unit_progress;
use PHPUnit\Framework\TestCase;

/**
 * Tests of the unit progress picture's logic: achieved criteria and what the next grade needs.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\unit_progress
 */
final class unit_progress_test extends TestCase {
    /** @var string[] A template: P1–P4, M1–M2, D1, given out of order. */
    private const TEMPLATE = ['M2', 'P2', 'D1', 'P1', 'M1', 'P4', 'P3'];

    /**
     * The codes of one level, as computed.
     *
     * @param array $result From unit_progress::compute().
     * @param string $letter P, M or D.
     * @return array<string, bool> Code => achieved.
     */
    private function level(array $result, string $letter): array {
        return array_column($result['levels'][$letter]['criteria'], 'achieved', 'code');
    }

    /**
     * All P and one M achieved: Pass reached, Merit next, M2 missing; levels in order P, M, D.
     */
    public function test_pass_reached_merit_next(): void {
        $result = unit_progress::compute(self::TEMPLATE, ['P1', 'P2', 'P3', 'P4', 'M1']);
        $this->assertSame(['P', 'M', 'D'], array_keys($result['levels']));
        $this->assertSame(['P1' => true, 'P2' => true, 'P3' => true, 'P4' => true], $this->level($result, 'P'));
        $this->assertSame(['M1' => true, 'M2' => false], $this->level($result, 'M'));
        $this->assertSame(['D1' => false], $this->level($result, 'D'));
        $this->assertSame('P', $result['reached']);
        $this->assertSame('M', $result['next']);
        $this->assertSame(['M2'], $result['missing']);
        $this->assertSame(4, $result['levels']['P']['achievedcount']);
        $this->assertSame(4, $result['levels']['P']['total']);
        $this->assertTrue($result['levels']['P']['complete']);
        $this->assertSame(1, $result['levels']['M']['achievedcount']);
        $this->assertFalse($result['levels']['M']['complete']);
    }

    /**
     * Merit and Distinction criteria do not count while a Pass criterion is missing: Pass is next.
     */
    public function test_missing_pass_criterion_comes_first(): void {
        $result = unit_progress::compute(self::TEMPLATE, ['P1', 'P3', 'P4', 'M1', 'M2', 'D1']);
        $this->assertNull($result['reached']);
        $this->assertSame('P', $result['next']);
        $this->assertSame(['P2'], $result['missing']);
        $this->assertTrue($result['levels']['D']['complete'], 'the D tile is still shown as achieved');
    }

    /**
     * Everything achieved: Distinction reached, nothing next, nothing missing.
     */
    public function test_all_achieved(): void {
        $result = unit_progress::compute(self::TEMPLATE, self::TEMPLATE);
        $this->assertSame('D', $result['reached']);
        $this->assertNull($result['next']);
        $this->assertSame([], $result['missing']);
    }

    /**
     * Nothing achieved: Pass next, every P missing in numeric order.
     */
    public function test_nothing_achieved(): void {
        $result = unit_progress::compute(self::TEMPLATE, []);
        $this->assertNull($result['reached']);
        $this->assertSame('P', $result['next']);
        $this->assertSame(['P1', 'P2', 'P3', 'P4'], $result['missing']);
    }

    /**
     * Codes compare trimmed and case-insensitively; outcome codes not in the template are ignored; P10 follows P9.
     */
    public function test_normalising_ordering_and_unknown_codes(): void {
        $template = ['P10', 'p9 ', 'P1', 'P1', 'LO1', 'X1', 'M1'];
        $result = unit_progress::compute($template, [' p10', 'p9', 'p1', 'LO1', 'D3']);
        $this->assertSame(['P1' => true, 'P9' => true, 'P10' => true], $this->level($result, 'P'));
        $this->assertSame(['P', 'M'], array_keys($result['levels']), 'only real criterion codes, no D level');
        $this->assertSame('P', $result['reached']);
        $this->assertSame('M', $result['next']);
        $this->assertSame(['M1'], $result['missing']);
    }

    /**
     * A template without Distinction criteria: all P and M achieved means nothing is left.
     */
    public function test_template_without_distinction(): void {
        $result = unit_progress::compute(['P1', 'M1'], ['P1', 'M1']);
        $this->assertSame('M', $result['reached']);
        $this->assertNull($result['next']);
    }

    /**
     * An empty template has no levels (the dashboard then draws no picture).
     */
    public function test_empty_template(): void {
        $result = unit_progress::compute([], ['P1']);
        $this->assertSame([], $result['levels']);
        $this->assertNull($result['reached']);
        $this->assertNull($result['next']);
    }

    /**
     * Criterion codes: P, M or D and 1 to 99.
     */
    public function test_is_criterion(): void {
        foreach (['P1', 'M9', 'D6', 'P20'] as $code) {
            $this->assertTrue(unit_progress::is_criterion($code), $code);
        }
        foreach (['P0', 'LO1', 'p1', 'P', 'P100', ''] as $code) {
            $this->assertFalse(unit_progress::is_criterion($code), $code);
        }
    }
}
