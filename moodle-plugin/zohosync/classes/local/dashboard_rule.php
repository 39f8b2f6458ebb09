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
 * Who has a student dashboard: the rule, on facts gathered elsewhere. Pure PHP.
 *
 * A user has a dashboard when they are a student: the sync service has stored Zoho data for them
 * (a finance summary, registration, payment or grade row: their Zoho student record is linked to this
 * Moodle user), or they hold a role of the student archetype somewhere (enrolled as a student, data not
 * synced yet). Never the guest user, a deleted user, or the integration's own web-service user, whatever
 * the tables hold. Teachers, managers and admins without such data or role have none.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class dashboard_rule {
    /**
     * Whether a user has a dashboard.
     *
     * @param array{isguest: bool, deleted: bool, isintegration: bool, haszohodata: bool, isstudent: bool} $facts
     * @return bool
     */
    public static function has_dashboard(array $facts): bool {
        if (!empty($facts['isguest']) || !empty($facts['deleted']) || !empty($facts['isintegration'])) {
            return false;
        }
        return !empty($facts['haszohodata']) || !empty($facts['isstudent']);
    }
}
