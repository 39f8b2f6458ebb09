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

use GuzzleHttp\Handler\MockHandler;
use GuzzleHttp\HandlerStack;
use GuzzleHttp\Middleware;
use GuzzleHttp\Psr7\Response;
use local_zohosync\local\deliveries;
use local_zohosync\local\signer;

/**
 * Tests of the send task against a mocked HTTP client (run under moodle-plugin-ci).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\task\send_event
 */
final class send_event_test extends \advanced_testcase {
    /** @var array Requests the mock client received. */
    private array $history = [];

    /**
     * Configures the plugin and returns the delivery queued for a new user.
     *
     * @param Response[]|\Throwable[] $answers What the mock service answers, in order.
     * @return \stdClass The delivery row.
     */
    private function queue_user_delivery(array $answers): \stdClass {
        global $DB;
        $this->resetAfterTest();
        // The observer that queues the delivery is external: it runs only after a commit, and on PostgreSQL each test
        // otherwise runs inside a transaction that is rolled back.
        $this->preventResetByRollback();
        set_config('enabled', 1, 'local_zohosync');
        set_config('serviceurl', 'https://sync.example.edu/', 'local_zohosync');
        set_config('secret', 'whsec_' . base64_encode(str_repeat('s', 32)), 'local_zohosync');
        $stack = HandlerStack::create(new MockHandler($answers));
        $this->history = [];
        $stack->push(Middleware::history($this->history));
        \core\di::set(\core\http_client::class, new \core\http_client(['handler' => $stack]));
        $user = $this->getDataGenerator()->create_user();
        return $DB->get_record(deliveries::TABLE, ['eventname' => '\core\event\user_created', 'objectid' => $user->id],
            '*', MUST_EXIST);
    }

    /**
     * Runs the queued task of a delivery once.
     *
     * @param \stdClass $delivery The delivery.
     * @param int $attemptsleft What get_attempts_available() answers.
     */
    private function run_task(\stdClass $delivery, int $attemptsleft = 12): void {
        $task = send_event::create(json_decode($delivery->taskdata, true));
        $task->set_attempts_available($attemptsleft);
        $task->execute();
    }

    /**
     * 202: sent, signed with Standard Webhooks headers the service can verify.
     */
    public function test_accepted(): void {
        global $DB;
        $delivery = $this->queue_user_delivery([new Response(202, [], '{"status":"accepted"}')]);
        $this->expectOutputRegex('/^local_zohosync: delivery ' . preg_quote($delivery->deliveryid, '/')
            . ' sent \(HTTP 202\)\.$/m');
        $this->run_task($delivery);
        $row = $DB->get_record(deliveries::TABLE, ['id' => $delivery->id]);
        $this->assertSame(deliveries::STATUS_SENT, $row->status);
        $this->assertEquals(202, $row->httpstatus);
        $request = $this->history[0]['request'];
        $this->assertSame('https://sync.example.edu/v1/events/moodle/user', (string) $request->getUri());
        $body = (string) $request->getBody();
        $this->assertSame($delivery->deliveryid, $request->getHeaderLine('webhook-id'));
        $signer = new signer('whsec_' . base64_encode(str_repeat('s', 32)));
        $this->assertSame($signer->sign($delivery->deliveryid, (int) $request->getHeaderLine('webhook-timestamp'), $body),
            $request->getHeaderLine('webhook-signature'));
        $this->assertSame($delivery->deliveryid, json_decode($body)->event_id);
    }

    /**
     * 503 throws (Moodle retries); the last attempt records failed without throwing.
     */
    public function test_unavailable_is_retried_then_failed(): void {
        global $DB;
        $delivery = $this->queue_user_delivery([new Response(503), new Response(503)]);
        $this->expectOutputRegex('/^local_zohosync: delivery ' . preg_quote($delivery->deliveryid, '/')
            . ' failed, no attempts left\.$/m');
        try {
            $this->run_task($delivery);
            $this->fail('expected a retry');
        } catch (\moodle_exception $e) {
            $this->assertSame(deliveries::STATUS_RETRYING, $DB->get_field(deliveries::TABLE, 'status', ['id' => $delivery->id]));
        }
        $this->run_task($delivery, 1);
        $this->assertSame(deliveries::STATUS_FAILED, $DB->get_field(deliveries::TABLE, 'status', ['id' => $delivery->id]));
        $this->assertEquals(2, $DB->get_field(deliveries::TABLE, 'attempts', ['id' => $delivery->id]));
        // Both attempts carried the same delivery id.
        $this->assertSame($this->history[0]['request']->getHeaderLine('webhook-id'),
            $this->history[1]['request']->getHeaderLine('webhook-id'));
    }

    /**
     * 401 is recorded as failed at once; a resend reuses the delivery id.
     */
    public function test_refused_then_resent(): void {
        global $DB;
        $delivery = $this->queue_user_delivery([new Response(401), new Response(200, [], '{"status":"duplicate"}')]);
        $id = preg_quote($delivery->deliveryid, '/');
        $this->expectOutputRegex("/^local_zohosync: delivery {$id} refused \\(HTTP 401\\), not retried\\.\n"
            . "local_zohosync: delivery {$id} sent \\(HTTP 200\\)\\.$/m");
        $this->run_task($delivery);
        $this->assertSame(deliveries::STATUS_FAILED, $DB->get_field(deliveries::TABLE, 'status', ['id' => $delivery->id]));
        $this->assertTrue(deliveries::resend((int) $delivery->id));
        $this->run_task($delivery);
        $this->assertSame(deliveries::STATUS_SENT, $DB->get_field(deliveries::TABLE, 'status', ['id' => $delivery->id]));
        $this->assertSame($delivery->deliveryid, $this->history[1]['request']->getHeaderLine('webhook-id'));
    }
}
