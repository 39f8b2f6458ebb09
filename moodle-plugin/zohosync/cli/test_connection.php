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
 * Tests the plugin's connection to the sync service (a signed ping; nothing is stored) and
 * prints the precise reason when it fails. Exit 0 when connected, 1 otherwise.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../../config.php');
require_once($CFG->libdir . '/clilib.php');

[$options, $unrecognised] = cli_get_params(['help' => false], ['h' => 'help']);
if ($unrecognised) {
    cli_error('Unknown option(s): ' . implode(', ', $unrecognised) . '. See --help.', 2);
}
if ($options['help']) {
    echo "Sends a signed ping to the service URL of local_zohosync's settings and says whether it arrived.\n\n"
        . "Usage: php local/zohosync/cli/test_connection.php\n";
    exit(0);
}
$result = \local_zohosync\local\connection_test::run();
cli_writeln(($result['ok'] ? 'ok: ' : 'FAILED (' . $result['reason'] . '): ') . $result['detail']);
exit($result['ok'] ? 0 : 1);
