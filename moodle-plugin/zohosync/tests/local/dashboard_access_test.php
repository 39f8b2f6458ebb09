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

use core\hook\navigation\primary_extend;
use core_user\hook\extend_user_menu;
use local_zohosync\hook_callbacks;

/**
 * Who has a dashboard, who may open whose, and who gets the menu entries (run under moodle-plugin-ci).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\dashboard_access
 * @covers     \local_zohosync\hook_callbacks
 */
final class dashboard_access_test extends \advanced_testcase {
    /**
     * A registration row for a user, as the sync service stores it.
     *
     * @param int $userid The user.
     */
    private function store_registration(int $userid): void {
        global $DB;
        $DB->insert_record('local_zohosync_registration', (object) ['zohoid' => '930000000000' . $userid, 'userid' => $userid,
            'programname' => 'BTEC', 'currency' => 'USD', 'programprice' => '2500.00', 'timecreated' => 1, 'timemodified' => 1]);
    }

    /**
     * Whether the logged-in user gets the primary navigation node and the user menu item.
     *
     * @return array [primary node present, user menu items]
     */
    private function entries(): array {
        global $PAGE;
        dashboard_access::reset_cache();
        $PAGE->set_url('/my/');
        $primary = new \core\navigation\views\primary($PAGE);
        hook_callbacks::primary_extend(new primary_extend($primary));
        $menu = new extend_user_menu();
        hook_callbacks::extend_user_menu($menu);
        return [$primary->get(hook_callbacks::NODE_KEY) !== false, count($menu->get_navitems())];
    }

    /**
     * Students (Zoho data or a student enrolment) have one; teachers, admins, guest, integration and deleted users not.
     */
    public function test_has_dashboard(): void {
        global $DB;
        $this->resetAfterTest();
        $generator = $this->getDataGenerator();
        $course = $generator->create_course();
        $enrolled = $generator->create_and_enrol($course, 'student');
        $withdata = $generator->create_user();
        $this->store_registration((int) $withdata->id);
        $teacher = $generator->create_and_enrol($course, 'editingteacher');
        $integration = $generator->create_and_enrol($course, 'student');
        set_config('integrationuserid', $integration->id, 'local_zohosync');
        $guest = guest_user();
        $this->store_registration((int) $guest->id);
        $deleted = $generator->create_and_enrol($course, 'student');
        delete_user($deleted);
        $deleted = $DB->get_record('user', ['id' => $deleted->id]);

        $this->assertTrue(dashboard_access::has_dashboard($enrolled), 'student enrolment, no data yet');
        $this->assertTrue(dashboard_access::has_dashboard($withdata), 'Zoho data, no enrolment');
        $this->assertFalse(dashboard_access::has_dashboard($teacher), 'teacher');
        $this->assertFalse(dashboard_access::has_dashboard(get_admin()), 'admin');
        $this->assertFalse(dashboard_access::has_dashboard($guest), 'guest, even with a row');
        $this->assertFalse(dashboard_access::has_dashboard($integration), 'integration user, even enrolled');
        $this->assertFalse(dashboard_access::has_dashboard($deleted), 'deleted user');
    }

    /**
     * Another user's dashboard: a student gets the same "no" for an existing and a missing id; a manager may.
     */
    public function test_can_view_other_before_lookup(): void {
        $this->resetAfterTest();
        $generator = $this->getDataGenerator();
        $course = $generator->create_course();
        $student = $generator->create_and_enrol($course, 'student');
        $other = $generator->create_and_enrol($course, 'student');
        $manager = $generator->create_user();
        $generator->role_assign('manager', $manager->id, \context_system::instance()->id);

        $this->setUser($student);
        $this->assertFalse(dashboard_access::can_view_other((int) $other->id));
        $this->assertFalse(dashboard_access::can_view_other((int) $other->id + 1000));
        $this->assertFalse(dashboard_access::can_view_other(0));

        $this->setUser($manager);
        $this->assertTrue(dashboard_access::can_view_other((int) $other->id));
        $this->assertFalse(dashboard_access::can_view_other((int) $other->id + 1000), 'no context, no dashboard');

        $this->setGuestUser();
        $this->assertFalse(dashboard_access::can_view_other((int) $other->id));
    }

    /**
     * The primary navigation node and the user menu item: for students only, and not without the capability.
     */
    public function test_menu_entries(): void {
        $this->resetAfterTest();
        $generator = $this->getDataGenerator();
        $course = $generator->create_course();
        $student = $generator->create_and_enrol($course, 'student');
        $teacher = $generator->create_and_enrol($course, 'editingteacher');

        $this->setUser($student);
        $this->assertSame([true, 1], $this->entries());
        $this->assertTrue(dashboard_access::can_view_own());

        $this->setUser($teacher);
        $this->assertSame([false, 0], $this->entries());
        $this->assertFalse(dashboard_access::can_view_own());

        $this->setAdminUser();
        $this->assertSame([false, 0], $this->entries());

        // The capability stays the switch: taken from authenticated users, the student loses the entries.
        // Overwrite: the role already has CAP_ALLOW there (archetype user), which assign_capability() keeps otherwise.
        $authenticated = (int) get_config('core', 'defaultuserroleid');
        assign_capability('local/zohosync:viewdashboard', CAP_PROHIBIT, $authenticated, \context_system::instance(), true);
        $this->setUser($student);
        $this->assertSame([false, 0], $this->entries());
    }
}
