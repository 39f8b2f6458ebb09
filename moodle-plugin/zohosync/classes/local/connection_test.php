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
 * "Test connection": a signed ping to the service's /v1/ping/moodle, which checks the URL,
 * the network path and the secret and stores nothing. Says precisely what is wrong: Moodle's
 * own HTTP security, DNS, TLS, a refused or timed-out connection, a wrong secret (401), or a
 * URL that is not this service (404).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class connection_test {
    /**
     * Runs the test with the saved settings.
     *
     * @return array{ok: bool, reason: string, detail: string} reason: a short code
     *     (ok, notconfigured, blocked, dns, tls, refused, timeout, secret, notfound, http, network).
     */
    public static function run(): array {
        $serviceurl = config::service_url();
        if ($serviceurl === '' || !signer::is_valid_secret(config::secret())) {
            return self::result('notconfigured', get_string('error:notconfigured', 'local_zohosync'));
        }
        $url = $serviceurl . '/v1/ping/moodle';
        $security = http_security::check($url);
        if (!$security['resolves']) {
            return self::result('dns', get_string('testconnection:dns', 'local_zohosync', parse_url($url, PHP_URL_HOST)));
        }
        if (!$security['allowed']) {
            return self::result('blocked', get_string('error:blockedbymoodle', 'local_zohosync', $url));
        }
        global $CFG;
        $body = json_encode(['ping' => true, 'site' => $CFG->wwwroot]);
        $answer = transport::post($url, $body, 'ping-' . bin2hex(random_bytes(8)));
        $status = $answer['status'];
        if ($status === 200) {
            $service = json_decode((string) ($answer['body'] ?? ''), true);
            $version = is_array($service) ? (string) ($service['version'] ?? '?') : '?';
            return self::result('ok', get_string('testconnection:ok', 'local_zohosync', (object) ['url' => $serviceurl, 'version' => $version]));
        }
        if ($status === 401) {
            return self::result('secret', get_string('testconnection:secret', 'local_zohosync'));
        }
        if ($status === 404) {
            return self::result('notfound', get_string('testconnection:notfound', 'local_zohosync', $serviceurl));
        }
        $error = (string) $answer['error'];
        if ($status !== null) {
            return self::result('http', get_string('testconnection:http', 'local_zohosync', $error));
        }
        // No answer: cURL's own words say why.
        $reasons = [
            'dns' => '/Could not resolve host|resolve/i',
            'tls' => '/SSL|certificate|TLS/i',
            'timeout' => '/timed out|timeout/i',
            'refused' => '/refused|Failed to connect|Couldn\'t connect/i',
        ];
        foreach ($reasons as $reason => $pattern) {
            if (preg_match($pattern, $error)) {
                return self::result($reason, get_string('testconnection:' . $reason, 'local_zohosync', $error));
            }
        }
        return self::result('network', get_string('testconnection:network', 'local_zohosync', $error));
    }

    /**
     * Whether Moodle's own HTTP security (cURL blocked hosts, allowed ports) refuses this URL
     * (not for a host that does not resolve: a DNS problem). See {@see http_security}.
     *
     * @param string $url The URL.
     * @return bool
     */
    public static function blocked_by_moodle(string $url): bool {
        return http_security::blocked_by_moodle($url);
    }

    /**
     * One result.
     *
     * @param string $reason The code.
     * @param string $detail What to tell the admin.
     * @return array{ok: bool, reason: string, detail: string}
     */
    private static function result(string $reason, string $detail): array {
        return ['ok' => $reason === 'ok', 'reason' => $reason, 'detail' => $detail];
    }
}
