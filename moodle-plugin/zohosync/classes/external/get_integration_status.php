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
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_zohosync\local\integration_status;

/**
 * Web service local_zohosync_get_integration_status (read-only).
 *
 * The plugin's own side of the integration, so the service's `bin/doctor` can name each
 * misconfiguration with its fix. Allowed to the plugin's integration user
 * (local_zohosync/integrationuserid) and to users with moodle/site:config.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_integration_status extends external_api {
    /**
     * Parameters: none.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([]);
    }

    /**
     * Runs the function.
     *
     * @return array
     * @throws \moodle_exception nopermissions for anybody else.
     */
    public static function execute(): array {
        global $USER;
        self::validate_parameters(self::execute_parameters(), []);
        $context = \context_system::instance();
        self::validate_context($context);
        if (!integration_status::may_read((int) $USER->id)) {
            throw new \moodle_exception('nopermissions', 'error', '', get_string('status:notallowed', 'local_zohosync'));
        }
        return integration_status::report((int) $USER->id);
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'plugin_release' => new external_value(PARAM_TEXT, 'The plugin\'s release ($plugin->release)'),
            'plugin_version' => new external_value(PARAM_INT, 'The plugin\'s version ($plugin->version)'),
            'sending_enabled' => new external_value(PARAM_BOOL, 'Sending events is switched on (local_zohosync/enabled)'),
            'service_url' => new external_value(PARAM_RAW, 'The service URL (local_zohosync/serviceurl); "" when unset'),
            'secret_configured' => new external_value(PARAM_BOOL, 'A valid whsec_ signing secret is set (the secret is never returned)'),
            'secret_fingerprint' => new external_value(PARAM_ALPHANUM,
                'First 16 hex digits of HMAC-SHA256(secret key, "local_zohosync secret fingerprint"); "" without a valid secret'),
            'integration_user_id' => new external_value(PARAM_INT, 'The configured integration user (local_zohosync/integrationuserid); 0 when unset'),
            'caller_is_integration_user' => new external_value(PARAM_BOOL, 'The caller is that user'),
            'http_security' => new external_single_structure([
                'allowed' => new external_value(PARAM_BOOL, 'Moodle\'s HTTP security lets the plugin reach service_url (false when it is empty)'),
                'setting' => new external_value(PARAM_ALPHANUMEXT,
                    'When blocked by a setting: curlsecurityblockedhosts (the host; checked first) or curlsecurityallowedport; '
                    . 'else "" (allowed, no URL, not an http(s) URL, host not in DNS)'),
                'detail' => new external_value(PARAM_TEXT, 'What is allowed or blocked: the host/port and the entries to remove or the port to add'),
            ], 'Moodle\'s HTTP security (cURL blocked hosts, allowed ports) for the service URL'),
            'missing_capabilities' => new external_multiple_structure(
                new external_value(PARAM_RAW, 'A capability'),
                'Capabilities the service needs that the integration user (the caller when none is configured) lacks in the system context'),
            'assignable_roles' => new external_multiple_structure(new external_single_structure([
                'id' => new external_value(PARAM_INT, 'Role id'),
                'shortname' => new external_value(PARAM_ALPHANUMEXT, 'Role shortname'),
            ]), 'Roles the integration user may assign (moodle/role:assign and "Allow role assignments" of its system roles)'),
            'cron_last_run' => new external_value(PARAM_INT, 'When cron last started (tool_task/lastcronstart, unix time); 0 = never'),
            'noreply_address' => new external_value(PARAM_RAW, 'The no-reply address (noreplyaddress)'),
            'noreply_valid' => new external_value(PARAM_BOOL, 'It is a valid e-mail address (else Moodle cannot send the enrolment e-mails)'),
            'outbox' => new external_single_structure([
                'pending' => new external_value(PARAM_INT, 'Deliveries not sent yet (pending or retrying)'),
                'failed' => new external_value(PARAM_INT, 'Failed deliveries (need an admin)'),
                'oldest_pending' => new external_value(PARAM_INT, 'When the oldest pending delivery was queued (unix time); 0 when none'),
            ], 'The delivery log (local_zohosync_deliveries)'),
        ]);
    }
}
