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

/**
 * Signs a body with the plugin's signer, for the service's tests (tests/moodlePlugin/signingVector.test.ts).
 *
 * Usage: php sign_cli.php <secret> <webhook-id> < body
 * Prints the three Standard Webhooks headers as JSON, signed with the current time.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('MOODLE_INTERNAL', true);
require_once(__DIR__ . '/../zohosync/classes/local/signer.php');

if (PHP_SAPI !== 'cli' || $argc !== 3) {
    fwrite(STDERR, "usage: php sign_cli.php <secret> <webhook-id> < body\n");
    exit(2);
}
$body = stream_get_contents(STDIN);
$signer = new \local_zohosync\local\signer($argv[1]);
echo json_encode($signer->headers($argv[2], time(), $body), JSON_UNESCAPED_SLASHES), "\n";
