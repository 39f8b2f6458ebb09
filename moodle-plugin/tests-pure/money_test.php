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

use local_zohosync\local\money;
use PHPUnit\Framework\TestCase;

/**
 * Tests of exact money arithmetic.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\money
 */
final class money_test extends TestCase {
    /**
     * Decimal strings become cents exactly.
     *
     * @dataProvider amounts
     * @param string $amount The input.
     * @param int $cents The expected cents.
     * @param string $canonical The expected canonical form.
     */
    public function test_parses_and_normalises(string $amount, int $cents, string $canonical): void {
        $this->assertTrue(money::is_valid($amount));
        $this->assertSame($cents, money::to_cents($amount));
        $this->assertSame($canonical, money::normalise($amount));
    }

    /**
     * Accepted amounts.
     *
     * @return array
     */
    public static function amounts(): array {
        return [
            'two decimals' => ['4400.00', 440000, '4400.00'],
            'one decimal' => ['4400.5', 440050, '4400.50'],
            'integer' => ['7', 700, '7.00'],
            'zero' => ['0', 0, '0.00'],
            'small negative' => ['-0.50', -50, '-0.50'],
            'negative' => ['-12.05', -1205, '-12.05'],
            'ten digits' => ['9999999999.99', 999999999999, '9999999999.99'],
        ];
    }

    /**
     * Garbage and ambiguous forms are refused, never guessed.
     *
     * @dataProvider invalid_amounts
     * @param string $amount The input.
     */
    public function test_refuses_invalid_amounts(string $amount): void {
        $this->assertFalse(money::is_valid($amount));
        $this->expectException(\InvalidArgumentException::class);
        money::to_cents($amount);
    }

    /**
     * Refused amounts.
     *
     * @return array
     */
    public static function invalid_amounts(): array {
        return [
            'empty' => [''], 'three decimals' => ['1.005'], 'comma decimal' => ['4400,50'],
            'grouped' => ['4,400.00'], 'currency mark' => ['4400$'], 'exponent' => ['1e3'],
            'plus' => ['+5'], 'leading dot' => ['.5'], 'trailing dot' => ['5.'], 'eleven digits' => ['12345678901'],
            'spaces' => [' 5'],
        ];
    }

    /**
     * The classic float trap: 0.1 + 0.2 is exactly 0.30 here.
     */
    public function test_sums_without_float_error(): void {
        $this->assertSame(30, money::sum(['0.1', '0.2']));
        $this->assertSame('0.30', money::from_cents(money::sum(['0.10', '0.20'])));
        $this->assertSame(1000001, money::sum(['10000.00', null, '', '0.01']));
    }

    /**
     * Display groups thousands and keeps two decimals.
     */
    public function test_display(): void {
        $this->assertSame('0.00', money::display(0));
        $this->assertSame('4,400.00', money::display(440000));
        $this->assertSame('1,234,567.89', money::display(123456789));
        $this->assertSame('-999.05', money::display(-99905));
        $this->assertSame('-0.50', money::from_cents(-50));
    }
}
