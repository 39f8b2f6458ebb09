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

use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;

/**
 * What the upsert/delete web-service functions share: structures built from {@see data_store::SPECS},
 * the batch loop, per-record results.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class ws_common {
    /**
     * Parameters of an upsert function: `records`, a list of records of the entity.
     *
     * @param string $entity A key of {@see data_store::SPECS}.
     * @return external_function_parameters
     */
    public static function upsert_parameters(string $entity): external_function_parameters {
        $spec = data_store::SPECS[$entity];
        $fields = ['zohoid' => new external_value(PARAM_ALPHANUM, 'Zoho record id (digits)')];
        if ($spec['student']) {
            $fields['userid'] = new external_value(PARAM_INT, 'Moodle user id of the student');
        }
        foreach ($spec['fields'] as $name => $type) {
            $fields[$name] = self::value($name, $type, false);
        }
        if ($spec['children'] !== null) {
            $child = [];
            foreach ($spec['children']['fields'] as $name => $type) {
                $child[$name] = self::value($name, $type, $name === $spec['children']['key'] || $type === 'criterion'
                    || $name === 'code');
            }
            $fields[$spec['children']['param']] = new external_multiple_structure(
                new external_single_structure($child), 'The complete set; replaces the stored one', VALUE_DEFAULT, []);
        }
        return new external_function_parameters([
            'records' => new external_multiple_structure(new external_single_structure($fields),
                'At most ' . data_store::MAX_BATCH . ' records'),
        ]);
    }

    /**
     * Parameters of a delete function: `zohoids`.
     *
     * @return external_function_parameters
     */
    public static function delete_parameters(): external_function_parameters {
        return new external_function_parameters([
            'zohoids' => new external_multiple_structure(new external_value(PARAM_ALPHANUM, 'Zoho record id'),
                'At most ' . data_store::MAX_BATCH . ' ids'),
        ]);
    }

    /**
     * What every function returns: one result per record, in request order.
     *
     * @return external_single_structure
     */
    public static function returns(): external_single_structure {
        return new external_single_structure([
            'results' => new external_multiple_structure(new external_single_structure([
                'zohoid' => new external_value(PARAM_RAW, 'The Zoho record id as received'),
                'status' => new external_value(PARAM_ALPHA, 'created, updated, unchanged, deleted, notfound or invalid'),
                'id' => new external_value(PARAM_INT, 'Moodle row id (0 when none)'),
                'errorcode' => new external_value(PARAM_ALPHANUMEXT,
                    'For invalid: invalidfield, usernotfound, coursenotfound, duplicateinbatch; else empty'),
                'message' => new external_value(PARAM_TEXT, 'For invalid: which field and why; else empty'),
            ])),
        ]);
    }

    /**
     * Upserts a batch. Invalid records are reported and skipped; the valid ones are written in one transaction.
     *
     * @param string $entity A key of {@see data_store::SPECS}.
     * @param array $records Validated parameters.
     * @return array ['results' => …]
     * @throws \invalid_parameter_exception When the batch is too large.
     */
    public static function upsert(string $entity, array $records): array {
        global $DB;
        self::check_batch_size(count($records));
        $duplicates = validator::duplicates(array_column($records, 'zohoid'));
        $results = [];
        $transaction = $DB->start_delegated_transaction();
        foreach ($records as $record) {
            $zohoid = (string) $record['zohoid'];
            if (isset($duplicates[$zohoid])) {
                $results[] = self::result($zohoid, 'invalid', 0, 'duplicateinbatch', 'zohoid: appears more than once in this call');
                continue;
            }
            $problem = data_store::check($entity, $record);
            if ($problem !== null) {
                $results[] = self::result($zohoid, 'invalid', 0, $problem[0], $problem[1]);
                continue;
            }
            [$status, $id] = data_store::upsert($entity, $record);
            $results[] = self::result($zohoid, $status, $id);
        }
        $transaction->allow_commit();
        return ['results' => $results];
    }

    /**
     * Deletes a batch by Zoho id; unknown ids are "notfound", which is not an error (deletes are idempotent).
     *
     * @param string $entity A key of {@see data_store::SPECS}.
     * @param string[] $zohoids Validated parameters.
     * @return array ['results' => …]
     * @throws \invalid_parameter_exception When the batch is too large.
     */
    public static function delete(string $entity, array $zohoids): array {
        global $DB;
        self::check_batch_size(count($zohoids));
        $results = [];
        $transaction = $DB->start_delegated_transaction();
        foreach ($zohoids as $zohoid) {
            $zohoid = (string) $zohoid;
            if (!validator::is_zoho_id($zohoid)) {
                $results[] = self::result($zohoid, 'invalid', 0, 'invalidfield', 'zohoid: not a Zoho record id (digits only)');
                continue;
            }
            [$status, $id] = data_store::delete($entity, $zohoid);
            $results[] = self::result($zohoid, $status, $id);
        }
        $transaction->allow_commit();
        return ['results' => $results];
    }

    /**
     * One result row.
     *
     * @param string $zohoid The id.
     * @param string $status The outcome.
     * @param int $id The row id.
     * @param string $errorcode Error code for invalid records.
     * @param string $message What is wrong.
     * @return array
     */
    private static function result(string $zohoid, string $status, int $id, string $errorcode = '', string $message = ''): array {
        return ['zohoid' => $zohoid, 'status' => $status, 'id' => $id, 'errorcode' => $errorcode, 'message' => $message];
    }

    /**
     * Refuses oversized batches as a whole.
     *
     * @param int $count Records in the call.
     * @throws \invalid_parameter_exception
     */
    private static function check_batch_size(int $count): void {
        if ($count > data_store::MAX_BATCH) {
            throw new \invalid_parameter_exception('At most ' . data_store::MAX_BATCH . ' records per call');
        }
    }

    /**
     * The external description of one field.
     *
     * @param string $name The field name.
     * @param string $type Its type in {@see data_store::SPECS}.
     * @param bool $required Whether it must be given.
     * @return external_value
     */
    private static function value(string $name, string $type, bool $required): external_value {
        $descriptions = [
            'money' => 'Amount as a decimal string, e.g. "4400.00" (at most 2 decimals); "" for none',
            'percent' => 'Percentage 0-100 as a decimal string, e.g. "12.50"; "" for none',
            'date' => 'Date YYYY-MM-DD; "" for none',
            'grade' => 'Grade letter D, M, P, R, RR, F or Mapped; "" for none',
            'zohoid' => 'Zoho record id (digits); "" for none',
            'criterion' => 'Criterion code P1-P99, M1-M99, D1-D99',
            'textarea' => 'Plain text',
            'int' => 'Integer; 0 for none',
            'posint' => 'Integer, 1 or more',
            'courseid' => 'Moodle course id; 0 when not known',
            'bool' => 'Boolean',
        ];
        $description = $name . ': ' . ($descriptions[$type] ?? ('Text, at most ' . substr($type, 5) . ' characters'));
        switch ($type) {
            case 'int':
            case 'posint':
            case 'courseid':
                return $required ? new external_value(PARAM_INT, $description)
                    : new external_value(PARAM_INT, $description, VALUE_DEFAULT, 0);
            case 'bool':
                return $required ? new external_value(PARAM_BOOL, $description)
                    : new external_value(PARAM_BOOL, $description, VALUE_DEFAULT, false);
            default:
                return $required ? new external_value(PARAM_TEXT, $description)
                    : new external_value(PARAM_TEXT, $description, VALUE_DEFAULT, '');
        }
    }
}
