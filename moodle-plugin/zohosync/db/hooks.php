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
 * Hook callbacks of local_zohosync.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$callbacks = [
    // "Student dashboard" in Boost's primary navigation (the top bar, and the "More" drawer on phones).
    [
        'hook' => \core\hook\navigation\primary_extend::class,
        'callback' => [\local_zohosync\hook_callbacks::class, 'primary_extend'],
    ],
    // And in the user menu (avatar, top right), beside Profile and Grades.
    [
        'hook' => \core_user\hook\extend_user_menu::class,
        'callback' => [\local_zohosync\hook_callbacks::class, 'extend_user_menu'],
    ],
];
