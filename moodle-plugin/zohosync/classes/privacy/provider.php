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

namespace local_zohosync\privacy;

use core_privacy\local\metadata\collection;
use core_privacy\local\request\approved_contextlist;
use core_privacy\local\request\approved_userlist;
use core_privacy\local\request\contextlist;
use core_privacy\local\request\userlist;
use core_privacy\local\request\writer;

/**
 * Privacy provider of local_zohosync.
 *
 * Outbound: user, enrolment, grade and course data sent to the integration service (and from
 * there to Zoho CRM). Stored: the delivery log and the dashboard copies of the student's Zoho
 * data, all in the student's user context. Deleting them here does not delete them in Zoho.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class provider implements
    \core_privacy\local\metadata\provider,
    \core_privacy\local\request\plugin\provider,
    \core_privacy\local\request\core_userlist_provider {

    /** @var string[] Tables with a userid column, one row set per student. */
    private const USER_TABLES = [
        'local_zohosync_deliveries', 'local_zohosync_finance', 'local_zohosync_registration', 'local_zohosync_payment',
        'local_zohosync_grade',
    ];

    /**
     * Describes the personal data handled.
     *
     * @param collection $collection The collection to add to.
     * @return collection
     */
    public static function get_metadata(collection $collection): collection {
        $collection->add_external_location_link('zohosyncservice', [
            'userid' => 'privacy:metadata:zohosyncservice:userid',
            'username' => 'privacy:metadata:zohosyncservice:username',
            'email' => 'privacy:metadata:zohosyncservice:email',
            'idnumber' => 'privacy:metadata:zohosyncservice:idnumber',
            'fullname' => 'privacy:metadata:zohosyncservice:fullname',
            'address' => 'privacy:metadata:zohosyncservice:address',
            'enrolments' => 'privacy:metadata:zohosyncservice:enrolments',
            'grades' => 'privacy:metadata:zohosyncservice:grades',
            'feedback' => 'privacy:metadata:zohosyncservice:feedback',
            'grader' => 'privacy:metadata:zohosyncservice:grader',
        ], 'privacy:metadata:zohosyncservice');

        $collection->add_database_table('local_zohosync_deliveries', [
            'userid' => 'privacy:metadata:deliveries:userid',
            'eventname' => 'privacy:metadata:deliveries:eventname',
            'taskdata' => 'privacy:metadata:deliveries:taskdata',
            'status' => 'privacy:metadata:deliveries:status',
            'timecreated' => 'privacy:metadata:deliveries:timecreated',
        ], 'privacy:metadata:deliveries');
        $collection->add_database_table('local_zohosync_finance', [
            'userid' => 'privacy:metadata:finance:userid',
            'scholarship' => 'privacy:metadata:finance:scholarship',
            'totalamount' => 'privacy:metadata:finance:amounts',
            'bankname' => 'privacy:metadata:finance:bank',
        ], 'privacy:metadata:finance');
        $collection->add_database_table('local_zohosync_registration', [
            'userid' => 'privacy:metadata:registration:userid',
            'programname' => 'privacy:metadata:registration:programname',
            'status' => 'privacy:metadata:registration:status',
        ], 'privacy:metadata:registration');
        $collection->add_database_table('local_zohosync_installment', [
            'registrationid' => 'privacy:metadata:installment:registrationid',
            'amount' => 'privacy:metadata:installment:amount',
            'duedate' => 'privacy:metadata:installment:duedate',
        ], 'privacy:metadata:installment');
        $collection->add_database_table('local_zohosync_payment', [
            'userid' => 'privacy:metadata:payment:userid',
            'amount' => 'privacy:metadata:payment:amount',
            'paymentdate' => 'privacy:metadata:payment:paymentdate',
            'method' => 'privacy:metadata:payment:method',
        ], 'privacy:metadata:payment');
        $collection->add_database_table('local_zohosync_grade', [
            'userid' => 'privacy:metadata:grade:userid',
            'grade' => 'privacy:metadata:grade:grade',
            'feedback' => 'privacy:metadata:grade:feedback',
            'gradername' => 'privacy:metadata:grade:gradername',
        ], 'privacy:metadata:grade');
        $collection->add_database_table('local_zohosync_grade_lo', [
            'gradeid' => 'privacy:metadata:gradelo:gradeid',
            'score' => 'privacy:metadata:gradelo:score',
            'feedback' => 'privacy:metadata:gradelo:feedback',
        ], 'privacy:metadata:gradelo');
        return $collection;
    }

    /**
     * The contexts holding a user's data: their user context, when any table has rows for them.
     *
     * @param int $userid The user.
     * @return contextlist
     */
    public static function get_contexts_for_userid(int $userid): contextlist {
        $contextlist = new contextlist();
        if (self::has_data($userid)) {
            $contextlist->add_user_context($userid);
        }
        return $contextlist;
    }

    /**
     * The users with data in a context.
     *
     * @param userlist $userlist The list to fill.
     */
    public static function get_users_in_context(userlist $userlist) {
        $context = $userlist->get_context();
        if ($context instanceof \context_user && self::has_data((int) $context->instanceid)) {
            $userlist->add_user((int) $context->instanceid);
        }
    }

    /**
     * Exports a user's data.
     *
     * @param approved_contextlist $contextlist The approved contexts.
     */
    public static function export_user_data(approved_contextlist $contextlist) {
        global $DB;
        $userid = (int) $contextlist->get_user()->id;
        foreach ($contextlist->get_contexts() as $context) {
            if (!$context instanceof \context_user || (int) $context->instanceid !== $userid) {
                continue;
            }
            $base = [get_string('pluginname', 'local_zohosync')];
            $deliveries = $DB->get_records('local_zohosync_deliveries', ['userid' => $userid], 'timecreated',
                'id, deliveryid, eventname, status, attempts, timecreated, timesent');
            if ($deliveries) {
                writer::with_context($context)->export_data(array_merge($base, [get_string('deliveries', 'local_zohosync')]),
                    (object) ['deliveries' => array_values($deliveries)]);
            }
            $finance = $DB->get_records('local_zohosync_finance', ['userid' => $userid]);
            if ($finance) {
                writer::with_context($context)->export_data(array_merge($base, [get_string('section:finance', 'local_zohosync')]),
                    (object) ['finance' => array_values($finance)]);
            }
            $registrations = $DB->get_records('local_zohosync_registration', ['userid' => $userid]);
            foreach ($registrations as $registration) {
                $registration->installments = array_values($DB->get_records('local_zohosync_installment',
                    ['registrationid' => $registration->id], 'installmentno'));
            }
            $payments = $DB->get_records('local_zohosync_payment', ['userid' => $userid]);
            if ($registrations || $payments) {
                writer::with_context($context)->export_data(array_merge($base, [get_string('section:programs', 'local_zohosync')]),
                    (object) ['registrations' => array_values($registrations), 'payments' => array_values($payments)]);
            }
            $grades = $DB->get_records('local_zohosync_grade', ['userid' => $userid]);
            foreach ($grades as $grade) {
                $grade->learningoutcomes = array_values($DB->get_records('local_zohosync_grade_lo', ['gradeid' => $grade->id],
                    'sortorder'));
            }
            if ($grades) {
                writer::with_context($context)->export_data(array_merge($base, [get_string('section:grades', 'local_zohosync')]),
                    (object) ['grades' => array_values($grades)]);
            }
        }
    }

    /**
     * Deletes all data in a context.
     *
     * @param \context $context The context.
     */
    public static function delete_data_for_all_users_in_context(\context $context) {
        if ($context instanceof \context_user) {
            self::delete_user((int) $context->instanceid);
        }
    }

    /**
     * Deletes a user's data in the approved contexts.
     *
     * @param approved_contextlist $contextlist The approved contexts.
     */
    public static function delete_data_for_user(approved_contextlist $contextlist) {
        $userid = (int) $contextlist->get_user()->id;
        foreach ($contextlist->get_contexts() as $context) {
            if ($context instanceof \context_user && (int) $context->instanceid === $userid) {
                self::delete_user($userid);
            }
        }
    }

    /**
     * Deletes the data of several users in a context.
     *
     * @param approved_userlist $userlist The approved users.
     */
    public static function delete_data_for_users(approved_userlist $userlist) {
        $context = $userlist->get_context();
        if ($context instanceof \context_user && in_array((int) $context->instanceid, $userlist->get_userids())) {
            self::delete_user((int) $context->instanceid);
        }
    }

    /**
     * Whether any table holds rows of a user.
     *
     * @param int $userid The user.
     * @return bool
     */
    private static function has_data(int $userid): bool {
        global $DB;
        foreach (self::USER_TABLES as $table) {
            if ($DB->record_exists($table, ['userid' => $userid])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes every row of a user, children first.
     *
     * @param int $userid The user.
     */
    private static function delete_user(int $userid): void {
        global $DB;
        $registrationids = $DB->get_fieldset_select('local_zohosync_registration', 'id', 'userid = ?', [$userid]);
        if ($registrationids) {
            $DB->delete_records_list('local_zohosync_installment', 'registrationid', $registrationids);
        }
        $gradeids = $DB->get_fieldset_select('local_zohosync_grade', 'id', 'userid = ?', [$userid]);
        if ($gradeids) {
            $DB->delete_records_list('local_zohosync_grade_lo', 'gradeid', $gradeids);
        }
        foreach (self::USER_TABLES as $table) {
            $DB->delete_records($table, ['userid' => $userid]);
        }
    }
}
