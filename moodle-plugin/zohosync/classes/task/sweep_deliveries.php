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

namespace local_zohosync\task;

use local_zohosync\local\config;
use local_zohosync\local\deliveries;

/**
 * Housekeeping of the delivery log.
 *
 * Marks as failed the deliveries still pending or retrying whose adhoc task no longer exists
 * (deleted, or kept by Moodle after running out of attempts), so the report shows them with a
 * resend button; deletes sent and skipped deliveries after the retention period, failed ones
 * after their own (longer) period.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class sweep_deliveries extends \core\task\scheduled_task {
    /** @var int Seconds a pending delivery may wait before a missing task counts as lost. */
    private const GRACE_SECONDS = HOURSECS;

    /**
     * The task name shown to admins.
     *
     * @return string
     */
    public function get_name() {
        return get_string('task:sweepdeliveries', 'local_zohosync');
    }

    /**
     * Runs the sweep.
     */
    public function execute() {
        global $DB;
        $now = \core\di::get(\core\clock::class)->time();

        // Delivery ids that still have a task able to run.
        $live = [];
        $tasks = $DB->get_recordset_select('task_adhoc',
            'classname = :classname AND (attemptsavailable IS NULL OR attemptsavailable > 0)',
            ['classname' => '\\' . send_event::class], '', 'id, customdata');
        foreach ($tasks as $task) {
            $data = json_decode((string) $task->customdata, true);
            if (is_array($data) && isset($data['deliveryid'])) {
                $live[(string) $data['deliveryid']] = true;
            }
        }
        $tasks->close();

        [$insql, $params] = $DB->get_in_or_equal([deliveries::STATUS_PENDING, deliveries::STATUS_RETRYING],
            SQL_PARAMS_NAMED);
        $params['before'] = $now - self::GRACE_SECONDS;
        $stale = $DB->get_recordset_select(deliveries::TABLE, "status $insql AND timemodified < :before", $params);
        $lost = 0;
        foreach ($stale as $delivery) {
            if (!isset($live[$delivery->deliveryid])) {
                deliveries::record($delivery, deliveries::STATUS_FAILED, $delivery->httpstatus === null ? null :
                    (int) $delivery->httpstatus, get_string('error:tasklost', 'local_zohosync'), false);
                $lost++;
            }
        }
        $stale->close();

        [$insql, $params] = $DB->get_in_or_equal([deliveries::STATUS_SENT, deliveries::STATUS_SKIPPED], SQL_PARAMS_NAMED);
        $params['before'] = $now - config::retention_days() * DAYSECS;
        $DB->delete_records_select(deliveries::TABLE, "status $insql AND timemodified < :before", $params);
        $DB->delete_records_select(deliveries::TABLE, 'status = :status AND timemodified < :before',
            ['status' => deliveries::STATUS_FAILED, 'before' => $now - config::failed_retention_days() * DAYSECS]);

        mtrace('local_zohosync: ' . $lost . ' deliveries without a task marked failed.');
    }
}
