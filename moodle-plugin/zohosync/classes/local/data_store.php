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
 * Stores the dashboard data the service pushes: idempotent upserts and deletes keyed by Zoho id.
 *
 * Each entity is described once in {@see SPECS} (fields, types, child rows), which drives the
 * web-service parameters, validation, storage and the "unchanged" check. Amounts are decimal
 * strings stored in number(12,2) columns, never floats. Child rows (installments, learning
 * outcomes, criteria) are replaced as a set when they differ.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class data_store {
    /** @var int Most records accepted in one call. */
    public const MAX_BATCH = 500;

    /**
     * @var array Entity => table, whether it belongs to a student (userid), its fields (name => type) and its
     *      child set (param name, table, parent field, fields, key field). Types: text:N, textarea, money, percent,
     *      date, int (0 = none), posint (1 or more), bool, grade, zohoid (optional Zoho id), courseid, criterion.
     */
    public const SPECS = [
        'finance' => [
            'table' => 'local_zohosync_finance',
            'student' => true,
            'fields' => [
                'scholarship' => 'text:100', 'scholarshipreason' => 'text:255', 'scholarshippct' => 'percent',
                'currency' => 'text:10', 'amounttransferred' => 'money', 'paymentmethod' => 'text:50',
                'paymentmode' => 'text:50', 'bankname' => 'text:255', 'bankholder' => 'text:255',
                'registrationfees' => 'money', 'invoiceregfees' => 'text:100', 'totalamount' => 'money',
                'discountamount' => 'money',
            ],
            'children' => null,
        ],
        'registration' => [
            'table' => 'local_zohosync_registration',
            'student' => true,
            'fields' => [
                'programname' => 'text:255', 'registrationdate' => 'date', 'status' => 'text:50', 'studymode' => 'text:50',
                'currency' => 'text:10', 'programprice' => 'money',
            ],
            'children' => [
                'param' => 'installments', 'table' => 'local_zohosync_installment', 'parent' => 'registrationid',
                'key' => 'installmentno',
                'fields' => ['installmentno' => 'posint', 'duedate' => 'date', 'amount' => 'money', 'status' => 'text:50',
                    'paiddate' => 'date'],
            ],
        ],
        'payment' => [
            'table' => 'local_zohosync_payment',
            'student' => true,
            'fields' => [
                'registrationzohoid' => 'zohoid', 'paymentnumber' => 'text:120', 'paymentdate' => 'date', 'amount' => 'money',
                'currency' => 'text:10', 'method' => 'text:50', 'paymenttype' => 'text:100', 'installmentno' => 'int',
                'voucher' => 'text:100', 'note' => 'textarea', 'voided' => 'bool',
            ],
            'children' => null,
        ],
        'grade' => [
            'table' => 'local_zohosync_grade',
            'student' => true,
            'fields' => [
                'courseid' => 'courseid', 'classzohoid' => 'zohoid', 'classname' => 'text:255', 'unitname' => 'text:255',
                'gradename' => 'text:255', 'grade' => 'grade', 'gradestatus' => 'text:50', 'attemptno' => 'int',
                'attemptdate' => 'date', 'feedback' => 'textarea', 'gradername' => 'text:255', 'ivname' => 'text:255',
            ],
            'children' => [
                'param' => 'learningoutcomes', 'table' => 'local_zohosync_grade_lo', 'parent' => 'gradeid', 'key' => null,
                'fields' => ['code' => 'text:20', 'title' => 'textarea', 'definition' => 'textarea', 'score' => 'text:20',
                    'feedback' => 'textarea', 'achieved' => 'bool'],
            ],
        ],
        'unit' => [
            'table' => 'local_zohosync_unit',
            'student' => false,
            'fields' => ['name' => 'text:255', 'unitcode' => 'text:50', 'unitlevel' => 'text:50'],
            'children' => [
                'param' => 'criteria', 'table' => 'local_zohosync_unit_crit', 'parent' => 'unitid', 'key' => 'code',
                'fields' => ['code' => 'criterion', 'description' => 'textarea'],
            ],
        ],
    ];

    /**
     * Checks one record; returns the first problem or null.
     *
     * @param string $entity A key of {@see SPECS}.
     * @param array $record The record as validated by the external API (types already right).
     * @return array|null [errorcode, message] or null when valid.
     */
    public static function check(string $entity, array $record): ?array {
        global $DB;
        $spec = self::SPECS[$entity];
        if (!validator::is_zoho_id((string) $record['zohoid'])) {
            return ['invalidfield', 'zohoid: not a Zoho record id (digits only)'];
        }
        foreach ($spec['fields'] as $field => $type) {
            $problem = self::check_value($type, $record[$field] ?? null);
            if ($problem !== null) {
                return ['invalidfield', $field . ': ' . $problem];
            }
        }
        if ($entity === 'unit' && trim((string) $record['name']) === '') {
            return ['invalidfield', 'name: required'];
        }
        if ($spec['children'] !== null) {
            $child = $spec['children'];
            $keys = [];
            foreach ($record[$child['param']] ?? [] as $index => $row) {
                foreach ($child['fields'] as $field => $type) {
                    $problem = self::check_value($type, $row[$field] ?? null);
                    if ($problem !== null) {
                        return ['invalidfield', $child['param'] . '[' . $index . '].' . $field . ': ' . $problem];
                    }
                    // A learning outcome's code column is NOT NULL, and to_db() stores '' as null: refuse the
                    // record here instead of failing the whole call's transaction on the insert.
                    if ($field === 'code' && trim((string) ($row[$field] ?? '')) === '') {
                        return ['invalidfield', $child['param'] . '[' . $index . '].code: required'];
                    }
                }
                if ($child['key'] !== null) {
                    $keys[] = (string) $row[$child['key']];
                }
            }
            if ($keys && validator::duplicates($keys)) {
                return ['invalidfield', $child['param'] . ': ' . $child['key'] . ' repeated'];
            }
        }
        if ($spec['student'] && !$DB->record_exists('user', ['id' => (int) $record['userid'], 'deleted' => 0])) {
            return ['usernotfound', 'userid: no such Moodle user'];
        }
        if (isset($spec['fields']['courseid']) && (int) $record['courseid'] > 0
                && !$DB->record_exists('course', ['id' => (int) $record['courseid']])) {
            return ['coursenotfound', 'courseid: no such Moodle course'];
        }
        return null;
    }

    /**
     * Checks one value against its type.
     *
     * @param string $type The type.
     * @param mixed $value The value.
     * @return string|null The problem, or null.
     */
    private static function check_value(string $type, $value): ?string {
        if (strncmp($type, 'text:', 5) === 0) {
            return \core_text::strlen((string) $value) > (int) substr($type, 5) ? 'longer than ' . substr($type, 5) : null;
        }
        switch ($type) {
            case 'money':
                return validator::is_money_or_empty((string) $value) ? null : 'not an amount like "4400.00"';
            case 'percent':
                return validator::is_percentage_or_empty((string) $value) ? null : 'not a percentage 0 to 100';
            case 'date':
                return validator::is_date_or_empty((string) $value) ? null : 'not a date YYYY-MM-DD';
            case 'grade':
                return validator::is_grade_letter((string) $value) ? null : 'not one of D, M, P, R, RR, F, Mapped';
            case 'zohoid':
                return ((string) $value === '' || validator::is_zoho_id((string) $value)) ? null : 'not a Zoho record id';
            case 'criterion':
                return validator::is_criterion_code((string) $value) ? null : 'not a criterion code (P1, M2, D3 …)';
            case 'int':
            case 'courseid':
                return (int) $value < 0 ? 'negative' : null;
            case 'posint':
                return (int) $value < 1 ? 'must be 1 or more' : null;
        }
        return null;
    }

    /**
     * Inserts or updates one record (and its child set) by Zoho id.
     *
     * @param string $entity A key of {@see SPECS}.
     * @param array $record A record that passed {@see check()}.
     * @return array [status created|updated|unchanged, row id]
     */
    public static function upsert(string $entity, array $record): array {
        global $DB;
        $spec = self::SPECS[$entity];
        $now = \core\di::get(\core\clock::class)->time();
        $row = ['zohoid' => (string) $record['zohoid']];
        if ($spec['student']) {
            $row['userid'] = (int) $record['userid'];
        }
        foreach ($spec['fields'] as $field => $type) {
            $row[$field] = self::to_db($type, $record[$field] ?? null);
        }
        $children = null;
        if ($spec['children'] !== null) {
            $children = [];
            foreach (array_values($record[$spec['children']['param']] ?? []) as $index => $child) {
                $children[] = self::child_row($entity, $child, $index);
            }
        }

        $existing = $DB->get_record($spec['table'], ['zohoid' => $row['zohoid']]);
        if (!$existing) {
            $id = $DB->insert_record($spec['table'], (object) ($row + ['timecreated' => $now, 'timemodified' => $now]));
            if ($children !== null) {
                self::replace_children($spec['children'], $id, $children);
            }
            return ['created', (int) $id];
        }
        $id = (int) $existing->id;
        $changed = false;
        foreach ($row as $field => $value) {
            $type = $spec['fields'][$field] ?? 'int';
            if ($field === 'zohoid') {
                continue;
            }
            if (self::comparable($type, $existing->$field ?? null) !== self::comparable($type, $value)) {
                $changed = true;
                break;
            }
        }
        $childrenchanged = $children !== null && self::children_differ($spec['children'], $id, $children);
        if (!$changed && !$childrenchanged) {
            return ['unchanged', $id];
        }
        $DB->update_record($spec['table'], (object) ($row + ['id' => $id, 'timemodified' => $now]));
        if ($childrenchanged) {
            self::replace_children($spec['children'], $id, $children);
        }
        return ['updated', $id];
    }

    /**
     * Deletes one record and its child rows by Zoho id.
     *
     * @param string $entity A key of {@see SPECS}.
     * @param string $zohoid The Zoho record id.
     * @return array [status deleted|notfound, former row id or 0]
     */
    public static function delete(string $entity, string $zohoid): array {
        global $DB;
        $spec = self::SPECS[$entity];
        $id = $DB->get_field($spec['table'], 'id', ['zohoid' => $zohoid]);
        if (!$id) {
            return ['notfound', 0];
        }
        if ($spec['children'] !== null) {
            $DB->delete_records($spec['children']['table'], [$spec['children']['parent'] => $id]);
        }
        $DB->delete_records($spec['table'], ['id' => $id]);
        return ['deleted', (int) $id];
    }

    /**
     * One child row ready for the database.
     *
     * @param string $entity The parent entity.
     * @param array $child The child as received.
     * @param int $index Its position.
     * @return array
     */
    private static function child_row(string $entity, array $child, int $index): array {
        $spec = self::SPECS[$entity]['children'];
        $row = [];
        foreach ($spec['fields'] as $field => $type) {
            $row[$field] = self::to_db($type, $child[$field] ?? null);
        }
        if ($entity === 'grade' || $entity === 'unit') {
            $row['sortorder'] = $index + 1;
        }
        if ($entity === 'unit') {
            $row['level'] = validator::criterion_level($row['code']);
        }
        return $row;
    }

    /**
     * Whether the stored child set differs from the new one.
     *
     * @param array $spec The child spec.
     * @param int $parentid The parent row id.
     * @param array $rows The new child rows.
     * @return bool
     */
    private static function children_differ(array $spec, int $parentid, array $rows): bool {
        global $DB;
        $order = $spec['key'] === 'installmentno' ? 'installmentno' : 'sortorder';
        $existing = array_values($DB->get_records($spec['table'], [$spec['parent'] => $parentid], $order . ', id'));
        if ($spec['key'] === 'installmentno') {
            usort($rows, fn($a, $b) => $a['installmentno'] <=> $b['installmentno']);
        }
        if (count($existing) !== count($rows)) {
            return true;
        }
        foreach ($rows as $i => $row) {
            foreach ($row as $field => $value) {
                $type = $spec['fields'][$field] ?? 'int';
                if (self::comparable($type, $existing[$i]->$field ?? null) !== self::comparable($type, $value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Replaces the child set of a parent.
     *
     * @param array $spec The child spec.
     * @param int $parentid The parent row id.
     * @param array $rows The new child rows.
     */
    private static function replace_children(array $spec, int $parentid, array $rows): void {
        global $DB;
        $DB->delete_records($spec['table'], [$spec['parent'] => $parentid]);
        foreach ($rows as $row) {
            $DB->insert_record($spec['table'], (object) ($row + [$spec['parent'] => $parentid]), false);
        }
    }

    /**
     * A received value as stored: amounts canonical, empty optional values null.
     *
     * @param string $type The field type.
     * @param mixed $value The value.
     * @return mixed
     */
    private static function to_db(string $type, $value) {
        switch ($type) {
            case 'money':
            case 'percent':
                return ((string) $value === '') ? null : money::normalise((string) $value);
            case 'bool':
                return empty($value) ? 0 : 1;
            case 'courseid':
            case 'posint':
                return (int) $value;
            case 'int':
                return ((int) $value) > 0 ? (int) $value : null;
            default:
                return ((string) $value === '') ? null : (string) $value;
        }
    }

    /**
     * A value in a form that compares equal whatever the database driver returned.
     *
     * @param string $type The field type.
     * @param mixed $value The value (from the database or from {@see to_db()}).
     * @return string|null
     */
    private static function comparable(string $type, $value): ?string {
        if ($value === null || $value === '') {
            return null;
        }
        switch ($type) {
            case 'money':
            case 'percent':
                return money::is_valid((string) $value) ? money::normalise((string) $value) : (string) $value;
            case 'bool':
            case 'int':
            case 'posint':
            case 'courseid':
                return (string) (int) $value;
            default:
                return (string) $value;
        }
    }
}
