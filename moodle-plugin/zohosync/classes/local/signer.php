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
 * Standard Webhooks signing (https://www.standardwebhooks.com), the scheme the service verifies.
 *
 * Pure PHP: no Moodle API, so it is unit-tested with plain PHPUnit (moodle-plugin/tests-pure).
 * The secret is `whsec_<base64>`; the HMAC-SHA256 key is the base64-decoded bytes after the
 * prefix; the signed content is `{webhook-id}.{webhook-timestamp}.{raw body}`; the signature
 * header is `v1,<base64 signature>`.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class signer {
    /** @var string Prefix of every secret. */
    public const SECRET_PREFIX = 'whsec_';

    /** @var int Shortest key accepted, in bytes (the Standard Webhooks spec asks for 24 to 64). */
    public const MIN_KEY_BYTES = 24;

    /** @var int Longest key accepted, in bytes. */
    public const MAX_KEY_BYTES = 64;

    /** @var string The raw HMAC key. */
    private string $key;

    /**
     * Creates a signer for one secret.
     *
     * @param string $secret The `whsec_…` secret shared with the service.
     * @throws \InvalidArgumentException When the secret is not a valid `whsec_` secret.
     */
    public function __construct(string $secret) {
        $key = self::decode_secret($secret);
        if ($key === null) {
            // Never put the secret itself in the message.
            throw new \InvalidArgumentException('The signing secret must be "whsec_" followed by base64 of '
                . self::MIN_KEY_BYTES . ' to ' . self::MAX_KEY_BYTES . ' bytes.');
        }
        $this->key = $key;
    }

    /**
     * Whether a secret has the expected form.
     *
     * @param string $secret The candidate secret.
     * @return bool
     */
    public static function is_valid_secret(string $secret): bool {
        return self::decode_secret($secret) !== null;
    }

    /** @var string What the fingerprint of a secret is the HMAC of (the service computes the same). */
    public const FINGERPRINT_MESSAGE = 'local_zohosync secret fingerprint';

    /**
     * A short fingerprint of a secret, so the service can tell whether both sides hold the same one without either
     * revealing it: the first 16 hex digits of HMAC-SHA256(key, FINGERPRINT_MESSAGE). A whsec_ key is 24 to 64
     * random bytes, so 64 bits of its HMAC give nothing to guess it from.
     *
     * @param string $secret The secret.
     * @return string '' when the secret is not a valid whsec_ secret.
     */
    public static function fingerprint(string $secret): string {
        $key = self::decode_secret($secret);
        return $key === null ? '' : substr(hash_hmac('sha256', self::FINGERPRINT_MESSAGE, $key), 0, 16);
    }

    /**
     * Decodes a `whsec_` secret into its key bytes.
     *
     * @param string $secret The candidate secret.
     * @return string|null The key, or null when the secret is malformed.
     */
    private static function decode_secret(string $secret): ?string {
        $secret = trim($secret);
        if (strncmp($secret, self::SECRET_PREFIX, strlen(self::SECRET_PREFIX)) !== 0) {
            return null;
        }
        $encoded = substr($secret, strlen(self::SECRET_PREFIX));
        if ($encoded === '' || !preg_match('~^[A-Za-z0-9+/]+={0,2}$~', $encoded)) {
            return null;
        }
        $key = base64_decode($encoded, true);
        if ($key === false || strlen($key) < self::MIN_KEY_BYTES || strlen($key) > self::MAX_KEY_BYTES) {
            return null;
        }
        return $key;
    }

    /**
     * The `webhook-signature` value for one message.
     *
     * @param string $id The delivery id (`webhook-id`).
     * @param int $timestamp Unix seconds of this attempt (`webhook-timestamp`).
     * @param string $body The exact bytes that are sent as the request body.
     * @return string `v1,<base64 HMAC-SHA256>`
     */
    public function sign(string $id, int $timestamp, string $body): string {
        $content = $id . '.' . $timestamp . '.' . $body;
        return 'v1,' . base64_encode(hash_hmac('sha256', $content, $this->key, true));
    }

    /**
     * The three Standard Webhooks headers for one attempt.
     *
     * @param string $id The delivery id, the same on every retry.
     * @param int $timestamp Unix seconds of this attempt (fresh on every retry).
     * @param string $body The exact request body.
     * @return array<string, string> Header name => value.
     * @throws \InvalidArgumentException When the id is empty or contains characters a header cannot carry.
     */
    public function headers(string $id, int $timestamp, string $body): array {
        if (!preg_match('/^[\x21-\x7e]{1,200}$/', $id)) {
            throw new \InvalidArgumentException('The webhook id must be 1 to 200 printable characters without spaces.');
        }
        if ($timestamp < 0) {
            throw new \InvalidArgumentException('The webhook timestamp must not be negative.');
        }
        return [
            'webhook-id' => $id,
            'webhook-timestamp' => (string) $timestamp,
            'webhook-signature' => $this->sign($id, $timestamp, $body),
        ];
    }
}
