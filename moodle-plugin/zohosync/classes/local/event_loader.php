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
 * Loads what a delivery describes, at the time it is sent, and builds the envelope.
 *
 * All reads happen here (in the adhoc task, never in the user's request); every rule about the
 * payload's shape lives in the pure {@see payload_builder}.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class event_loader {
    /** @var int gradingform_instance::INSTANCE_STATUS_ACTIVE */
    private const GRADING_INSTANCE_ACTIVE = 1;

    /** @var int GRADE_TYPE_SCALE of lib/grade/constants.php */
    private const GRADE_TYPE_SCALE = 2;

    /**
     * The envelope of a delivery, or null when what it describes no longer exists.
     *
     * @param array $taskdata The task's custom data (see {@see deliveries::queue()}).
     * @return array|null
     */
    public static function build(array $taskdata): ?array {
        $objectid = (int) $taskdata['objectid'];
        $extra = is_array($taskdata['extra'] ?? null) ? $taskdata['extra'] : [];
        switch ($taskdata['kind']) {
            case 'user_created':
            case 'user_updated':
                $data = self::user($objectid);
                break;
            case 'user_deleted':
                $data = payload_builder::deleted_user($objectid, (array) ($extra['other'] ?? []),
                    (object) ($extra['snapshot'] ?? []));
                break;
            case 'user_enrolment_created':
            case 'user_enrolment_updated':
            case 'role_assigned':
                $data = self::enrolment($objectid);
                break;
            case 'user_enrolment_deleted':
                $ue = (object) ($extra['userenrolment'] ?? []);
                if (!isset($ue->id)) {
                    $ue->id = $objectid;
                }
                $ue->userid = $ue->userid ?? $taskdata['userid'];
                $ue->courseid = $ue->courseid ?? $taskdata['courseid'];
                foreach (['enrolid', 'status', 'timestart', 'timeend'] as $field) {
                    $ue->$field = $ue->$field ?? 0;
                }
                $course = !empty($extra['course']) ? (object) $extra['course'] : null;
                $lastenrol = isset($ue->lastenrol) ? (bool) $ue->lastenrol : null;
                $data = payload_builder::enrolment($ue, (string) ($extra['enrol'] ?? ''), $course, [], true, $lastenrol);
                break;
            case 'submission_graded':
                $data = self::assign_grade($objectid, (int) ($taskdata['actorid'] ?? 0));
                break;
            case 'user_graded':
                $data = self::gradebook_grade($objectid, (int) ($taskdata['actorid'] ?? 0));
                break;
            case 'course_created':
            case 'course_updated':
                $data = self::course($objectid, (array) ($extra['updatedfields'] ?? []));
                break;
            default:
                throw new \coding_exception('Unknown delivery kind: ' . $taskdata['kind']);
        }
        if ($data === null) {
            return null;
        }
        return payload_builder::envelope($taskdata['deliveryid'], $taskdata['eventname'], $taskdata['entitytype'],
            $objectid, (int) $taskdata['userid'], (int) $taskdata['courseid'], (int) $taskdata['timecreated'], $data);
    }

    /**
     * User data.
     *
     * @param int $userid The user.
     * @return array|null
     */
    private static function user(int $userid): ?array {
        $user = \core_user::get_user($userid);
        if (!$user || !empty($user->deleted)) {
            return null;
        }
        return payload_builder::user($user);
    }

    /**
     * Enrolment data, with the user's roles in the course as they are now.
     *
     * @param int $ueid The user enrolment id.
     * @return array|null
     */
    private static function enrolment(int $ueid): ?array {
        global $DB;
        $ue = $DB->get_record('user_enrolments', ['id' => $ueid]);
        if (!$ue) {
            return null;
        }
        $enrol = $DB->get_record('enrol', ['id' => $ue->enrolid], 'id, enrol, courseid');
        if (!$enrol) {
            return null;
        }
        $course = $DB->get_record('course', ['id' => $enrol->courseid], 'id, idnumber, shortname');
        $roles = [];
        if ($course) {
            $context = \context_course::instance($course->id, IGNORE_MISSING);
            if ($context) {
                foreach (get_user_roles($context, $ue->userid, false) as $role) {
                    $roles[] = $role->shortname;
                }
            }
        }
        $ue->courseid = $enrol->courseid;
        return payload_builder::enrolment($ue, $enrol->enrol, $course ?: null, $roles, false);
    }

    /**
     * Course data.
     *
     * @param int $courseid The course.
     * @param string[] $updatedfields What course_updated reported.
     * @return array|null
     */
    private static function course(int $courseid, array $updatedfields): ?array {
        global $DB;
        $course = $DB->get_record('course', ['id' => $courseid]);
        return $course ? payload_builder::course($course, $updatedfields) : null;
    }

    /**
     * An assignment grade (`\mod_assign\event\submission_graded`).
     *
     * @param int $gradeid The `assign_grades` id.
     * @param int $actorid The user who triggered the event.
     * @return array|null
     */
    private static function assign_grade(int $gradeid, int $actorid): ?array {
        global $DB;
        $grade = $DB->get_record('assign_grades', ['id' => $gradeid]);
        if (!$grade) {
            return null;
        }
        $assign = $DB->get_record('assign', ['id' => $grade->assignment]);
        $student = \core_user::get_user($grade->userid);
        if (!$assign || !$student || !empty($student->deleted)) {
            return null;
        }
        $course = $DB->get_record('course', ['id' => $assign->course]);
        $cm = get_coursemodule_from_instance('assign', $assign->id, $assign->course, false, IGNORE_MISSING);
        if (!$course || !$cm) {
            return null;
        }
        $context = \context_module::instance($cm->id);
        $scale = ((float) $assign->grade < 0) ? ($DB->get_record('scale', ['id' => -((int) $assign->grade)]) ?: null) : null;
        $method = $DB->get_field('grading_areas', 'activemethod',
            ['contextid' => $context->id, 'component' => 'mod_assign', 'areaname' => 'submissions']);
        $workflowstate = null;
        if (!empty($assign->markingworkflow)) {
            $workflowstate = $DB->get_field('assign_user_flags', 'workflowstate',
                ['assignment' => $assign->id, 'userid' => $grade->userid]) ?: null;
        }
        $feedback = null;
        if ($DB->get_manager()->table_exists('assignfeedback_comments')) {
            $feedback = $DB->get_field('assignfeedback_comments', 'commenttext',
                ['assignment' => $assign->id, 'grade' => $grade->id]) ?: null;
        }
        $graderid = (int) $grade->grader > 0 ? (int) $grade->grader : $actorid;
        [$grader, $role] = self::grader($graderid, $context);
        return payload_builder::assign_grade([
            'student' => $student,
            'course' => $course,
            'assign' => $assign,
            'cmid' => (int) $cm->id,
            'grade' => $grade,
            'scale' => $scale,
            'method' => $method ?: null,
            'workflowstate' => $workflowstate,
            'feedback' => $feedback,
            'grader' => $grader,
            'graderrole' => $role,
            'outcomes' => self::learning_outcomes((int) $grade->id, (int) $context->id),
        ]);
    }

    /**
     * A gradebook grade of an activity that is not an assignment (`\core\event\user_graded`).
     *
     * @param int $gradegradeid The `grade_grades` id.
     * @param int $actorid The user who triggered the event.
     * @return array|null
     */
    private static function gradebook_grade(int $gradegradeid, int $actorid): ?array {
        global $DB;
        $gradegrade = $DB->get_record('grade_grades', ['id' => $gradegradeid]);
        if (!$gradegrade) {
            return null;
        }
        $item = $DB->get_record('grade_items', ['id' => $gradegrade->itemid]);
        $student = \core_user::get_user($gradegrade->userid);
        if (!$item || !$student || !empty($student->deleted)) {
            return null;
        }
        $course = $DB->get_record('course', ['id' => $item->courseid]);
        if (!$course) {
            return null;
        }
        $cm = get_coursemodule_from_instance($item->itemmodule, $item->iteminstance, $item->courseid, false, IGNORE_MISSING);
        $context = $cm ? \context_module::instance($cm->id) : \context_course::instance($course->id);
        $scale = ((int) $item->gradetype === self::GRADE_TYPE_SCALE && $item->scaleid)
            ? ($DB->get_record('scale', ['id' => $item->scaleid]) ?: null) : null;
        $graderid = (int) $gradegrade->usermodified > 0 ? (int) $gradegrade->usermodified : $actorid;
        [$grader, $role] = self::grader($graderid, $context);
        return payload_builder::gradebook_grade([
            'student' => $student,
            'course' => $course,
            'item' => $item,
            'gradegrade' => $gradegrade,
            'cmid' => $cm ? (int) $cm->id : null,
            'scale' => $scale,
            'grader' => $grader,
            'graderrole' => $role,
        ]);
    }

    /**
     * The grader and the hat they wear in the activity (roles there and in the contexts above).
     *
     * @param int $graderid The grader, 0 or less for the system.
     * @param \context $context The activity's context.
     * @return array{0: ?\stdClass, 1: string}
     */
    private static function grader(int $graderid, \context $context): array {
        if ($graderid <= 0) {
            return [null, grade_role::OTHER];
        }
        $grader = \core_user::get_user($graderid);
        if (!$grader) {
            return [null, grade_role::OTHER];
        }
        $shortnames = [];
        foreach (get_user_roles($context, $graderid, true) as $role) {
            $shortnames[] = $role->shortname;
        }
        return [$grader, grade_role::classify($shortnames, config::iv_role_shortname())];
    }

    /**
     * The learning outcomes of a grade from the BTEC grading method (gradingform_btec), if installed.
     *
     * The grading instance is the one whose itemid is the assign_grades id, in this activity's
     * submissions area, with method btec: the active one, else the newest.
     *
     * @param int $gradeid The `assign_grades` id.
     * @param int $contextid The activity's context id.
     * @return array
     */
    private static function learning_outcomes(int $gradeid, int $contextid): array {
        global $DB;
        $dbman = $DB->get_manager();
        foreach (['grading_instances', 'grading_definitions', 'gradingform_btec_criteria', 'gradingform_btec_fillings']
                as $table) {
            if (!$dbman->table_exists($table)) {
                return [];
            }
        }
        $instances = $DB->get_records_sql(
            "SELECT gi.id, gi.definitionid
               FROM {grading_instances} gi
               JOIN {grading_definitions} gd ON gd.id = gi.definitionid
               JOIN {grading_areas} ga ON ga.id = gd.areaid
              WHERE gi.itemid = :itemid
                AND gd.method = :method
                AND ga.contextid = :contextid
                AND ga.component = :component
                AND ga.areaname = :areaname
           ORDER BY CASE WHEN gi.status = :active THEN 0 ELSE 1 END, gi.timemodified DESC, gi.id DESC",
            ['itemid' => $gradeid, 'method' => 'btec', 'contextid' => $contextid, 'component' => 'mod_assign',
                'areaname' => 'submissions', 'active' => self::GRADING_INSTANCE_ACTIVE],
            0, 1);
        $instance = reset($instances);
        if (!$instance) {
            return [];
        }
        $criteria = $DB->get_records('gradingform_btec_criteria', ['definitionid' => $instance->definitionid], 'sortorder, id',
            'id, sortorder, shortname, description');
        $fillings = $DB->get_records('gradingform_btec_fillings', ['instanceid' => $instance->id], '',
            'id, criterionid, remark, score');
        return payload_builder::learning_outcomes(array_values($criteria), array_values($fillings));
    }
}
