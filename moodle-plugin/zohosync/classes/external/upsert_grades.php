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
use core_external\external_function_parameters;
use core_external\external_single_structure;
use local_zohosync\local\ws_common;

/**
 * Web service local_zohosync_upsert_grades.
 *
 * Creates or updates grades: BTEC grades as stored in Zoho (BTEC_Grades) with their learning-outcome rows.
 *
 * Idempotent: the same record twice leaves one row (the second call answers "unchanged").
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class upsert_grades extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return ws_common::upsert_parameters('grade');
    }

    /**
     * Runs the function.
     *
     * @param array $records The records.
     * @return array One result per record, in request order.
     */
    public static function execute(array $records): array {
        $params = self::validate_parameters(self::execute_parameters(), ['records' => $records]);
        $context = \context_system::instance();
        self::validate_context($context);
        require_capability('local/zohosync:managedata', $context);
        return ws_common::upsert('grade', $params['records']);
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return ws_common::returns();
    }
}
