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
 * The users and dashboard data that tests/realMoodle/dashboardScreenshots.ts photographs, on a TEST Moodle.
 *
 * Run on the Moodle server, as the web server's user: php tests/realMoodle/dashboardFixtures.php
 * --moodle=/path/to/moodle --password='Student#2026!'. Idempotent (users by username, data by Zoho id). The data is
 * stored through the plugin's web-service functions (local_zohosync_upsert_*), called in-process as the integration
 * user, so validation and capability checks run as they do for the service.
 *
 * Users: zs_full (registration of 3 installments, 4,400.00 USD, one overdue; two payments, one voided; a finance
 * summary; released grades P, R, M, D with learning outcomes, two with unit templates; a draft grade), zs_empty (a student
 * enrolment, no Zoho data), zs_unscheduled (a registration priced 2,500.00 without installments), zs_other (another
 * student with data), zs_staff (teacher of the course, with a "Student support" system role that has
 * local/zohosync:viewanydashboard).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

$options = getopt('', ['moodle:', 'password:']);
if (empty($options['moodle']) || empty($options['password'])) {
    fwrite(STDERR, "usage: php dashboardFixtures.php --moodle=/path/to/moodle --password='Student#2026!'\n");
    exit(2);
}
require(rtrim($options['moodle'], '/') . '/config.php');
require_once($CFG->libdir . '/enrollib.php');
require_once($CFG->dirroot . '/user/lib.php');

/**
 * A user by username, created when missing.
 *
 * @param string $username The username.
 * @param string $firstname First name.
 * @param string $lastname Last name.
 * @param string $password The password.
 * @return stdClass
 */
function zs_user(string $username, string $firstname, string $lastname, string $password): stdClass {
    global $DB, $CFG;
    $user = $DB->get_record('user', ['username' => $username, 'mnethostid' => $CFG->mnet_localhost_id]);
    if (!$user) {
        $id = user_create_user((object) ['username' => $username, 'password' => $password, 'firstname' => $firstname,
            'lastname' => $lastname, 'email' => $username . '@example.edu', 'city' => 'Istanbul', 'country' => 'TR',
            'idnumber' => strtoupper($username), 'auth' => 'manual', 'confirmed' => 1,
            'mnethostid' => $CFG->mnet_localhost_id]);
        $user = $DB->get_record('user', ['id' => $id]);
    }
    return $user;
}

/**
 * Calls a local_zohosync upsert function as the integration user and fails loudly on any error.
 *
 * @param string $class The external class under local_zohosync\external.
 * @param array $records The records.
 */
function zs_upsert(string $class, array $records): void {
    $class = '\\local_zohosync\\external\\' . $class;
    try {
        $result = $class::execute($records);
    } catch (invalid_parameter_exception $e) {
        throw new coding_exception("$class: " . $e->debuginfo);
    }
    foreach ($result['results'] as $i => $one) {
        if (!in_array($one['status'], ['created', 'updated', 'unchanged'], true)) {
            throw new coding_exception("$class record $i: " . json_encode($one));
        }
    }
    echo "$class: " . implode(', ', array_column($result['results'], 'status')) . "\n";
}

$password = $options['password'];
$full = zs_user('zs_full', 'Ada', 'Lovelace', $password);
$empty = zs_user('zs_empty', 'Grace', 'Hopper', $password);
$unscheduled = zs_user('zs_unscheduled', 'Alan', 'Turing', $password);
$other = zs_user('zs_other', 'Katherine', 'Johnson', $password);
$staff = zs_user('zs_staff', 'Tim', 'Berners-Lee', $password);

// A course with the students enrolled as students and the staff user as teacher.
$course = $DB->get_record('course', ['shortname' => 'ZS-NET']);
if (!$course) {
    require_once($CFG->dirroot . '/course/lib.php');
    $course = create_course((object) ['fullname' => 'BTEC Networking', 'shortname' => 'ZS-NET', 'category' => 1]);
}
$manual = enrol_get_plugin('manual');
$instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
$studentrole = $DB->get_field('role', 'id', ['shortname' => 'student'], MUST_EXIST);
$teacherrole = $DB->get_field('role', 'id', ['shortname' => 'editingteacher'], MUST_EXIST);
foreach ([$full, $empty, $unscheduled, $other] as $student) {
    $manual->enrol_user($instance, $student->id, $studentrole);
}
$manual->enrol_user($instance, $staff->id, $teacherrole);

// Staff open a student's dashboard through local/zohosync:viewanydashboard at system level.
$supportrole = $DB->get_field('role', 'id', ['shortname' => 'zs_studentsupport']);
if (!$supportrole) {
    $supportrole = create_role('Student support', 'zs_studentsupport', 'May open any student dashboard');
    set_role_contextlevels($supportrole, [CONTEXT_SYSTEM]);
}
assign_capability('local/zohosync:viewanydashboard', CAP_ALLOW, $supportrole, context_system::instance()->id, true);
role_assign($supportrole, $staff->id, context_system::instance()->id);

// The data, as the integration user (what the sync service does over REST).
$integration = $DB->get_record('user', ['id' => get_config('local_zohosync', 'integrationuserid')], '*', MUST_EXIST);
\core\session\manager::set_user($integration);

zs_upsert('upsert_units', [
    ['zohoid' => '9100000000000000001', 'name' => 'Unit 2: Networking', 'unitcode' => 'U2', 'unitlevel' => '4',
        'criteria' => [
            ['code' => 'P1', 'description' => 'Examine the benefits and constraints of different network types and standards.'],
            ['code' => 'P2', 'description' => 'Explain the impact of network topology, communication and bandwidth requirements.'],
            ['code' => 'P3', 'description' => 'Discuss the operating principles of networking devices and server types.'],
            ['code' => 'P4', 'description' => 'Discuss the inter-dependence of workstation hardware and networking software.'],
            ['code' => 'M1', 'description' => 'Compare common networking principles and how protocols enable the effectiveness of networked systems.'],
            ['code' => 'M2', 'description' => 'Explore a range of server types and justify the selection of a server for a given scenario.'],
            ['code' => 'D1', 'description' => 'Evaluate the topology protocol selected for a given scenario and how it demonstrates the efficient utilisation of a networking system.'],
        ]],
    ['zohoid' => '9100000000000000002', 'name' => 'Unit 4: Database Design', 'unitcode' => 'U4', 'unitlevel' => '4',
        'criteria' => [
            ['code' => 'P1', 'description' => 'Design a relational database system using appropriate design tools.'],
            ['code' => 'P2', 'description' => 'Develop the database system with evidence of user interface, output and data validations.'],
            ['code' => 'P3', 'description' => 'Test the system against user and system requirements.'],
            ['code' => 'M1', 'description' => 'Produce a comprehensive design for a fully functional system.'],
            ['code' => 'D1', 'description' => 'Evaluate the effectiveness of the design and development against the requirements.'],
        ]],
]);

zs_upsert('upsert_finance', [
    ['zohoid' => '9200000000000000001', 'userid' => $full->id, 'scholarship' => 'Partial Scholarship',
        'scholarshipreason' => 'Academic merit', 'scholarshippct' => '10', 'currency' => 'USD', 'totalamount' => '4400.00',
        'discountamount' => '0.00', 'registrationfees' => '150.00', 'paymentmode' => 'Installments',
        'paymentmethod' => 'Bank Transfer', 'bankname' => 'Ziraat Bankası'],
]);

zs_upsert('upsert_registrations', [
    ['zohoid' => '9300000000000000001', 'userid' => $full->id, 'programname' => 'BTEC Level 5 HND in Computing',
        'registrationdate' => '2026-01-10', 'status' => 'Active', 'studymode' => 'Onsite', 'currency' => 'USD',
        'programprice' => '4400.00', 'installments' => [
            ['installmentno' => 1, 'duedate' => '2026-09-01', 'amount' => '1500.00', 'status' => 'Paid', 'paiddate' => '2026-08-28'],
            ['installmentno' => 2, 'duedate' => '2026-11-01', 'amount' => '1500.00', 'status' => 'Pending'],
            ['installmentno' => 3, 'duedate' => '2027-02-01', 'amount' => '1400.00', 'status' => 'Pending'],
        ]],
    ['zohoid' => '9300000000000000002', 'userid' => $unscheduled->id, 'programname' => 'BTEC Level 3 Extended Diploma in IT',
        'registrationdate' => '2026-11-20', 'status' => 'Pending', 'studymode' => 'Online', 'currency' => 'USD',
        'programprice' => '2500.00', 'installments' => []],
    ['zohoid' => '9300000000000000003', 'userid' => $other->id, 'programname' => 'BTEC Level 5 HND in Business',
        'registrationdate' => '2026-02-01', 'status' => 'Active', 'currency' => 'EUR', 'programprice' => '3000.00',
        'installments' => [
            ['installmentno' => 1, 'duedate' => '2026-03-01', 'amount' => '3000.00', 'status' => 'Pending'],
        ]],
]);

zs_upsert('upsert_payments', [
    ['zohoid' => '9400000000000000001', 'userid' => $full->id, 'registrationzohoid' => '9300000000000000001',
        'paymentnumber' => 'PAY-2026-0001', 'paymentdate' => '2026-08-28', 'amount' => '1500.00', 'currency' => 'USD',
        'method' => 'Bank Transfer', 'paymenttype' => 'Study Fees', 'installmentno' => 1, 'voided' => false],
    ['zohoid' => '9400000000000000002', 'userid' => $full->id, 'registrationzohoid' => '9300000000000000001',
        'paymentnumber' => 'PAY-2026-0002', 'paymentdate' => '2026-10-30', 'amount' => '800.00', 'currency' => 'USD',
        'method' => 'Credit Card', 'paymenttype' => 'Study Fees', 'installmentno' => 2, 'voided' => true],
]);

$lo = fn(string $code, string $definition, bool $achieved, string $feedback = '') => ['code' => $code,
    'title' => '', 'definition' => $definition, 'score' => $achieved ? '1' : '0', 'feedback' => $feedback,
    'achieved' => $achieved];
zs_upsert('upsert_grades', [
    ['zohoid' => '9500000000000000001', 'userid' => $full->id, 'courseid' => $course->id, 'classname' => 'BTEC Networking',
        'unitname' => 'Unit 2: Networking', 'gradename' => 'Networking assignment 1', 'grade' => 'P',
        'gradestatus' => 'Released', 'attemptno' => 1, 'attemptdate' => '2026-10-15',
        'feedback' => "A clear report.\nNext time compare protocols in depth & justify the server's choice.",
        'gradername' => 'Tim Berners-Lee', 'learningoutcomes' => [
            $lo('P1', 'Examine the benefits and constraints of different network types and standards.', true),
            $lo('P2', 'Explain the impact of network topology, communication and bandwidth requirements.', true),
            $lo('P3', 'Discuss the operating principles of networking devices and server types.', true),
            $lo('P4', 'Discuss the inter-dependence of workstation hardware and networking software.', true),
            $lo('M1', 'Compare common networking principles and how protocols enable the effectiveness of networked systems.', true, 'Well argued.'),
            $lo('M2', 'Explore a range of server types and justify the selection of a server for a given scenario.', false, 'No evidence submitted for the server justification.'),
            $lo('D1', 'Evaluate the topology protocol selected for a given scenario.', false),
        ]],
    ['zohoid' => '9500000000000000002', 'userid' => $full->id, 'courseid' => $course->id, 'classname' => 'BTEC Networking',
        'unitname' => 'Unit 4: Database Design', 'gradename' => 'Database assignment 1', 'grade' => 'R',
        'gradestatus' => 'Released', 'attemptno' => 1, 'attemptdate' => '2026-11-05', 'feedback' => 'Resubmit P2 and P3.',
        'learningoutcomes' => [
            $lo('P1', 'Design a relational database system using appropriate design tools.', true),
            $lo('P2', 'Develop the database system with evidence of user interface, output and data validations.', false, 'Validation missing.'),
            $lo('P3', 'Test the system against user and system requirements.', false, 'No test plan.'),
        ]],
    ['zohoid' => '9500000000000000004', 'userid' => $full->id, 'courseid' => 0, 'classname' => 'BTEC Security',
        'unitname' => 'Unit 5: Security', 'grade' => 'M', 'gradestatus' => 'Released', 'attemptno' => 1,
        'attemptdate' => '2026-09-20', 'feedback' => 'Unit without a template: no progress picture.',
        'learningoutcomes' => [$lo('P1', 'Discuss risks.', true), $lo('M1', 'Assess risks.', true)]],
    ['zohoid' => '9500000000000000005', 'userid' => $full->id, 'courseid' => 0, 'classname' => 'BTEC Security',
        'unitname' => 'Unit 6: Cryptography', 'grade' => 'D', 'gradestatus' => 'Released', 'attemptno' => 1,
        'attemptdate' => '2026-09-25', 'learningoutcomes' => []],
    ['zohoid' => '9500000000000000003', 'userid' => $full->id, 'courseid' => $course->id, 'classname' => 'BTEC Networking',
        'unitname' => 'Unit 9: Draft unit', 'grade' => 'D', 'gradestatus' => 'Draft', 'attemptno' => 1,
        'attemptdate' => '2026-12-01', 'feedback' => 'DRAFT - must not be shown', 'learningoutcomes' => []],
]);

echo "users: zs_full={$full->id} zs_empty={$empty->id} zs_unscheduled={$unscheduled->id} zs_other={$other->id} "
    . "zs_staff={$staff->id}\n";
