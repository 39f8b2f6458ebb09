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
 * Which hat a grader wears, from the shortnames of the roles they hold where they graded.
 *
 * `iv` when one of them is the internal-verifier role (a setting, default `internalverifier`),
 * else `teacher` when one is a teacher role, else `other`. Pure PHP.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class grade_role {
    /** @var string The grader holds the internal-verifier role. */
    public const IV = 'iv';

    /** @var string The grader holds a teacher role. */
    public const TEACHER = 'teacher';

    /** @var string Anyone else (a manager, an admin, the system). */
    public const OTHER = 'other';

    /** @var string[] Shortnames of Moodle's standard teacher roles. */
    public const TEACHER_SHORTNAMES = ['editingteacher', 'teacher'];

    /**
     * Classifies a grader.
     *
     * @param string[] $shortnames Role shortnames the grader holds in the activity's context or above.
     * @param string $ivshortname The internal-verifier role's shortname; '' disables the check.
     * @return string One of the class constants.
     */
    public static function classify(array $shortnames, string $ivshortname): string {
        $held = array_map(fn($name) => strtolower(trim((string) $name)), $shortnames);
        $ivshortname = strtolower(trim($ivshortname));
        if ($ivshortname !== '' && in_array($ivshortname, $held, true)) {
            return self::IV;
        }
        if (array_intersect(self::TEACHER_SHORTNAMES, $held)) {
            return self::TEACHER;
        }
        return self::OTHER;
    }
}
