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

namespace local_zohosync\local;

/**
 * Exact money arithmetic on integer minor units (cents); never floats, no bcmath.
 *
 * Amounts travel as decimal strings ("4400.00", "-12.5", "0") and are stored in
 * `number(12,2)` columns, which the database returns as strings. Pure PHP, unit-tested
 * with plain PHPUnit.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class money {
    /** @var string An amount as accepted from the service: at most 10 integer digits and 2 decimals. */
    public const PATTERN = '/^(-)?(\d{1,10})(?:\.(\d{1,2}))?$/';

    /**
     * Whether a string is an amount this plugin accepts.
     *
     * @param string $amount The candidate amount.
     * @return bool
     */
    public static function is_valid(string $amount): bool {
        return preg_match(self::PATTERN, $amount) === 1;
    }

    /**
     * Parses a decimal string into cents.
     *
     * @param string $amount "4400.00", "-12.5", "7".
     * @return int The amount in cents.
     * @throws \InvalidArgumentException When the string is not an accepted amount.
     */
    public static function to_cents(string $amount): int {
        if (!preg_match(self::PATTERN, $amount, $m)) {
            throw new \InvalidArgumentException('Not a decimal amount with at most 2 decimals.');
        }
        $fraction = str_pad($m[3] ?? '', 2, '0');
        $cents = ((int) $m[2]) * 100 + (int) $fraction;
        return $m[1] === '-' ? -$cents : $cents;
    }

    /**
     * Formats cents as a canonical decimal string with two decimals ("4400.00", "-0.50").
     *
     * @param int $cents The amount in cents.
     * @return string
     */
    public static function from_cents(int $cents): string {
        $sign = $cents < 0 ? '-' : '';
        $abs = abs($cents);
        return $sign . intdiv($abs, 100) . '.' . str_pad((string) ($abs % 100), 2, '0', STR_PAD_LEFT);
    }

    /**
     * The canonical form of an amount ("4400.5" → "4400.50").
     *
     * @param string $amount An accepted amount.
     * @return string
     * @throws \InvalidArgumentException When the string is not an accepted amount.
     */
    public static function normalise(string $amount): string {
        return self::from_cents(self::to_cents($amount));
    }

    /**
     * Formats cents for people: thousands grouped with commas ("4,400.00").
     *
     * @param int $cents The amount in cents.
     * @return string
     */
    public static function display(int $cents): string {
        $sign = $cents < 0 ? '-' : '';
        $abs = abs($cents);
        $units = (string) intdiv($abs, 100);
        $grouped = ltrim(strrev(implode(',', str_split(strrev($units), 3))), ',');
        return $sign . $grouped . '.' . str_pad((string) ($abs % 100), 2, '0', STR_PAD_LEFT);
    }

    /**
     * Sums amounts given as decimal strings; null and '' count as zero.
     *
     * @param array<int, string|null> $amounts The amounts.
     * @return int The sum in cents.
     * @throws \InvalidArgumentException When an amount is malformed.
     */
    public static function sum(array $amounts): int {
        $total = 0;
        foreach ($amounts as $amount) {
            if ($amount === null || $amount === '') {
                continue;
            }
            $total += self::to_cents((string) $amount);
        }
        return $total;
    }
}
