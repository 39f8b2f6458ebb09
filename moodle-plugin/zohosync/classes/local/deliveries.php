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

use local_zohosync\task\send_event;

/**
 * The delivery log (`local_zohosync_deliveries`): one row per event sent to the service.
 *
 * Statuses: pending (queued, not tried yet), retrying (an attempt failed in a way worth
 * retrying; Moodle will run the task again), sent (the service answered 2xx: accepted or
 * duplicate), failed (a permanent refusal, or attempts exhausted: needs an admin), skipped
 * (nothing to send any more, e.g. the grade was deleted before the task ran).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class deliveries {
    /** @var string The table. */
    public const TABLE = 'local_zohosync_deliveries';

    /** @var string Queued, not tried yet. */
    public const STATUS_PENDING = 'pending';

    /** @var string Tried, will be tried again. */
    public const STATUS_RETRYING = 'retrying';

    /** @var string Accepted by the service (or already there). */
    public const STATUS_SENT = 'sent';

    /** @var string Refused for good or out of attempts. */
    public const STATUS_FAILED = 'failed';

    /** @var string Nothing left to send. */
    public const STATUS_SKIPPED = 'skipped';

    /** @var string[] All statuses. */
    public const STATUSES = ['pending', 'retrying', 'sent', 'failed', 'skipped'];

    /** @var string[] Statuses an admin may resend. */
    public const RESENDABLE = ['failed', 'skipped'];

    /**
     * Records a new delivery and queues its task.
     *
     * @param array $taskdata kind, eventname, entity, entitytype, objectid, userid, courseid, actorid, timecreated,
     *      extra. A fresh delivery id is added here.
     * @return string The delivery id.
     */
    public static function queue(array $taskdata): string {
        global $DB;
        $taskdata['deliveryid'] = \core\uuid::generate();
        $now = \core\di::get(\core\clock::class)->time();
        $DB->insert_record(self::TABLE, (object) [
            'deliveryid' => $taskdata['deliveryid'],
            'eventname' => $taskdata['eventname'],
            'entity' => $taskdata['entity'],
            'objectid' => $taskdata['objectid'],
            'userid' => $taskdata['userid'],
            'courseid' => $taskdata['courseid'],
            'status' => self::STATUS_PENDING,
            'attempts' => 0,
            'taskdata' => json_encode($taskdata, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
            'timecreated' => $now,
            'timemodified' => $now,
        ]);
        \core\task\manager::queue_adhoc_task(send_event::create($taskdata));
        return $taskdata['deliveryid'];
    }

    /**
     * One delivery by its delivery id.
     *
     * @param string $deliveryid The UUID.
     * @return \stdClass|null
     */
    public static function get(string $deliveryid): ?\stdClass {
        global $DB;
        return $DB->get_record(self::TABLE, ['deliveryid' => $deliveryid]) ?: null;
    }

    /**
     * Records the outcome of one attempt.
     *
     * @param \stdClass $delivery The row (updated in place).
     * @param string $status One of the statuses.
     * @param int|null $httpstatus The HTTP status, null when there was no answer.
     * @param string|null $error Why it did not succeed, null on success.
     * @param bool $attempted Whether an HTTP attempt was made (counts in attempts).
     */
    public static function record(\stdClass $delivery, string $status, ?int $httpstatus, ?string $error,
            bool $attempted = true): void {
        global $DB;
        $now = \core\di::get(\core\clock::class)->time();
        $delivery->status = $status;
        if ($attempted) {
            $delivery->attempts = (int) $delivery->attempts + 1;
            $delivery->httpstatus = $httpstatus;
        }
        $delivery->lasterror = $error === null ? null : \core_text::substr($error, 0, 2000);
        $delivery->timemodified = $now;
        if ($status === self::STATUS_SENT) {
            $delivery->timesent = $now;
        }
        $DB->update_record(self::TABLE, $delivery);
    }

    /**
     * Queues a failed or skipped delivery again, with the SAME delivery id.
     *
     * The service deduplicates on the delivery id. A failed delivery never reached it (it answers
     * 4xx without storing anything) or, if it did, the resend is answered "duplicate" and counts as
     * sent: reusing the id can never make the service process one Moodle event twice. Sent
     * deliveries are not resendable: the service already has them.
     *
     * @param int $id The row id.
     * @return bool Whether it was queued.
     */
    public static function resend(int $id): bool {
        global $DB;
        $delivery = $DB->get_record(self::TABLE, ['id' => $id]);
        if (!$delivery || !in_array($delivery->status, self::RESENDABLE, true)) {
            return false;
        }
        $taskdata = json_decode($delivery->taskdata, true);
        if (!is_array($taskdata) || ($taskdata['deliveryid'] ?? '') !== $delivery->deliveryid) {
            return false;
        }
        $delivery->status = self::STATUS_PENDING;
        $delivery->lasterror = null;
        $delivery->timemodified = \core\di::get(\core\clock::class)->time();
        $DB->update_record(self::TABLE, $delivery);
        \core\task\manager::queue_adhoc_task(send_event::create($taskdata));
        return true;
    }
}
