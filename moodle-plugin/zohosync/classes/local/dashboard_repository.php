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
 * Reads one student's dashboard data from the plugin's tables.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class dashboard_repository {
    /** @var string The Grade_Status value of grades a student may see. */
    public const RELEASED = 'Released';

    /**
     * Everything the dashboard shows for a user.
     *
     * @param int $userid The student.
     * @return array finance (row or null), registrations (with installments and payments), payments, grades (with
     *      learning outcomes, released only), units (the unit templates of those grades, with their criteria).
     */
    public static function load(int $userid): array {
        global $DB;
        $finance = $DB->get_records('local_zohosync_finance', ['userid' => $userid], 'timemodified DESC, id DESC', '*', 0, 1);
        $registrations = $DB->get_records('local_zohosync_registration', ['userid' => $userid],
            'registrationdate DESC, id DESC');
        $installments = [];
        if ($registrations) {
            [$insql, $params] = $DB->get_in_or_equal(array_keys($registrations));
            foreach ($DB->get_records_select('local_zohosync_installment', "registrationid $insql", $params,
                    'registrationid, installmentno') as $installment) {
                $installments[$installment->registrationid][] = $installment;
            }
        }
        $payments = $DB->get_records('local_zohosync_payment', ['userid' => $userid], 'paymentdate DESC, id DESC');
        $paymentsbyregistration = [];
        foreach ($payments as $payment) {
            $paymentsbyregistration[(string) $payment->registrationzohoid][] = $payment;
        }
        foreach ($registrations as $registration) {
            $registration->installments = $installments[$registration->id] ?? [];
            $registration->payments = $paymentsbyregistration[(string) $registration->zohoid] ?? [];
        }

        $grades = $DB->get_records('local_zohosync_grade', ['userid' => $userid, 'gradestatus' => self::RELEASED],
            'classname, attemptdate DESC, id DESC');
        $outcomes = [];
        if ($grades) {
            [$insql, $params] = $DB->get_in_or_equal(array_keys($grades));
            foreach ($DB->get_records_select('local_zohosync_grade_lo', "gradeid $insql", $params, 'gradeid, sortorder, id')
                    as $outcome) {
                $outcomes[$outcome->gradeid][] = $outcome;
            }
        }
        $coursenames = [];
        $courseids = array_filter(array_unique(array_map(fn($g) => (int) $g->courseid, $grades)));
        if ($courseids) {
            $coursenames = $DB->get_records_list('course', 'id', $courseids, '', 'id, fullname');
        }
        foreach ($grades as $grade) {
            $grade->outcomes = $outcomes[$grade->id] ?? [];
            $grade->coursename = isset($coursenames[$grade->courseid]) ? $coursenames[$grade->courseid]->fullname : null;
        }

        return [
            'finance' => $finance ? reset($finance) : null,
            'registrations' => array_values($registrations),
            'payments' => array_values($payments),
            'grades' => array_values($grades),
            'units' => self::units_of($grades),
        ];
    }

    /**
     * The key a grade's unit and a unit template are matched on: the grade's BTEC_Unit text, trimmed and in lower
     * case, equal to the template's name or its unit code (Zoho sends the unit as text, not as a record id).
     *
     * @param string|null $text A grade's unitname, or a template's name or unitcode.
     * @return string '' when there is nothing to match on.
     */
    public static function unit_key(?string $text): string {
        return \core_text::strtolower(trim((string) $text));
    }

    /**
     * The unit templates the released grades name, with their criteria in order.
     *
     * @param array $grades Released grades.
     * @return array Unit rows, each with criteria (rows of local_zohosync_unit_crit).
     */
    private static function units_of(array $grades): array {
        global $DB;
        $keys = array_values(array_filter(array_unique(array_map(fn($g) => self::unit_key($g->unitname), $grades))));
        if (!$keys) {
            return [];
        }
        [$namesql, $nameparams] = $DB->get_in_or_equal($keys, SQL_PARAMS_NAMED, 'uname');
        [$codesql, $codeparams] = $DB->get_in_or_equal($keys, SQL_PARAMS_NAMED, 'ucode');
        $units = $DB->get_records_select('local_zohosync_unit', "LOWER(name) $namesql OR LOWER(unitcode) $codesql",
            $nameparams + $codeparams, 'name, id');
        if (!$units) {
            return [];
        }
        [$insql, $params] = $DB->get_in_or_equal(array_keys($units));
        foreach ($units as $unit) {
            $unit->criteria = [];
        }
        foreach ($DB->get_records_select('local_zohosync_unit_crit', "unitid $insql", $params, 'unitid, sortorder, id')
                as $criterion) {
            $units[$criterion->unitid]->criteria[] = $criterion;
        }
        return array_values($units);
    }
}
