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


namespace local_zohosync;

use local_zohosync\local\dashboard_access;

/**
 * Hook callbacks: the way into the student dashboard, for users who have one.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class hook_callbacks {
    /** @var string Key of the primary navigation node (dashboard.php marks it active). */
    public const NODE_KEY = 'local_zohosync_dashboard';

    /**
     * Adds "Student dashboard" to the primary navigation.
     *
     * @param \core\hook\navigation\primary_extend $hook The hook.
     */
    public static function primary_extend(\core\hook\navigation\primary_extend $hook): void {
        if (!self::shows_entry()) {
            return;
        }
        $hook->get_primaryview()->add(get_string('dashboard', 'local_zohosync'), self::url(),
            \navigation_node::TYPE_CUSTOM, null, self::NODE_KEY);
    }

    /**
     * Adds "Student dashboard" to the user menu.
     *
     * @param \core_user\hook\extend_user_menu $hook The hook.
     */
    public static function extend_user_menu(\core_user\hook\extend_user_menu $hook): void {
        if (!self::shows_entry()) {
            return;
        }
        $hook->add_navitem((object) [
            'itemtype' => 'link',
            'url' => self::url(),
            'title' => get_string('dashboard', 'local_zohosync'),
            'titleidentifier' => 'dashboard,local_zohosync',
        ]);
    }

    /**
     * Whether the logged-in user gets the entry: only when their dashboard would open.
     *
     * @return bool
     */
    private static function shows_entry(): bool {
        if (during_initial_install() || !isloggedin() || isguestuser()) {
            return false;
        }
        return dashboard_access::can_view_own();
    }

    /**
     * The dashboard's address.
     *
     * @return \moodle_url
     */
    private static function url(): \moodle_url {
        return new \moodle_url('/local/zohosync/dashboard.php');
    }
}
