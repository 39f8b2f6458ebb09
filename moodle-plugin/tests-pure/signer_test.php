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

namespace local_zohosync\tests_pure;

use local_zohosync\local\signer;
use PHPUnit\Framework\TestCase;

/**
 * Tests of the Standard Webhooks signer.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\signer
 */
final class signer_test extends TestCase {
    /**
     * The plugin reproduces the signature the service's library computed for the shared vector.
     */
    public function test_matches_the_shared_vector_signed_by_the_service_library(): void {
        $vector = local_zohosync_pure_signing_vector();
        $signer = new signer($vector['secret']);
        $this->assertSame($vector['signature'], $signer->sign($vector['id'], $vector['timestamp'], $vector['body']));
    }

    /**
     * Headers carry the id, the timestamp as a decimal string and the v1 signature.
     */
    public function test_headers_for_the_shared_vector(): void {
        $vector = local_zohosync_pure_signing_vector();
        $headers = (new signer($vector['secret']))->headers($vector['id'], $vector['timestamp'], $vector['body']);
        $this->assertSame([
            'webhook-id' => $vector['id'],
            'webhook-timestamp' => (string) $vector['timestamp'],
            'webhook-signature' => $vector['signature'],
        ], $headers);
    }

    /**
     * The key is the base64-decoded secret, not the secret text (a classic interoperability bug).
     */
    public function test_keys_with_the_decoded_bytes(): void {
        $key = str_repeat('k', 32);
        $signer = new signer('whsec_' . base64_encode($key));
        $expected = 'v1,' . base64_encode(hash_hmac('sha256', 'msg_1.1700000000.{}', $key, true));
        $this->assertSame($expected, $signer->sign('msg_1', 1700000000, '{}'));
    }

    /**
     * A different body, id or timestamp gives a different signature.
     */
    public function test_every_signed_part_matters(): void {
        $signer = new signer('whsec_' . base64_encode(str_repeat('a', 32)));
        $base = $signer->sign('id1', 1700000000, '{"a":1}');
        $this->assertNotSame($base, $signer->sign('id2', 1700000000, '{"a":1}'));
        $this->assertNotSame($base, $signer->sign('id1', 1700000001, '{"a":1}'));
        $this->assertNotSame($base, $signer->sign('id1', 1700000000, '{"a":2}'));
    }

    /**
     * Malformed secrets are refused, and the message does not echo the secret.
     *
     * @dataProvider invalid_secrets
     * @param string $secret A malformed secret.
     */
    public function test_refuses_malformed_secrets(string $secret): void {
        $this->assertFalse(signer::is_valid_secret($secret));
        try {
            new signer($secret);
            $this->fail('expected an exception');
        } catch (\InvalidArgumentException $e) {
            if (strlen($secret) > strlen(signer::SECRET_PREFIX)) {
                $this->assertStringNotContainsString($secret, $e->getMessage());
            }
        }
    }

    /**
     * Malformed secrets.
     *
     * @return array
     */
    public static function invalid_secrets(): array {
        return [
            'empty' => [''],
            'no prefix' => [base64_encode(str_repeat('a', 32))],
            'prefix only' => ['whsec_'],
            'not base64' => ['whsec_not*base64!'],
            'too short' => ['whsec_' . base64_encode(str_repeat('a', 16))],
            'too long' => ['whsec_' . base64_encode(str_repeat('a', 65))],
            'space inside' => ['whsec_' . substr(base64_encode(str_repeat('a', 32)), 0, 20) . ' '
                . substr(base64_encode(str_repeat('a', 32)), 20)],
            'url-safe alphabet' => ['whsec_' . strtr(base64_encode(str_repeat("\xfb", 32)), '+/', '-_')],
        ];
    }

    /**
     * Secrets of 24 to 64 bytes are accepted; surrounding spaces (a paste) are ignored.
     */
    public function test_accepts_valid_secrets(): void {
        $this->assertTrue(signer::is_valid_secret('whsec_' . base64_encode(str_repeat('a', 24))));
        $this->assertTrue(signer::is_valid_secret('whsec_' . base64_encode(str_repeat('a', 64))));
        $this->assertTrue(signer::is_valid_secret(' whsec_' . base64_encode(str_repeat('a', 32)) . "\n"));
    }

    /**
     * Ids that a header cannot carry, or the service would refuse, are refused before sending.
     */
    public function test_refuses_bad_ids(): void {
        $signer = new signer('whsec_' . base64_encode(str_repeat('a', 32)));
        $this->expectException(\InvalidArgumentException::class);
        $signer->headers("bad id\n", 1700000000, '{}');
    }
}
