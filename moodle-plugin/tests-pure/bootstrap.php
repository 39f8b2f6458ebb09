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
 * Bootstrap of the pure test suite: loads the plugin's Moodle-free classes, nothing else.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

// The pure classes never touch Moodle; the constant is defined in case one is included the Moodle way.
define('MOODLE_INTERNAL', true);

$classes = __DIR__ . '/../zohosync/classes/local/';
foreach (['money', 'signer', 'validator', 'grade_role', 'delivery_outcome', 'finance_summary', 'payload_builder',
        'unit_progress', 'dashboard_rule'] as $name) {
    require_once($classes . $name . '.php');
}

/**
 * The shared Standard Webhooks test vector (tests/fixtures/signing/standard-webhooks.json).
 *
 * @return array{secret: string, id: string, timestamp: int, body: string, signature: string}
 */
function local_zohosync_pure_signing_vector(): array {
    $json = file_get_contents(__DIR__ . '/../../tests/fixtures/signing/standard-webhooks.json');
    return json_decode($json, true, 512, JSON_THROW_ON_ERROR);
}
