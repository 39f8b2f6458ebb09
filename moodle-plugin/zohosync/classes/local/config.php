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
 * Typed access to the plugin's admin settings.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class config {
    /** @var string[] Keys of the "events to send" setting, in the order shown to admins. */
    public const EVENT_KEYS = [
        'user_created', 'user_updated', 'user_deleted',
        'user_enrolment_created', 'user_enrolment_updated', 'user_enrolment_deleted', 'role_assigned',
        'submission_graded', 'user_graded',
        'course_created', 'course_updated',
    ];

    /** @var string[] Sections of the student dashboard that can be switched off. */
    public const SECTIONS = ['profile', 'finance', 'programs', 'payments', 'grades'];

    /**
     * A raw setting.
     *
     * @param string $name The setting name.
     * @return mixed
     */
    private static function get(string $name) {
        return get_config('local_zohosync', $name);
    }

    /**
     * Whether sending is switched on and the service URL and secret are set.
     *
     * @return bool
     */
    public static function is_configured(): bool {
        return !empty(self::get('enabled')) && self::service_url() !== '' && signer::is_valid_secret(self::secret());
    }

    /**
     * Whether events of one kind are to be sent.
     *
     * @param string $key One of {@see EVENT_KEYS}.
     * @return bool
     */
    public static function sends(string $key): bool {
        if (empty(self::get('enabled'))) {
            return false;
        }
        $events = self::get('events');
        if ($events === false || $events === null) {
            // Never saved: every event is on by default.
            return true;
        }
        return in_array($key, explode(',', (string) $events), true);
    }

    /**
     * The service base URL, without a trailing slash.
     *
     * @return string
     */
    public static function service_url(): string {
        return rtrim(trim((string) self::get('serviceurl')), '/');
    }

    /**
     * The signing secret (`whsec_…`). Never log it.
     *
     * @return string
     */
    public static function secret(): string {
        return trim((string) self::get('secret'));
    }

    /**
     * The integration's web-service user (0 when not set).
     *
     * @return int
     */
    public static function integration_userid(): int {
        return (int) self::get('integrationuserid');
    }

    /**
     * Whether a user is the integration's own web-service user (its changes are not sent back).
     *
     * @param int $userid The acting user of an event.
     * @return bool
     */
    public static function is_integration_user(int $userid): bool {
        $integration = self::integration_userid();
        return $integration > 0 && $userid === $integration;
    }

    /**
     * Seconds to wait for the whole request.
     *
     * @return int
     */
    public static function timeout(): int {
        return max(1, (int) (self::get('timeout') ?: 30));
    }

    /**
     * Seconds to wait for the connection.
     *
     * @return int
     */
    public static function connect_timeout(): int {
        return max(1, (int) (self::get('connecttimeout') ?: 10));
    }

    /**
     * Attempts per delivery before it is recorded as failed.
     *
     * @return int
     */
    public static function max_attempts(): int {
        return max(1, min(100, (int) (self::get('maxattempts') ?: 12)));
    }

    /**
     * Shortname of the internal-verifier role.
     *
     * @return string
     */
    public static function iv_role_shortname(): string {
        $value = self::get('ivroleshortname');
        return ($value === false || $value === null) ? 'internalverifier' : trim((string) $value);
    }

    /**
     * Days sent and skipped deliveries are kept.
     *
     * @return int
     */
    public static function retention_days(): int {
        return max(1, (int) (self::get('retentiondays') ?: 90));
    }

    /**
     * Days failed deliveries are kept.
     *
     * @return int
     */
    public static function failed_retention_days(): int {
        return max(1, (int) (self::get('failedretentiondays') ?: 365));
    }

    /**
     * Whether a dashboard section is shown.
     *
     * @param string $section One of {@see SECTIONS}.
     * @return bool
     */
    public static function shows_section(string $section): bool {
        $value = self::get('show' . $section);
        return $value === false || $value === null || !empty($value);
    }
}
