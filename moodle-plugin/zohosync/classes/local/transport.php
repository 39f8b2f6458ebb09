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
 * Posts one signed body to the service through Moodle's HTTP client.
 *
 * `\core\http_client` applies the site's proxy settings and the blocked hosts/ports lists. It is
 * taken from `\core\di`, so tests can replace it with one built on a Guzzle MockHandler.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class transport {
    /**
     * Sends one attempt.
     *
     * @param string $url The endpoint.
     * @param string $body The JSON body.
     * @param string $deliveryid The delivery id (`webhook-id`).
     * @return array{status: ?int, error: ?string, body?: string} The HTTP status (null when no answer), an error
     *     text, and the answer's body on success.
     * @throws \InvalidArgumentException When the secret is malformed (a configuration problem).
     */
    public static function post(string $url, string $body, string $deliveryid): array {
        $signer = new signer(config::secret());
        // A fresh timestamp on every attempt: the service refuses timestamps more than 5 minutes off.
        $timestamp = \core\di::get(\core\clock::class)->time();
        $headers = $signer->headers($deliveryid, $timestamp, $body) + [
            'Content-Type' => 'application/json',
            'Accept' => 'application/json',
        ];
        $client = \core\di::get(\core\http_client::class);
        try {
            $response = $client->request('POST', $url, [
                'headers' => $headers,
                'body' => $body,
                'timeout' => config::timeout(),
                'connect_timeout' => config::connect_timeout(),
                'http_errors' => false,
                // A redirect of a signed POST is a misconfigured URL, not something to follow.
                'allow_redirects' => false,
            ]);
        } catch (\GuzzleHttp\Exception\GuzzleException $e) {
            // Connection refused, DNS, TLS, timeout, blocked host: no answer from the service.
            return ['status' => null, 'error' => get_class($e) . ': ' . $e->getMessage()];
        }
        $status = $response->getStatusCode();
        if ($status >= 200 && $status < 300) {
            return ['status' => $status, 'error' => null, 'body' => \core_text::substr((string) $response->getBody(), 0, 10000)];
        }
        $answer = \core_text::substr(trim((string) $response->getBody()), 0, 1000);
        return ['status' => $status, 'error' => 'HTTP ' . $status . ($answer !== '' ? ': ' . $answer : '')];
    }
}
