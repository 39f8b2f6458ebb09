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
use local_zohosync\local\delivery_outcome;
use local_zohosync\local\event_loader;
use local_zohosync\local\payload_builder;
use local_zohosync\local\transport;

/**
 * Sends one event to the service: build → sign → POST → record.
 *
 * 2xx (accepted or duplicate) is done. No answer, 408, 429 and 5xx throw, so Moodle runs the
 * task again with its fail delay (1 min doubling to 24 h), up to the "attempts" setting; the
 * last such attempt records the delivery as failed instead of throwing, so no dead task is left
 * behind. Any other status is recorded as failed at once. The payload is rebuilt from the
 * current data on every attempt; the delivery id stays the same, the timestamp is fresh.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class send_event extends \core\task\adhoc_task {
    /**
     * A task for one delivery.
     *
     * @param array $taskdata See {@see deliveries::queue()}; includes the delivery id.
     * @return self
     */
    public static function create(array $taskdata): self {
        $task = new self();
        $task->set_component('local_zohosync');
        $task->set_custom_data($taskdata);
        $task->set_attempts_available(config::max_attempts());
        return $task;
    }

    /**
     * The task name shown to admins.
     *
     * @return string
     */
    public function get_name() {
        return get_string('task:sendevent', 'local_zohosync');
    }

    /**
     * Runs one attempt.
     *
     * @throws \moodle_exception To ask Moodle for another attempt.
     */
    public function execute() {
        $taskdata = json_decode($this->get_custom_data_as_string(), true);
        $deliveryid = is_array($taskdata) ? (string) ($taskdata['deliveryid'] ?? '') : '';
        $delivery = $deliveryid !== '' ? deliveries::get($deliveryid) : null;
        if ($delivery === null) {
            // Deleted meanwhile (privacy request, pruning): nothing to report on.
            mtrace('local_zohosync: delivery ' . s($deliveryid) . ' no longer exists, nothing sent.');
            return;
        }
        if ($delivery->status === deliveries::STATUS_SENT) {
            return;
        }
        if (!config::is_configured()) {
            $this->retry_or_fail($delivery, null, get_string('error:notconfigured', 'local_zohosync'), false);
            return;
        }
        $envelope = event_loader::build($taskdata);
        if ($envelope === null) {
            deliveries::record($delivery, deliveries::STATUS_SKIPPED, null,
                get_string('error:entitygone', 'local_zohosync'), false);
            mtrace('local_zohosync: ' . $delivery->entity . ' ' . $delivery->objectid . ' no longer exists, skipped.');
            return;
        }
        try {
            $body = payload_builder::encode($envelope);
        } catch (\JsonException $e) {
            deliveries::record($delivery, deliveries::STATUS_FAILED, null, 'JSON: ' . $e->getMessage(), false);
            return;
        }
        $url = payload_builder::endpoint(config::service_url(), $delivery->entity);
        // Moodle's own HTTP security (cURL blocked hosts, allowed ports) refuses a service on this
        // server by default. Retrying cannot help and "try again later" would hide the cause for
        // days: record it failed with the fix; the admin resends once it is fixed.
        if (\local_zohosync\local\connection_test::blocked_by_moodle($url)) {
            deliveries::record($delivery, deliveries::STATUS_FAILED, null,
                get_string('error:blockedbymoodle', 'local_zohosync', $url), false);
            mtrace('local_zohosync: delivery ' . $deliveryid . ' not sent: Moodle\'s HTTP security blocks ' . $url . '.');
            return;
        }
        $result = transport::post($url, $body, $deliveryid);
        switch (delivery_outcome::classify($result['status'])) {
            case delivery_outcome::DONE:
                deliveries::record($delivery, deliveries::STATUS_SENT, $result['status'], null);
                mtrace('local_zohosync: delivery ' . $deliveryid . ' sent (HTTP ' . $result['status'] . ').');
                return;
            case delivery_outcome::FAIL:
                deliveries::record($delivery, deliveries::STATUS_FAILED, $result['status'], $result['error']);
                mtrace('local_zohosync: delivery ' . $deliveryid . ' refused (HTTP ' . $result['status'] . '), not retried.');
                return;
            default:
                $this->retry_or_fail($delivery, $result['status'], (string) $result['error'], true);
        }
    }

    /**
     * Records a transient failure, then throws for another attempt, or records failed on the last one.
     *
     * @param \stdClass $delivery The delivery row.
     * @param int|null $httpstatus The HTTP status, null when there was no answer.
     * @param string $error What went wrong.
     * @param bool $attempted Whether an HTTP request was made.
     * @throws \moodle_exception When another attempt is wanted.
     */
    private function retry_or_fail(\stdClass $delivery, ?int $httpstatus, string $error, bool $attempted): void {
        $remaining = $this->get_attempts_available();
        if ($remaining !== null && $remaining <= 1) {
            deliveries::record($delivery, deliveries::STATUS_FAILED, $httpstatus,
                get_string('error:attemptsexhausted', 'local_zohosync', $error), $attempted);
            mtrace('local_zohosync: delivery ' . $delivery->deliveryid . ' failed, no attempts left.');
            return;
        }
        deliveries::record($delivery, deliveries::STATUS_RETRYING, $httpstatus, $error, $attempted);
        throw new \moodle_exception('error:willretry', 'local_zohosync', '', null, $error);
    }
}
