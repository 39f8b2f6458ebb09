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
 * The plugin's own side of the integration, for the service's `bin/doctor`
 * (local_zohosync_get_integration_status): settings, Moodle's HTTP security for the service URL,
 * what the integration user lacks, cron, the no-reply address and the delivery log. Never the secret.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class integration_status {
    /** @var string[] Delivery statuses counted as "pending": not delivered yet, Moodle will still try. */
    public const PENDING_STATUSES = [deliveries::STATUS_PENDING, deliveries::STATUS_RETRYING];

    /**
     * Whether a user may read the status: the configured integration user, or a user with moodle/site:config.
     *
     * @param int $userid The user.
     * @return bool
     */
    public static function may_read(int $userid): bool {
        return config::is_integration_user($userid) || has_capability('moodle/site:config', \context_system::instance(), $userid);
    }

    /**
     * The report.
     *
     * @param int $callerid The calling user.
     * @return array See local_zohosync\external\get_integration_status::execute_returns().
     */
    public static function report(int $callerid): array {
        global $CFG;
        $plugin = \core_plugin_manager::instance()->get_plugin_info('local_zohosync');
        $integrationid = config::integration_userid();
        // What the service's user can do: the configured one, else (not set up yet) whoever asks.
        $subjectid = $integrationid > 0 ? $integrationid : $callerid;
        $security = http_security::check(config::service_url());
        $noreply = trim((string) ($CFG->noreplyaddress ?? ''));
        return [
            'plugin_release' => (string) $plugin->release,
            'plugin_version' => (int) $plugin->versiondisk,
            'sending_enabled' => !empty(get_config('local_zohosync', 'enabled')),
            'service_url' => config::service_url(),
            'secret_configured' => signer::is_valid_secret(config::secret()),
            'secret_fingerprint' => signer::fingerprint(config::secret()),
            'integration_user_id' => $integrationid,
            'caller_is_integration_user' => config::is_integration_user($callerid),
            'http_security' => [
                'allowed' => $security['allowed'],
                'setting' => $security['allowed'] ? '' : $security['setting'],
                'detail' => $security['detail'],
            ],
            'missing_capabilities' => self::missing_capabilities($subjectid),
            'assignable_roles' => self::assignable_roles($subjectid),
            'cron_last_run' => (int) get_config('tool_task', 'lastcronstart'),
            'noreply_address' => $noreply,
            'noreply_valid' => $noreply !== '' && validate_email($noreply),
            'outbox' => self::outbox(),
        ];
    }

    /**
     * The capabilities of {@see integration_requirements::CAPABILITIES} a user lacks in the system context.
     *
     * @param int $userid The user.
     * @return string[] In the order of the list.
     */
    public static function missing_capabilities(int $userid): array {
        $context = \context_system::instance();
        $missing = [];
        foreach (array_keys(integration_requirements::CAPABILITIES) as $capability) {
            // A capability this site does not define (plugin not upgraded) counts as missing.
            if (!get_capability_info($capability) || !has_capability($capability, $context, $userid)) {
                $missing[] = $capability;
            }
        }
        return $missing;
    }

    /**
     * The roles a user may assign, as get_assignable_roles() decides (moodle/role:assign in the system
     * context, then "Allow role assignments" of the roles the user holds there; every role for a site
     * admin), but not limited to roles assignable in the system context itself: the service assigns
     * student and teacher roles in courses, which are not assignable at system level.
     *
     * @param int $userid The user.
     * @return array[] [{id, shortname}] in Moodle's role order.
     */
    public static function assignable_roles(int $userid): array {
        global $DB;
        $context = \context_system::instance();
        if ($userid <= 0 || !has_capability('moodle/role:assign', $context, $userid)) {
            return [];
        }
        if (is_siteadmin($userid)) {
            $roles = $DB->get_records('role', null, 'sortorder ASC', 'id, shortname, sortorder');
        } else {
            $roles = $DB->get_records_sql(
                "SELECT r.id, r.shortname, r.sortorder
                   FROM {role} r
                  WHERE r.id IN (SELECT raa.allowassign
                                   FROM {role_allow_assign} raa
                                   JOIN {role_assignments} ra ON ra.roleid = raa.roleid
                                  WHERE ra.userid = :userid AND ra.contextid = :contextid)
               ORDER BY r.sortorder ASC", ['userid' => $userid, 'contextid' => $context->id]);
        }
        return array_values(array_map(fn($role) => ['id' => (int) $role->id, 'shortname' => $role->shortname], $roles));
    }

    /**
     * The delivery log's backlog.
     *
     * @return array{pending: int, failed: int, oldest_pending: int}
     */
    public static function outbox(): array {
        global $DB;
        [$insql, $params] = $DB->get_in_or_equal(self::PENDING_STATUSES, SQL_PARAMS_NAMED);
        $pending = $DB->get_record_sql("SELECT COUNT(1) AS total, MIN(timecreated) AS oldest
                                          FROM {" . deliveries::TABLE . "} WHERE status {$insql}", $params);
        return [
            'pending' => (int) $pending->total,
            'failed' => $DB->count_records(deliveries::TABLE, ['status' => deliveries::STATUS_FAILED]),
            'oldest_pending' => (int) ($pending->oldest ?? 0),
        ];
    }
}
