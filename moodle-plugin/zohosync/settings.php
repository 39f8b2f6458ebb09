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
 * Admin settings and pages of local_zohosync.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$ADMIN->add('localplugins', new admin_category('local_zohosync', new lang_string('pluginname', 'local_zohosync')));

if ($hassiteconfig) {
    $page = new admin_settingpage('local_zohosync_settings', new lang_string('settings', 'local_zohosync'));

    if ($ADMIN->fulltree) {
        // Sending events to the service.
        $page->add(new admin_setting_heading('local_zohosync/sendingheading',
            new lang_string('settings:sendingheading', 'local_zohosync'),
            new lang_string('settings:sendingheading:desc', 'local_zohosync')));

        $page->add(new admin_setting_configcheckbox('local_zohosync/enabled',
            new lang_string('settings:enabled', 'local_zohosync'),
            new lang_string('settings:enabled:desc', 'local_zohosync'), 0));

        $page->add(new admin_setting_configtext('local_zohosync/serviceurl',
            new lang_string('settings:serviceurl', 'local_zohosync'),
            new lang_string('settings:serviceurl:desc', 'local_zohosync'), '', PARAM_URL, 60));

        $page->add(new \local_zohosync\admin\setting_secret('local_zohosync/secret',
            new lang_string('settings:secret', 'local_zohosync'),
            new lang_string('settings:secret:desc', 'local_zohosync'), ''));

        $choices = [];
        foreach (\local_zohosync\local\config::EVENT_KEYS as $key) {
            $choices[$key] = new lang_string('event:' . $key, 'local_zohosync');
        }
        $page->add(new admin_setting_configmulticheckbox('local_zohosync/events',
            new lang_string('settings:events', 'local_zohosync'),
            new lang_string('settings:events:desc', 'local_zohosync'),
            array_fill_keys(\local_zohosync\local\config::EVENT_KEYS, 1), $choices));

        $integrationdesc = new lang_string('settings:integrationuserid:desc', 'local_zohosync');
        $integrationid = (int) get_config('local_zohosync', 'integrationuserid');
        if ($integrationid > 0) {
            $integrationuser = \core_user::get_user($integrationid);
            $integrationdesc = get_string('settings:integrationuserid:current', 'local_zohosync', (object) [
                'desc' => $integrationdesc,
                'name' => $integrationuser ? fullname($integrationuser) . ' (' . s($integrationuser->username) . ')'
                    : get_string('settings:integrationuserid:missing', 'local_zohosync'),
            ]);
        }
        $page->add(new admin_setting_configtext('local_zohosync/integrationuserid',
            new lang_string('settings:integrationuserid', 'local_zohosync'), $integrationdesc, 0, PARAM_INT, 10));

        $page->add(new admin_setting_configtext('local_zohosync/ivroleshortname',
            new lang_string('settings:ivroleshortname', 'local_zohosync'),
            new lang_string('settings:ivroleshortname:desc', 'local_zohosync'), 'internalverifier', PARAM_ALPHANUMEXT));

        $page->add(new admin_setting_configtext('local_zohosync/connecttimeout',
            new lang_string('settings:connecttimeout', 'local_zohosync'),
            new lang_string('settings:connecttimeout:desc', 'local_zohosync'), 10, PARAM_INT, 5));

        $page->add(new admin_setting_configtext('local_zohosync/timeout',
            new lang_string('settings:timeout', 'local_zohosync'),
            new lang_string('settings:timeout:desc', 'local_zohosync'), 30, PARAM_INT, 5));

        $page->add(new admin_setting_configtext('local_zohosync/maxattempts',
            new lang_string('settings:maxattempts', 'local_zohosync'),
            new lang_string('settings:maxattempts:desc', 'local_zohosync'), 12, PARAM_INT, 5));

        $page->add(new admin_setting_configtext('local_zohosync/retentiondays',
            new lang_string('settings:retentiondays', 'local_zohosync'),
            new lang_string('settings:retentiondays:desc', 'local_zohosync'), 90, PARAM_INT, 5));

        $page->add(new admin_setting_configtext('local_zohosync/failedretentiondays',
            new lang_string('settings:failedretentiondays', 'local_zohosync'),
            new lang_string('settings:failedretentiondays:desc', 'local_zohosync'), 365, PARAM_INT, 5));

        // The student dashboard.
        $page->add(new admin_setting_heading('local_zohosync/dashboardheading',
            new lang_string('settings:dashboardheading', 'local_zohosync'),
            new lang_string('settings:dashboardheading:desc', 'local_zohosync')));
        foreach (\local_zohosync\local\config::SECTIONS as $section) {
            $page->add(new admin_setting_configcheckbox('local_zohosync/show' . $section,
                new lang_string('settings:show' . $section, 'local_zohosync'),
                new lang_string('settings:show' . $section . ':desc', 'local_zohosync'), 1));
        }
    }

    $ADMIN->add('local_zohosync', $page);
}

$ADMIN->add('local_zohosync', new admin_externalpage('local_zohosync_testconnection',
    new lang_string('testconnection', 'local_zohosync'),
    new moodle_url('/local/zohosync/testconnection.php'),
    'moodle/site:config'));

$ADMIN->add('local_zohosync', new admin_externalpage('local_zohosync_deliveries',
    new lang_string('deliveries', 'local_zohosync'),
    new moodle_url('/local/zohosync/deliveries.php'),
    'local/zohosync:managedeliveries'));
