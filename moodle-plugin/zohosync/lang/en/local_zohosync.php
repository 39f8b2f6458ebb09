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
 * English strings of local_zohosync.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['achieved'] = 'Achieved';
$string['amount'] = 'Amount';
$string['attemptn'] = 'Attempt {$a}';
$string['attempts'] = 'Attempts';
$string['balance'] = 'Balance';
$string['criterion'] = 'Criterion';
$string['dashboard'] = 'Student dashboard';
$string['dashboardof'] = 'Student dashboard: {$a}';
$string['deliveries'] = 'Deliveries to the sync service';
$string['deliveries:intro'] = 'Every event sent to the sync service, newest first. Failed and skipped deliveries can be sent again with the same delivery id: the service ignores a delivery it already has, so a resend never makes it process an event twice.';
$string['deliveryid'] = 'Delivery id';
$string['duedate'] = 'Due date';
$string['empty:finance'] = 'No finance information yet.';
$string['empty:grades'] = 'No released grades yet.';
$string['empty:installments'] = 'No installment schedule yet.';
$string['empty:payments'] = 'No payments recorded yet.';
$string['empty:programs'] = 'No program registrations yet.';
$string['entity'] = 'Entity';
$string['error:attemptsexhausted'] = 'No attempts left; last error: {$a}';
$string['error:blockedbymoodle'] = 'Moodle\'s HTTP security blocks {$a} (Site administration > General > Security > HTTP security: cURL blocked hosts list and cURL allowed ports). Run php local/zohosync/cli/setup_integration.php --allow-service-url (or change those two settings), then resend the failed deliveries.';
$string['error:entitygone'] = 'What this event describes no longer exists in Moodle; nothing was sent.';
$string['error:notconfigured'] = 'Sending is switched off, or the service URL or signing secret is missing or invalid.';
$string['error:tasklost'] = 'The task that was to send this delivery no longer exists (out of attempts or deleted).';
$string['error:willretry'] = 'The sync service could not take the event now; Moodle will try again.';
$string['event'] = 'Event';
$string['event:course_created'] = 'Course created';
$string['event:course_updated'] = 'Course updated';
$string['event:role_assigned'] = 'Role assigned in a course (sent as an enrolment update)';
$string['event:submission_graded'] = 'Assignment graded (with marking workflow, attempt, feedback and learning outcomes)';
$string['event:user_created'] = 'User created';
$string['event:user_deleted'] = 'User deleted';
$string['event:user_enrolment_created'] = 'User enrolled';
$string['event:user_enrolment_deleted'] = 'User unenrolled';
$string['event:user_enrolment_updated'] = 'Enrolment updated (status or dates)';
$string['event:user_graded'] = 'Gradebook grade of an activity that is not an assignment';
$string['event:user_updated'] = 'User updated';
$string['filterstatus'] = 'Status';
$string['finance:amounttransferred'] = 'Amount transferred';
$string['finance:bankholder'] = 'Account holder';
$string['finance:bankname'] = 'Bank';
$string['finance:currency'] = 'Currency';
$string['finance:discountamount'] = 'Discount';
$string['finance:invoiceregfees'] = 'Registration fees invoice';
$string['finance:paymentmethod'] = 'Payment method';
$string['finance:paymentmode'] = 'Payment plan';
$string['finance:registrationfees'] = 'Registration fees';
$string['finance:scholarship'] = 'Scholarship';
$string['finance:scholarshippct'] = 'Scholarship percentage';
$string['finance:scholarshipreason'] = 'Scholarship reason';
$string['finance:totalamount'] = 'Total amount';
$string['gradecount'] = '{$a->name}: {$a->count}';
$string['httpsecurity:addport'] = 'add port {$a->port} to {$a->setting}';
$string['httpsecurity:allowed'] = 'Moodle\'s HTTP security lets the plugin reach {$a}.';
$string['httpsecurity:blocked'] = 'Moodle\'s HTTP security blocks {$a->url}: {$a->fixes} (Site administration > General > Security > HTTP security, or run php local/zohosync/cli/setup_integration.php --allow-service-url).';
$string['httpsecurity:dns'] = 'The host {$a->host} of {$a->url} is not in DNS, and Moodle\'s HTTP security blocks hosts it cannot resolve: correct the service URL or the DNS.';
$string['httpsecurity:invalidurl'] = 'The service URL {$a} is not an http(s) URL.';
$string['httpsecurity:nourl'] = 'No service URL is set (local_zohosync/serviceurl), so the plugin cannot send anything.';
$string['httpsecurity:removehosts'] = 'host {$a->host} is blocked: remove {$a->entries} from {$a->setting}';
$string['httpsecurity:unknownentry'] = 'no single entry of the blocked hosts list or allowed ports list could be named';
$string['httpstatus'] = 'HTTP status';
$string['installments'] = 'Installments';
$string['lasterror'] = 'Last error';
$string['learningoutcomes'] = 'Learning outcomes';
$string['letter:D'] = 'Distinction';
$string['letter:F'] = 'Fail';
$string['letter:M'] = 'Merit';
$string['letter:P'] = 'Pass';
$string['letter:R'] = 'Refer';
$string['letter:RR'] = 'Double refer';
$string['method'] = 'Method';
$string['nodashboard'] = 'You have no student dashboard. It shows students what the college holds about their programs, payments and grades.';
$string['nodashboardfor'] = '{$a} has no student dashboard: the dashboard is for students only.';
$string['nodeliveries'] = 'No deliveries.';
$string['nograde'] = 'No grade';
$string['noschedule'] = 'No payment schedule yet.';
$string['noschedule:help'] = 'The total, paid and balance are shown once the college sets the installments of this program.';
$string['notachieved'] = 'Not yet achieved';
$string['overdue'] = 'Overdue';
$string['overduesummary'] = '{$a->count} overdue installment(s), {$a->amount} in total.';
$string['paid'] = 'Paid';
$string['paidpercent'] = '{$a} % of the total paid';
$string['pluginname'] = 'Zoho CRM sync';
$string['print'] = 'Print';
$string['privacy:metadata:deliveries'] = 'The log of events sent to the sync service.';
$string['privacy:metadata:deliveries:eventname'] = 'The Moodle event sent.';
$string['privacy:metadata:deliveries:status'] = 'Whether the service accepted it.';
$string['privacy:metadata:deliveries:taskdata'] = 'The ids needed to send it again; for a deleted user or enrolment, what the event kept (username, email, idnumber, names).';
$string['privacy:metadata:deliveries:timecreated'] = 'When the event happened.';
$string['privacy:metadata:deliveries:userid'] = 'The user the event is about.';
$string['privacy:metadata:finance'] = 'The student\'s finance summary copied from Zoho CRM for the dashboard.';
$string['privacy:metadata:finance:amounts'] = 'Total, discount, registration fees and transferred amounts.';
$string['privacy:metadata:finance:bank'] = 'Bank and account holder names.';
$string['privacy:metadata:finance:scholarship'] = 'Scholarship, its reason and percentage.';
$string['privacy:metadata:finance:userid'] = 'The student.';
$string['privacy:metadata:grade'] = 'BTEC grades copied from Zoho CRM for the dashboard.';
$string['privacy:metadata:grade:feedback'] = 'The feedback.';
$string['privacy:metadata:grade:grade'] = 'The grade letter.';
$string['privacy:metadata:grade:gradername'] = 'The names of the grader and internal verifier.';
$string['privacy:metadata:grade:userid'] = 'The student.';
$string['privacy:metadata:gradelo'] = 'Learning-outcome results of a grade.';
$string['privacy:metadata:gradelo:feedback'] = 'The feedback on the criterion.';
$string['privacy:metadata:gradelo:gradeid'] = 'The grade.';
$string['privacy:metadata:gradelo:score'] = 'The score on the criterion.';
$string['privacy:metadata:installment'] = 'Installments of a registration.';
$string['privacy:metadata:installment:amount'] = 'The amount due.';
$string['privacy:metadata:installment:duedate'] = 'The due date.';
$string['privacy:metadata:installment:registrationid'] = 'The registration.';
$string['privacy:metadata:payment'] = 'Payments copied from Zoho CRM for the dashboard.';
$string['privacy:metadata:payment:amount'] = 'The amount paid.';
$string['privacy:metadata:payment:method'] = 'How it was paid.';
$string['privacy:metadata:payment:paymentdate'] = 'When it was paid.';
$string['privacy:metadata:payment:userid'] = 'The student.';
$string['privacy:metadata:registration'] = 'Program registrations copied from Zoho CRM for the dashboard.';
$string['privacy:metadata:registration:programname'] = 'The program.';
$string['privacy:metadata:registration:status'] = 'The registration status.';
$string['privacy:metadata:registration:userid'] = 'The student.';
$string['privacy:metadata:zohosyncservice'] = 'User, enrolment, grade and course changes are sent to the college\'s sync service, which writes them to Zoho CRM. Deleting data in Moodle does not delete it there.';
$string['privacy:metadata:zohosyncservice:address'] = 'City and country.';
$string['privacy:metadata:zohosyncservice:email'] = 'Email address.';
$string['privacy:metadata:zohosyncservice:enrolments'] = 'Course enrolments, their status, dates and roles.';
$string['privacy:metadata:zohosyncservice:feedback'] = 'Assignment feedback text and learning-outcome remarks.';
$string['privacy:metadata:zohosyncservice:fullname'] = 'First and last name.';
$string['privacy:metadata:zohosyncservice:grader'] = 'The grader\'s id, name and role.';
$string['privacy:metadata:zohosyncservice:grades'] = 'Grades, attempts and marking-workflow states.';
$string['privacy:metadata:zohosyncservice:idnumber'] = 'ID number (the Zoho student id).';
$string['privacy:metadata:zohosyncservice:userid'] = 'Moodle user id.';
$string['privacy:metadata:zohosyncservice:username'] = 'Username and authentication method.';
$string['programprice'] = 'Program price';
$string['progress:complete'] = 'Every criterion of this unit is achieved.';
$string['progress:count'] = '{$a->achieved} of {$a->total}';
$string['progress:level'] = '{$a->level}: {$a->achieved} of {$a->total} criteria achieved.';
$string['progress:next'] = 'For {$a->grade} you still need {$a->codes}.';
$string['reference'] = 'Reference';
$string['registrationdate'] = 'Registered';
$string['resend'] = 'Resend';
$string['resendnotpossible'] = 'This delivery cannot be resent (it is not failed or skipped).';
$string['resendqueued'] = 'Queued again with the same delivery id; it is sent at the next cron run.';
$string['section:finance'] = 'Finance summary';
$string['section:grades'] = 'Classes and grades';
$string['section:payments'] = 'Payment history';
$string['section:profile'] = 'Profile';
$string['section:programs'] = 'Programs';
$string['settings'] = 'Settings';
$string['settings:connecttimeout'] = 'Connection timeout';
$string['settings:connecttimeout:desc'] = 'Seconds to wait for a connection to the service.';
$string['settings:dashboardheading'] = 'Student dashboard';
$string['settings:dashboardheading:desc'] = 'Which sections students see on their dashboard.';
$string['settings:enabled'] = 'Send events';
$string['settings:enabled:desc'] = 'Send the selected Moodle events to the sync service. Off until the service URL and secret are set.';
$string['settings:events'] = 'Events to send';
$string['settings:events:desc'] = 'Assignment grades are sent by "Assignment graded" only; "Gradebook grade" covers other activities (quizzes and so on), never assignments or course totals, so no grade is sent twice.';
$string['settings:failedretentiondays'] = 'Keep failed deliveries (days)';
$string['settings:failedretentiondays:desc'] = 'Failed deliveries older than this are deleted from the log.';
$string['settings:integrationuserid'] = 'Integration user id';
$string['settings:integrationuserid:current'] = '{$a->desc} Currently: {$a->name}.';
$string['settings:integrationuserid:desc'] = 'The Moodle user id of the web-service user the sync service calls Moodle as. Changes it makes are not sent back (echo suppression). 0 = none.';
$string['settings:integrationuserid:missing'] = 'no such user';
$string['settings:ivroleshortname'] = 'Internal-verifier role';
$string['settings:ivroleshortname:desc'] = 'Shortname of the role that marks a grader as internal verifier (grader role "iv"). Empty = never.';
$string['settings:maxattempts'] = 'Attempts per delivery';
$string['settings:maxattempts:desc'] = 'How many times a delivery is tried while the service is unreachable or answers 408, 429 or 5xx. Moodle waits 1 minute after the first failure, doubling up to 24 hours; 12 attempts cover about 2.5 days.';
$string['settings:retentiondays'] = 'Keep sent deliveries (days)';
$string['settings:retentiondays:desc'] = 'Sent and skipped deliveries older than this are deleted from the log.';
$string['settings:secret'] = 'Signing secret';
$string['settings:secret:desc'] = 'The Standard Webhooks secret shared with the service (its MOODLE_WEBHOOK_SECRET): "whsec_" followed by base64 of 24 to 64 random bytes, e.g. whsec_$(openssl rand -base64 32).';
$string['settings:secret:invalid'] = 'The secret must be "whsec_" followed by base64 of 24 to 64 bytes.';
$string['settings:sendingheading'] = 'Sending events to the sync service';
$string['settings:sendingheading:desc'] = 'Events are queued as adhoc tasks and sent by cron, signed with Standard Webhooks. See the deliveries report for what happened to each.';
$string['settings:serviceurl'] = 'Service URL';
$string['settings:serviceurl:desc'] = 'Base URL of the sync service, e.g. https://sync.example.edu. Events go to {URL}/v1/events/moodle/{user|enrollment|grade|course}.';
$string['settings:showfinance'] = 'Finance summary';
$string['settings:showfinance:desc'] = 'Scholarship, totals, discount and payment plan.';
$string['settings:showgrades'] = 'Classes and grades';
$string['settings:showgrades:desc'] = 'Released BTEC grades per class, with learning outcomes.';
$string['settings:showpayments'] = 'Payment history';
$string['settings:showpayments:desc'] = 'Every payment, voided ones struck through.';
$string['settings:showprofile'] = 'Profile';
$string['settings:showprofile:desc'] = 'Name, email, student number, city and country.';
$string['settings:showprograms'] = 'Programs';
$string['settings:showprograms:desc'] = 'Registrations with installments, total, paid, balance and overdue installments.';
$string['settings:timeout'] = 'Request timeout';
$string['settings:timeout:desc'] = 'Seconds to wait for the service to answer.';
$string['status:failed'] = 'Failed';
$string['status:notallowed'] = 'read the integration status: only the plugin\'s integration user (local_zohosync/integrationuserid) or a user with moodle/site:config may';
$string['status:pending'] = 'Pending';
$string['status:retrying'] = 'Retrying';
$string['status:sent'] = 'Sent';
$string['status:skipped'] = 'Skipped';
$string['studentarea'] = 'Student area';
$string['studentnumber'] = 'Student number';
$string['task:sendevent'] = 'Send an event to the Zoho sync service';
$string['task:sweepdeliveries'] = 'Tidy the Zoho sync delivery log';
$string['testconnection'] = 'Test connection';
$string['testconnection:dns'] = 'The service\'s host name could not be resolved from the Moodle server ({$a}): check the service URL.';
$string['testconnection:http'] = 'The service answered with an error: {$a}';
$string['testconnection:network'] = 'The service could not be reached: {$a}';
$string['testconnection:notfound'] = '{$a} answered 404: it is not the Moodle-Zoho sync service, or the URL has an extra path. The service URL is its base address, e.g. https://sync.college.example.';
$string['testconnection:ok'] = 'Connected: {$a->url} is the sync service (version {$a->version}) and accepts this site\'s signature.';
$string['testconnection:refused'] = 'The connection was refused ({$a}): is the service running, on that host and port?';
$string['testconnection:run'] = 'Run the test';
$string['testconnection:secret'] = 'The service refused the signature (401): the secret here must be the service\'s MOODLE_WEBHOOK_SECRET.';
$string['testconnection:timeout'] = 'The service did not answer in time ({$a}): check firewalls between Moodle and the service.';
$string['testconnection:tls'] = 'TLS failed ({$a}): the service\'s certificate is not trusted by this server, or it speaks plain HTTP.';
$string['timecreated'] = 'Time';
$string['total'] = 'Total';
$string['type'] = 'Type';
$string['unitprogress'] = 'Unit progress';
$string['unnamedclass'] = 'Class';
$string['unnamedprogram'] = 'Program';
$string['voided'] = 'Voided';
$string['zohosync:managedata'] = 'Store dashboard data sent by the sync service';
$string['zohosync:managedeliveries'] = 'See and resend deliveries to the sync service';
$string['zohosync:viewanydashboard'] = 'See any student\'s dashboard';
$string['zohosync:viewdashboard'] = 'See one\'s own student dashboard';
