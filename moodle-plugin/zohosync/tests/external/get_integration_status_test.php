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
use local_zohosync\local\deliveries;
use local_zohosync\local\integration_requirements;

/**
 * Tests of local_zohosync_get_integration_status.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\external\get_integration_status
 * @covers     \local_zohosync\local\integration_status
 * @covers     \local_zohosync\local\http_security
 */
final class get_integration_status_test extends \advanced_testcase {
    /** @var string[] Moodle's default cURL blocked hosts (admin/settings/security.php). */
    private const DEFAULT_BLOCKED_HOSTS = ['127.0.0.0/8', '192.168.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '0.0.0.0',
        'localhost', '169.254.169.254', '0000::1'];

    /**
     * Creates the integration user as the setup script does (its role with every needed capability,
     * allowed to assign the given roles), configures it in the plugin and logs in as it.
     *
     * @param string[] $assignable Shortnames of roles it may assign.
     * @param string[] $without Capabilities left out of the role.
     * @return \stdClass The user.
     */
    private function setup_integration_user(array $assignable = ['student', 'editingteacher'], array $without = []): \stdClass {
        global $DB;
        $context = \context_system::instance();
        $user = $this->getDataGenerator()->create_user(['username' => 'zohosync']);
        $roleid = $this->getDataGenerator()->create_role(['shortname' => integration_requirements::ROLE_SHORTNAME]);
        set_role_contextlevels($roleid, [CONTEXT_SYSTEM]);
        foreach (array_keys(integration_requirements::CAPABILITIES) as $capability) {
            if (!in_array($capability, $without, true)) {
                assign_capability($capability, CAP_ALLOW, $roleid, $context->id, true);
            }
        }
        foreach ($assignable as $shortname) {
            core_role_set_assign_allowed($roleid, $DB->get_field('role', 'id', ['shortname' => $shortname], MUST_EXIST));
        }
        role_assign($roleid, $user->id, $context->id);
        set_config('integrationuserid', $user->id, 'local_zohosync');
        $this->setUser($user);
        return $user;
    }

    /**
     * Calls the function as the current user, checking the answer against its return structure.
     *
     * @return array
     */
    private function call(): array {
        return external_api::clean_returnvalue(get_integration_status::execute_returns(), get_integration_status::execute());
    }

    /**
     * The integration user gets the whole report; nothing is missing when its role is complete.
     */
    public function test_integration_user_gets_the_report(): void {
        global $DB;
        $this->resetAfterTest();
        set_config('enabled', 1, 'local_zohosync');
        set_config('serviceurl', 'https://sync.example.com/', 'local_zohosync');
        set_config('secret', 'whsec_' . base64_encode(str_repeat('s', 32)), 'local_zohosync');
        set_config('curlsecurityblockedhosts', implode("\n", self::DEFAULT_BLOCKED_HOSTS));
        set_config('curlsecurityallowedport', "443\n80");
        set_config('noreplyaddress', 'noreply@example.com');
        set_config('lastcronstart', 1795310000, 'tool_task');
        $user = $this->setup_integration_user();
        $now = time();
        foreach ([['pending', $now - 100], ['retrying', $now - 500], ['failed', $now - 50], ['sent', $now - 9000]] as [$status, $time]) {
            $DB->insert_record(deliveries::TABLE, (object) ['deliveryid' => \core\uuid::generate(), 'eventname' => 'e',
                'entity' => 'user', 'objectid' => 1, 'userid' => 1, 'courseid' => 0, 'status' => $status, 'attempts' => 0,
                'taskdata' => '{}', 'timecreated' => $time, 'timemodified' => $time]);
        }

        $status = $this->call();

        $plugin = new \stdClass();
        require(__DIR__ . '/../../version.php');
        $this->assertSame($plugin->release, $status['plugin_release']);
        $this->assertSame($plugin->version, $status['plugin_version']);
        $this->assertTrue($status['sending_enabled']);
        $this->assertSame('https://sync.example.com', $status['service_url']);
        $this->assertTrue($status['secret_configured']);
        // The shared vector (tests/bin/checkPluginStatus.test.ts computes the same in the service's language).
        $this->assertSame('7fd3ef67a8b317c4', $status['secret_fingerprint']);
        $this->assertStringNotContainsString('whsec_', json_encode($status));
        $this->assertSame((int) $user->id, $status['integration_user_id']);
        $this->assertTrue($status['caller_is_integration_user']);
        $this->assertSame([], $status['missing_capabilities']);
        $this->assertSame(['editingteacher', 'student'], $this->sorted_shortnames($status));
        $this->assertSame(1795310000, $status['cron_last_run']);
        $this->assertSame('noreply@example.com', $status['noreply_address']);
        $this->assertTrue($status['noreply_valid']);
        $this->assertSame(['pending' => 2, 'failed' => 1, 'oldest_pending' => $now - 500], $status['outbox']);
        // A public name: allowed unless it does not resolve here (no network in the test run).
        if ($status['http_security']['allowed']) {
            $this->assertSame('', $status['http_security']['setting']);
            $this->assertStringContainsString('https://sync.example.com', $status['http_security']['detail']);
        }
    }

    /**
     * A capability the role lacks is listed; a role it may not assign is absent.
     */
    public function test_missing_capability_and_unassignable_role(): void {
        $this->resetAfterTest();
        $this->setup_integration_user(['student'], ['moodle/site:viewuseridentity']);

        $status = $this->call();

        $this->assertSame(['moodle/site:viewuseridentity'], $status['missing_capabilities']);
        $this->assertSame(['student'], $this->sorted_shortnames($status));
        $this->assertNotContains('teacher', $this->sorted_shortnames($status));
    }

    /**
     * Without moodle/role:assign nothing is assignable, whatever "Allow role assignments" says.
     */
    public function test_no_role_assign_capability_means_no_assignable_roles(): void {
        $this->resetAfterTest();
        $this->setup_integration_user(['student', 'teacher'], ['moodle/role:assign']);

        $status = $this->call();

        $this->assertSame(['moodle/role:assign'], $status['missing_capabilities']);
        $this->assertSame([], $status['assignable_roles']);
    }

    /**
     * A service on this server (127.0.0.1) with Moodle's default blocked hosts: not allowed, naming
     * the setting and the entries to remove; with the host unblocked, port 8080 is named next.
     */
    public function test_blocked_service_url(): void {
        $this->resetAfterTest();
        set_config('serviceurl', 'http://127.0.0.1:8080', 'local_zohosync');
        set_config('curlsecurityblockedhosts', implode("\n", self::DEFAULT_BLOCKED_HOSTS));
        set_config('curlsecurityallowedport', "443\n80");
        $this->setup_integration_user();

        $security = $this->call()['http_security'];

        $this->assertFalse($security['allowed']);
        $this->assertSame('curlsecurityblockedhosts', $security['setting']);
        $this->assertStringContainsString('127.0.0.1', $security['detail']);
        $this->assertStringContainsString('127.0.0.0/8', $security['detail']);
        $this->assertStringContainsString('add port 8080 to curlsecurityallowedport', $security['detail']);

        set_config('curlsecurityblockedhosts', '10.0.0.0/8');
        $security = $this->call()['http_security'];
        $this->assertFalse($security['allowed']);
        $this->assertSame('curlsecurityallowedport', $security['setting']);
        $this->assertStringContainsString('8080', $security['detail']);

        set_config('curlsecurityallowedport', "443\n80\n8080");
        $security = $this->call()['http_security'];
        $this->assertTrue($security['allowed']);
        $this->assertSame('', $security['setting']);
    }

    /**
     * No service URL: not allowed, and no setting to blame.
     */
    public function test_no_service_url(): void {
        $this->resetAfterTest();
        set_config('serviceurl', '', 'local_zohosync');
        $this->setup_integration_user();

        $status = $this->call();

        $this->assertSame('', $status['service_url']);
        $this->assertFalse($status['http_security']['allowed']);
        $this->assertSame('', $status['http_security']['setting']);
        $this->assertFalse($status['secret_configured']);
        $this->assertSame('', $status['secret_fingerprint']);
    }

    /**
     * A no-reply address validate_email refuses (a bare IP domain) is reported invalid.
     */
    public function test_invalid_noreply_address(): void {
        $this->resetAfterTest();
        set_config('noreplyaddress', 'noreply@127.0.0.1');
        $this->setup_integration_user();

        $status = $this->call();

        $this->assertSame('noreply@127.0.0.1', $status['noreply_address']);
        $this->assertFalse($status['noreply_valid']);
    }

    /**
     * A user who is neither the integration user nor has moodle/site:config is refused.
     */
    public function test_stranger_is_refused(): void {
        $this->resetAfterTest();
        $this->setup_integration_user();
        $this->setUser($this->getDataGenerator()->create_user());

        $this->expectException(\moodle_exception::class);
        $this->expectExceptionMessage('only the plugin\'s integration user');
        get_integration_status::execute();
    }

    /**
     * An admin may read it; with no integration user configured, the caller's own capabilities are reported.
     */
    public function test_admin_without_integration_user(): void {
        $this->resetAfterTest();
        set_config('integrationuserid', 0, 'local_zohosync');
        $this->setAdminUser();

        $status = $this->call();

        $this->assertSame(0, $status['integration_user_id']);
        $this->assertFalse($status['caller_is_integration_user']);
        $this->assertSame([], $status['missing_capabilities']);
        $this->assertContains('student', $this->sorted_shortnames($status));
    }

    /**
     * The shortnames of the assignable roles, sorted.
     *
     * @param array $status A report.
     * @return string[]
     */
    private function sorted_shortnames(array $status): array {
        $names = array_column($status['assignable_roles'], 'shortname');
        sort($names);
        return $names;
    }
}
