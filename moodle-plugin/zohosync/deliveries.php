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
 * Admin report of the deliveries to the service, with a resend action.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

use local_zohosync\local\deliveries;

require_once(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/adminlib.php');

$status = optional_param('status', '', PARAM_ALPHA);
$page = optional_param('page', 0, PARAM_INT);
$perpage = 50;

admin_externalpage_setup('local_zohosync_deliveries', '', ['status' => $status]);
$context = context_system::instance();
require_capability('local/zohosync:managedeliveries', $context);

$baseurl = new moodle_url('/local/zohosync/deliveries.php', ['status' => $status, 'page' => $page]);

// Resend: POST only, with sesskey.
$resendid = optional_param('resend', 0, PARAM_INT);
if ($resendid && data_submitted() && confirm_sesskey()) {
    if (deliveries::resend($resendid)) {
        redirect($baseurl, get_string('resendqueued', 'local_zohosync'), null, \core\output\notification::NOTIFY_SUCCESS);
    }
    redirect($baseurl, get_string('resendnotpossible', 'local_zohosync'), null, \core\output\notification::NOTIFY_WARNING);
}

$params = [];
$where = '';
if ($status !== '' && in_array($status, deliveries::STATUSES, true)) {
    $where = 'status = :status';
    $params['status'] = $status;
} else {
    $status = '';
}
$total = $DB->count_records_select(deliveries::TABLE, $where ?: '1=1', $params);
$rows = $DB->get_records_select(deliveries::TABLE, $where ?: '1=1', $params, 'timecreated DESC, id DESC',
    'id, deliveryid, eventname, entity, objectid, userid, courseid, status, attempts, httpstatus, lasterror, timecreated,
     timemodified, timesent', $page * $perpage, $perpage);

echo $OUTPUT->header();
echo $OUTPUT->heading(get_string('deliveries', 'local_zohosync'));
echo html_writer::tag('p', get_string('deliveries:intro', 'local_zohosync'));

// Status filter.
$options = ['' => get_string('all')];
foreach (deliveries::STATUSES as $value) {
    $options[$value] = get_string('status:' . $value, 'local_zohosync');
}
echo $OUTPUT->single_select(new moodle_url('/local/zohosync/deliveries.php'), 'status', $options, $status, null,
    'deliveriesstatus', ['label' => get_string('filterstatus', 'local_zohosync')]);

if (!$rows) {
    echo $OUTPUT->notification(get_string('nodeliveries', 'local_zohosync'), \core\output\notification::NOTIFY_INFO);
} else {
    $table = new html_table();
    $table->attributes['class'] = 'generaltable table-sm';
    $table->head = [
        get_string('timecreated', 'local_zohosync'),
        get_string('event', 'local_zohosync'),
        get_string('entity', 'local_zohosync'),
        get_string('status'),
        get_string('attempts', 'local_zohosync'),
        get_string('httpstatus', 'local_zohosync'),
        get_string('lasterror', 'local_zohosync'),
        get_string('deliveryid', 'local_zohosync'),
        get_string('actions'),
    ];
    foreach ($rows as $row) {
        $action = '';
        if (in_array($row->status, deliveries::RESENDABLE, true)) {
            $action = html_writer::start_tag('form', ['method' => 'post', 'action' => $baseurl->out_omit_querystring()])
                . html_writer::empty_tag('input', ['type' => 'hidden', 'name' => 'sesskey', 'value' => sesskey()])
                . html_writer::empty_tag('input', ['type' => 'hidden', 'name' => 'resend', 'value' => $row->id])
                . html_writer::empty_tag('input', ['type' => 'hidden', 'name' => 'status', 'value' => $status])
                . html_writer::empty_tag('input', ['type' => 'hidden', 'name' => 'page', 'value' => $page])
                . html_writer::tag('button', get_string('resend', 'local_zohosync'),
                    ['type' => 'submit', 'class' => 'btn btn-sm btn-secondary'])
                . html_writer::end_tag('form');
        }
        $badge = [
            'sent' => 'bg-success', 'failed' => 'bg-danger', 'retrying' => 'bg-warning text-dark',
            'pending' => 'bg-info text-dark', 'skipped' => 'bg-secondary',
        ][$row->status] ?? 'bg-secondary';
        $table->data[] = [
            userdate($row->timecreated, get_string('strftimedatetimeshort', 'core_langconfig')),
            s($row->eventname),
            s($row->entity . ' #' . $row->objectid),
            html_writer::span(get_string('status:' . $row->status, 'local_zohosync'), 'badge ' . $badge),
            (int) $row->attempts,
            $row->httpstatus === null ? '-' : (int) $row->httpstatus,
            html_writer::tag('small', s(shorten_text((string) $row->lasterror, 300))),
            html_writer::tag('code', s($row->deliveryid)),
            $action,
        ];
    }
    echo html_writer::div(html_writer::table($table), 'table-responsive');
    echo $OUTPUT->paging_bar($total, $page, $perpage, new moodle_url('/local/zohosync/deliveries.php', ['status' => $status]));
}

echo $OUTPUT->footer();
