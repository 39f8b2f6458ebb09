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
 * What a unit's criteria say: which of P1…, M1…, D1… are achieved and what the next grade still needs. Pure PHP.
 *
 * BTEC rule: a Pass needs every P criterion of the unit, a Merit every P and M, a Distinction every P, M and D.
 * The picture shows criteria only; the grade letter awarded by the assessor stays the official result.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class unit_progress {
    /** @var string[] Criterion letter => grade letter of the level, lowest level first. */
    public const LEVELS = ['P' => 'P', 'M' => 'M', 'D' => 'D'];

    /**
     * Computes the progress of one unit.
     *
     * @param string[] $criteria The unit template's criterion codes (e.g. P1, P2, M1, D1), any order.
     * @param string[] $achieved Codes achieved in the student's assessment (any case); codes not in the template are
     *      ignored, because only the template says what a grade needs.
     * @return array{levels: array<string, array{criteria: array<int, array{code: string, achieved: bool}>,
     *     achievedcount: int, total: int, complete: bool}>, reached: ?string, next: ?string, missing: string[]}
     *     levels keyed P, M, D (only levels the template has); reached = highest level whose criteria and all lower
     *     ones are achieved (null = not even Pass); next = the first level not complete (null = all complete);
     *     missing = the codes of that level not achieved yet.
     */
    public static function compute(array $criteria, array $achieved): array {
        $achievedset = array_fill_keys(array_map([self::class, 'normalise'], $achieved), true);
        $levels = [];
        foreach (self::sorted(array_map([self::class, 'normalise'], $criteria)) as $code) {
            $letter = $code[0];
            $levels[$letter]['criteria'][] = ['code' => $code, 'achieved' => isset($achievedset[$code])];
        }
        $reached = null;
        $next = null;
        $missing = [];
        foreach ($levels as $letter => &$level) {
            $level['total'] = count($level['criteria']);
            $level['achievedcount'] = count(array_filter($level['criteria'], fn($c) => $c['achieved']));
            $level['complete'] = $level['achievedcount'] === $level['total'];
            if ($next !== null) {
                continue;
            }
            if ($level['complete']) {
                $reached = self::LEVELS[$letter];
            } else {
                $next = self::LEVELS[$letter];
                $missing = array_values(array_map(fn($c) => $c['code'],
                    array_filter($level['criteria'], fn($c) => !$c['achieved'])));
            }
        }
        unset($level);
        return ['levels' => $levels, 'reached' => $reached, 'next' => $next, 'missing' => $missing];
    }

    /**
     * Whether a code is a criterion code: P, M or D followed by a number (1 to 99).
     *
     * @param string $code The code, already normalised.
     * @return bool
     */
    public static function is_criterion(string $code): bool {
        return preg_match('/^[PMD][1-9]\d?$/', $code) === 1;
    }

    /**
     * A code as compared: trimmed, upper case.
     *
     * @param mixed $code The code.
     * @return string
     */
    private static function normalise($code): string {
        return strtoupper(trim((string) $code));
    }

    /**
     * Valid, distinct codes in the order P1…P20, M1…M9, D1…D6 (numeric, so P10 comes after P9).
     *
     * @param string[] $codes Normalised codes.
     * @return string[]
     */
    private static function sorted(array $codes): array {
        $codes = array_values(array_unique(array_filter($codes, [self::class, 'is_criterion'])));
        $rank = array_flip(array_keys(self::LEVELS));
        usort($codes, fn($a, $b) => [$rank[$a[0]], (int) substr($a, 1)] <=> [$rank[$b[0]], (int) substr($b, 1)]);
        return $codes;
    }
}
