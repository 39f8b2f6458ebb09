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

use core\ip_utils;

/**
 * Moodle's own HTTP security (Site administration > General > Security > HTTP security: the cURL
 * blocked hosts list `curlsecurityblockedhosts` and allowed ports `curlsecurityallowedport`) as it
 * applies to the service URL: whether the plugin may reach it, and if not exactly which entries to
 * remove or which port to add. The one place this is worked out: deliveries and "Test connection"
 * ({@see connection_test}), the setup script (cli/setup_integration.php) and the integration status
 * (local_zohosync_get_integration_status) all use it.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class http_security {
    /** @var string The admin setting listing blocked hosts. */
    public const SETTING_HOSTS = 'curlsecurityblockedhosts';

    /** @var string The admin setting listing allowed ports. */
    public const SETTING_PORTS = 'curlsecurityallowedport';

    /**
     * Checks a URL against Moodle's HTTP security.
     *
     * @param string $url The URL (the service's base URL or one of its endpoints); '' = none set.
     * @return array{allowed: bool, setting: string, detail: string, url: string, host: string, port: string,
     *     blockinghosts: string[], portblocked: bool, resolves: bool}
     *     allowed: Moodle lets cURL call it (false for '' and invalid URLs); setting: '' when allowed or when no
     *     setting is the cause (no URL, not an http(s) URL, a host that does not resolve), else the setting to
     *     change first ({@see SETTING_HOSTS} when the host is blocked, else {@see SETTING_PORTS}); detail: a
     *     sentence naming the host/port and the fix; blockinghosts: the entries of the blocked hosts list that
     *     block the host; portblocked: the port is missing from a non-empty allowed ports list.
     */
    public static function check(string $url): array {
        $url = trim($url);
        $result = ['allowed' => false, 'setting' => '', 'detail' => '', 'url' => $url, 'host' => '', 'port' => '',
            'blockinghosts' => [], 'portblocked' => false, 'resolves' => false];
        if ($url === '') {
            $result['detail'] = get_string('httpsecurity:nourl', 'local_zohosync');
            return $result;
        }
        $host = preg_match('~^https?://~i', $url) ? trim((string) parse_url($url, PHP_URL_HOST), '[]') : '';
        if ($host === '') {
            $result['detail'] = get_string('httpsecurity:invalidurl', 'local_zohosync', $url);
            return $result;
        }
        $port = (string) (parse_url($url, PHP_URL_PORT) ?: (str_starts_with(strtolower($url), 'https') ? 443 : 80));
        $result['host'] = $host;
        $result['port'] = $port;
        $result['resolves'] = self::resolves($url);
        if (!(new \core\files\curl_security_helper())->url_is_blocked($url)) {
            $result['allowed'] = true;
            $result['detail'] = get_string('httpsecurity:allowed', 'local_zohosync', $url);
            return $result;
        }
        if (!$result['resolves']) {
            // Moodle blocks a host it cannot resolve (when IP rules exist): a DNS problem, not a setting.
            $result['detail'] = get_string('httpsecurity:dns', 'local_zohosync', (object) ['url' => $url, 'host' => $host]);
            return $result;
        }
        $result['blockinghosts'] = self::blocking_entries($host);
        $ports = self::entries('curlsecurityallowedport');
        $result['portblocked'] = $ports && !in_array((int) $port, array_map('intval', $ports), true);
        $fixes = [];
        if ($result['blockinghosts']) {
            $result['setting'] = self::SETTING_HOSTS;
            $fixes[] = get_string('httpsecurity:removehosts', 'local_zohosync',
                (object) ['host' => $host, 'entries' => implode(', ', $result['blockinghosts']), 'setting' => self::SETTING_HOSTS]);
        }
        if ($result['portblocked']) {
            $result['setting'] = $result['setting'] ?: self::SETTING_PORTS;
            $fixes[] = get_string('httpsecurity:addport', 'local_zohosync', (object) ['port' => $port, 'setting' => self::SETTING_PORTS]);
        }
        $result['detail'] = get_string('httpsecurity:blocked', 'local_zohosync',
            (object) ['url' => $url, 'fixes' => $fixes ? implode('; ', $fixes) : get_string('httpsecurity:unknownentry', 'local_zohosync')]);
        return $result;
    }

    /**
     * Whether Moodle's own HTTP security refuses this URL. Moodle also calls a host it cannot resolve
     * "blocked": that is a DNS problem, possibly passing, so it is not reported as one here.
     *
     * @param string $url The URL.
     * @return bool
     */
    public static function blocked_by_moodle(string $url): bool {
        return self::resolves($url) && (new \core\files\curl_security_helper())->url_is_blocked($url);
    }

    /**
     * Changes the two settings so that a URL {@see check()} found blocked is allowed: removes exactly the
     * entries that block its host and adds exactly its port.
     *
     * @param array $check A result of {@see check()}.
     */
    public static function unblock(array $check): void {
        if ($check['blockinghosts']) {
            set_config(self::SETTING_HOSTS, implode("\n", array_diff(self::entries(self::SETTING_HOSTS), $check['blockinghosts'])));
        }
        if ($check['portblocked']) {
            set_config(self::SETTING_PORTS, implode("\n", array_merge(self::entries(self::SETTING_PORTS), [$check['port']])));
        }
    }

    /**
     * The entries of the blocked hosts list that block a host, judged one by one as Moodle's
     * curl_security_helper does: an address or range holding the host's address (for a name, any
     * address it resolves to), or a name or wildcard matching the host (for an address, its reverse
     * DNS name).
     *
     * @param string $host The host (name, IPv4, or IPv6 without brackets).
     * @return string[]
     */
    private static function blocking_entries(string $host): array {
        $isip = ip_utils::is_ip_address($host);
        $ips = $isip ? [$host] : (gethostbynamel($host) ?: []);
        $names = [];
        if (!$isip) {
            $names[] = $host;
        } else if (($reverse = gethostbyaddr($host)) && $reverse !== $host) {
            $names[] = $reverse;
        }
        $blocking = [];
        foreach (self::entries(self::SETTING_HOSTS) as $entry) {
            $isaddress = ip_utils::is_ipv4_address($entry) || ip_utils::is_ipv4_range($entry)
                || ip_utils::is_ipv6_address($entry) || ip_utils::is_ipv6_range($entry);
            if ($isaddress) {
                foreach ($ips as $ip) {
                    if (address_in_subnet($ip, $entry, true)) {
                        $blocking[] = $entry;
                        continue 2;
                    }
                }
            } else {
                foreach ($names as $name) {
                    if (ip_utils::is_domain_in_allowed_list($name, [$entry])) {
                        $blocking[] = $entry;
                        continue 2;
                    }
                }
            }
        }
        return $blocking;
    }

    /**
     * The non-empty lines of one of the two settings.
     *
     * @param string $setting {@see SETTING_HOSTS} or {@see SETTING_PORTS}.
     * @return string[]
     */
    private static function entries(string $setting): array {
        global $CFG;
        return array_values(array_filter(array_map('trim', explode("\n", (string) ($CFG->$setting ?? ''))), 'strlen'));
    }

    /**
     * Whether the URL's host is an IP address or has one in DNS.
     *
     * @param string $url The URL.
     * @return bool
     */
    private static function resolves(string $url): bool {
        $host = trim((string) parse_url($url, PHP_URL_HOST), '[]');
        return $host !== '' && (filter_var($host, FILTER_VALIDATE_IP) !== false || gethostbynamel($host) !== false);
    }
}
