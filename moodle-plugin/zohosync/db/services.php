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
 * Web-service functions and the "Zoho sync service" of local_zohosync.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$functions = [
    'local_zohosync_upsert_finance' => [
        'classname' => 'local_zohosync\external\upsert_finance',
        'description' => 'Create or update students\' finance summaries (keyed by Zoho student record id).',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_delete_finance' => [
        'classname' => 'local_zohosync\external\delete_finance',
        'description' => 'Delete finance summaries by Zoho record id.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_upsert_registrations' => [
        'classname' => 'local_zohosync\external\upsert_registrations',
        'description' => 'Create or update program registrations with their installment schedules.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_delete_registrations' => [
        'classname' => 'local_zohosync\external\delete_registrations',
        'description' => 'Delete registrations (and their installments) by Zoho record id.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_upsert_payments' => [
        'classname' => 'local_zohosync\external\upsert_payments',
        'description' => 'Create or update payments.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_delete_payments' => [
        'classname' => 'local_zohosync\external\delete_payments',
        'description' => 'Delete payments by Zoho record id.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_upsert_grades' => [
        'classname' => 'local_zohosync\external\upsert_grades',
        'description' => 'Create or update Zoho BTEC grades with their learning outcomes (dashboard copy).',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_delete_grades' => [
        'classname' => 'local_zohosync\external\delete_grades',
        'description' => 'Delete Zoho BTEC grades by Zoho record id.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_upsert_units' => [
        'classname' => 'local_zohosync\external\upsert_units',
        'description' => 'Create or update BTEC unit templates with their P/M/D criteria.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_delete_units' => [
        'classname' => 'local_zohosync\external\delete_units',
        'description' => 'Delete BTEC unit templates by Zoho record id.',
        'type' => 'write',
        'capabilities' => 'local/zohosync:managedata',
    ],
    'local_zohosync_get_integration_status' => [
        'classname' => 'local_zohosync\external\get_integration_status',
        'description' => 'Read-only report of the plugin\'s side of the integration for the service\'s doctor: settings, '
            . 'Moodle\'s HTTP security for the service URL, capabilities the integration user lacks, roles it may assign, '
            . 'cron, the no-reply address and the delivery backlog. Allowed to the plugin\'s integration user '
            . '(local_zohosync/integrationuserid) or a user with moodle/site:config.',
        'type' => 'read',
        // Checked in the function (the integration user, or moodle/site:config). Declaring moodle/site:config here
        // would make Moodle's token pages report it missing for the integration user, which must not have it.
        'capabilities' => '',
    ],
];

$services = [
    'Zoho sync service' => [
        'shortname' => 'local_zohosync',
        'enabled' => 1,
        // Only the users an admin authorises (the integration user) may use it.
        'restrictedusers' => 1,
        'downloadfiles' => 0,
        'uploadfiles' => 0,
        // One service for everything the sync service calls: the plugin's functions and the
        // core ones (classes/local/integration_requirements.php).
        'functions' => array_merge(array_keys($functions), \local_zohosync\local\integration_requirements::CORE_FUNCTIONS),
    ],
];
