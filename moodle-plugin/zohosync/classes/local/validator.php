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
 * Field checks shared by the web-service functions. Pure PHP.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class validator {
    /** @var string[] Values of the Zoho `BTEC_Grades.Grade` picklist, plus '' for no grade. */
    public const GRADE_LETTERS = ['', 'D', 'M', 'P', 'R', 'RR', 'F', 'Mapped'];

    /**
     * A Zoho record id: digits only, at most 20 (they are 19-digit numbers sent as strings).
     *
     * @param string $value The candidate.
     * @return bool
     */
    public static function is_zoho_id(string $value): bool {
        return preg_match('/^\d{1,20}$/', $value) === 1;
    }

    /**
     * A calendar date YYYY-MM-DD, or '' for none.
     *
     * @param string $value The candidate.
     * @return bool
     */
    public static function is_date_or_empty(string $value): bool {
        if ($value === '') {
            return true;
        }
        if (!preg_match('/^(\d{4})-(\d{2})-(\d{2})$/', $value, $m)) {
            return false;
        }
        return checkdate((int) $m[2], (int) $m[3], (int) $m[1]);
    }

    /**
     * An amount ("4400.00") or '' for none.
     *
     * @param string $value The candidate.
     * @return bool
     */
    public static function is_money_or_empty(string $value): bool {
        return $value === '' || money::is_valid($value);
    }

    /**
     * A percentage 0–100 with at most 2 decimals, or '' for none.
     *
     * @param string $value The candidate.
     * @return bool
     */
    public static function is_percentage_or_empty(string $value): bool {
        if ($value === '') {
            return true;
        }
        if (!preg_match('/^\d{1,3}(\.\d{1,2})?$/', $value)) {
            return false;
        }
        return money::to_cents($value) <= 10000;
    }

    /**
     * A BTEC grade letter as Zoho stores it.
     *
     * @param string $value The candidate.
     * @return bool
     */
    public static function is_grade_letter(string $value): bool {
        return in_array($value, self::GRADE_LETTERS, true);
    }

    /**
     * A BTEC criterion code: P1…P99, M1…M99, D1…D99.
     *
     * @param string $value The candidate.
     * @return bool
     */
    public static function is_criterion_code(string $value): bool {
        return preg_match('/^[PMD][1-9]\d?$/', $value) === 1;
    }

    /**
     * The level of a criterion code.
     *
     * @param string $code A valid criterion code.
     * @return string pass, merit or distinction.
     */
    public static function criterion_level(string $code): string {
        return ['P' => 'pass', 'M' => 'merit', 'D' => 'distinction'][$code[0]];
    }

    /**
     * The ids that occur more than once in a batch.
     *
     * @param string[] $ids The ids in request order.
     * @return array<string, true> Duplicate id => true.
     */
    public static function duplicates(array $ids): array {
        $duplicates = [];
        foreach (array_count_values(array_map('strval', $ids)) as $id => $count) {
            if ($count > 1) {
                $duplicates[(string) $id] = true;
            }
        }
        return $duplicates;
    }
}
