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
 * What an answer from the service means for a delivery (moodle-plugin/README.md, "Answers").
 *
 * 2xx (202 accepted, 200 duplicate) is done; no answer (network error, timeout), 408, 429
 * and 5xx are worth retrying; every other status (400, 401, 404, 413, 415, 3xx …) will not
 * get better by retrying. Pure PHP.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class delivery_outcome {
    /** @var string The service has the event. */
    public const DONE = 'done';

    /** @var string Try again later. */
    public const RETRY = 'retry';

    /** @var string Give up: record as failed. */
    public const FAIL = 'fail';

    /**
     * Classifies one attempt.
     *
     * @param int|null $httpstatus The HTTP status, or null when no answer arrived.
     * @return string One of the class constants.
     */
    public static function classify(?int $httpstatus): string {
        if ($httpstatus === null) {
            return self::RETRY;
        }
        if ($httpstatus >= 200 && $httpstatus < 300) {
            return self::DONE;
        }
        if ($httpstatus === 408 || $httpstatus === 429 || $httpstatus >= 500) {
            return self::RETRY;
        }
        return self::FAIL;
    }
}
