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
 * Builds the webhook envelope and its `data` from rows already loaded (no DB, no HTTP).
 *
 * The adhoc task loads the rows (see {@see event_loader}) and hands them here, so every rule
 * about what is sent and under which name lives in this pure, unit-tested class. Field names
 * are the contract with the service (moodle-plugin/README.md, "What is sent"). Decimals
 * (grades, max grades, scores) are sent as strings, never floats.
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class payload_builder {
    /** @var string[] The entities of the service's URL `POST {serviceurl}/v1/events/moodle/{entity}`. */
    public const ENTITIES = ['user', 'enrollment', 'grade', 'course'];

    /** @var string[] Moodle gradebook grade types (GRADE_TYPE_NONE, _VALUE, _SCALE, _TEXT) by value. */
    private const GRADEBOOK_TYPES = [0 => 'none', 1 => 'points', 2 => 'scale', 3 => 'text'];

    /**
     * The envelope the service validates.
     *
     * @param string $deliveryid The delivery id (also the `webhook-id` header).
     * @param string $eventname The Moodle event class, e.g. `\mod_assign\event\submission_graded`.
     * @param string $entitytype The table the entity id refers to, e.g. `assign_grades`.
     * @param int $entityid The id of the row.
     * @param int|null $userid The user the event is about, if any.
     * @param int|null $courseid The course, if any.
     * @param int $timestamp When the event happened (Unix seconds).
     * @param array $data The entity data.
     * @return array
     */
    public static function envelope(string $deliveryid, string $eventname, string $entitytype, int $entityid,
            ?int $userid, ?int $courseid, int $timestamp, array $data): array {
        return [
            'event_id' => $deliveryid,
            'event_type' => $eventname,
            'entity_type' => $entitytype,
            'entity_id' => $entityid,
            'user_id' => ($userid !== null && $userid > 0) ? $userid : null,
            'course_id' => ($courseid !== null && $courseid > 0) ? $courseid : null,
            'timestamp' => $timestamp,
            'data' => (object) $data,
        ];
    }

    /**
     * The exact request body for an envelope.
     *
     * @param array $envelope From {@see envelope()}.
     * @return string JSON.
     * @throws \JsonException When the data cannot be encoded (e.g. invalid UTF-8).
     */
    public static function encode(array $envelope): string {
        return json_encode($envelope, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    }

    /**
     * The service URL for an entity.
     *
     * @param string $serviceurl The base URL from the settings, e.g. `https://sync.example.edu`.
     * @param string $entity One of {@see ENTITIES}.
     * @return string
     * @throws \InvalidArgumentException For an unknown entity.
     */
    public static function endpoint(string $serviceurl, string $entity): string {
        if (!in_array($entity, self::ENTITIES, true)) {
            throw new \InvalidArgumentException('Unknown entity: ' . $entity);
        }
        return rtrim(trim($serviceurl), '/') . '/v1/events/moodle/' . $entity;
    }

    /**
     * `data` of a user event (created / updated).
     *
     * @param object $user A `user` row.
     * @return array
     */
    public static function user(object $user): array {
        return [
            'id' => (int) $user->id,
            'username' => (string) $user->username,
            'email' => (string) $user->email,
            'idnumber' => (string) $user->idnumber,
            'firstname' => (string) $user->firstname,
            'lastname' => (string) $user->lastname,
            'city' => (string) ($user->city ?? ''),
            'country' => (string) ($user->country ?? ''),
            'suspended' => !empty($user->suspended),
            'auth' => (string) ($user->auth ?? ''),
            'deleted' => false,
        ];
    }

    /**
     * `data` of a user_deleted event, from what the event kept (the row is already scrambled).
     *
     * @param int $userid The deleted user's id.
     * @param array $other The event's `other`: username, email, idnumber as they were.
     * @param object|null $snapshot The event's `user` record snapshot, when there is one.
     * @return array
     */
    public static function deleted_user(int $userid, array $other, ?object $snapshot): array {
        return [
            'id' => $userid,
            'username' => (string) ($other['username'] ?? ''),
            'email' => (string) ($other['email'] ?? ''),
            'idnumber' => (string) ($other['idnumber'] ?? ''),
            'firstname' => (string) ($snapshot->firstname ?? ''),
            'lastname' => (string) ($snapshot->lastname ?? ''),
            'city' => (string) ($snapshot->city ?? ''),
            'country' => (string) ($snapshot->country ?? ''),
            'suspended' => !empty($snapshot->suspended),
            'auth' => (string) ($snapshot->auth ?? ''),
            'deleted' => true,
        ];
    }

    /**
     * `data` of an enrolment event.
     *
     * @param object $ue The `user_enrolments` row (for a deletion: the row the event kept).
     * @param string $enrolmethod The enrol plugin, e.g. `manual`.
     * @param object|null $course The course (id, idnumber, shortname), null when gone.
     * @param string[] $roles Shortnames of the user's roles in the course context.
     * @param bool $deleted Whether the enrolment was deleted.
     * @param bool|null $lastenrol For a deletion: whether it was the user's last enrolment in the course.
     * @return array
     */
    public static function enrolment(object $ue, string $enrolmethod, ?object $course, array $roles, bool $deleted,
            ?bool $lastenrol = null): array {
        $roles = array_values(array_unique(array_map('strval', $roles)));
        sort($roles);
        return [
            'user_enrolment_id' => (int) $ue->id,
            'user_id' => (int) $ue->userid,
            'course_id' => (int) ($course->id ?? ($ue->courseid ?? 0)),
            'course_idnumber' => $course !== null ? (string) $course->idnumber : null,
            'course_shortname' => $course !== null ? (string) $course->shortname : null,
            'enrol_instance_id' => (int) $ue->enrolid,
            'enrol_method' => $enrolmethod,
            'status' => (int) $ue->status,
            'timestart' => self::time_or_null($ue->timestart ?? 0),
            'timeend' => self::time_or_null($ue->timeend ?? 0),
            'roles' => $roles,
            'deleted' => $deleted,
            'last_enrolment' => $lastenrol,
        ];
    }

    /**
     * `data` of a course event.
     *
     * @param object $course The `course` row.
     * @param string[] $updatedfields Names of the fields `course_updated` reported as changed.
     * @return array
     */
    public static function course(object $course, array $updatedfields = []): array {
        return [
            'id' => (int) $course->id,
            'idnumber' => (string) $course->idnumber,
            'shortname' => (string) $course->shortname,
            'fullname' => (string) $course->fullname,
            'category_id' => (int) $course->category,
            'visible' => !empty($course->visible),
            'startdate' => self::time_or_null($course->startdate ?? 0),
            'enddate' => self::time_or_null($course->enddate ?? 0),
            'updated_fields' => array_values(array_map('strval', $updatedfields)),
        ];
    }

    /**
     * What kind of grade an item holds.
     *
     * @param string $grade The activity's `grade` column (assign.grade): > 0 points out of it, < 0 the scale
     *      whose id is its negation, 0 no grade.
     * @param object|null $scale The scale row (id, name, scale = comma-separated items) when it is a scale.
     * @param string|null $method The active advanced grading method (`btec`, `rubric`, `guide` …), null for simple.
     * @return array grade_type, grade_max, scale_id, scale_name, scale_items, grading_method.
     */
    public static function grade_kind(string $grade, ?object $scale, ?string $method): array {
        $value = self::decimal($grade);
        $kind = [
            'grade_type' => 'none',
            'grade_max' => null,
            'scale_id' => null,
            'scale_name' => null,
            'scale_items' => [],
            'grading_method' => ($method === null || $method === '') ? null : $method,
        ];
        if ($value === null || $value === '0') {
            return $kind;
        }
        if ($value[0] === '-') {
            $items = $scale !== null ? self::scale_items((string) $scale->scale) : [];
            $kind['grade_type'] = 'scale';
            $kind['scale_id'] = (int) substr($value, 1);
            $kind['scale_name'] = $scale !== null ? (string) $scale->name : null;
            $kind['scale_items'] = $items;
            $kind['grade_max'] = $items ? (string) count($items) : null;
            return $kind;
        }
        $kind['grade_type'] = 'points';
        $kind['grade_max'] = $value;
        return $kind;
    }

    /**
     * `data` of `\mod_assign\event\submission_graded`.
     *
     * @param array $parts Loaded rows: student (user), course, assign, cmid (int), grade (assign_grades),
     *      scale (or null), method (string or null), workflowstate (string or null), feedback (HTML or null),
     *      grader (user or null), graderrole (string), outcomes (from {@see learning_outcomes()}).
     * @return array
     */
    public static function assign_grade(array $parts): array {
        $assign = $parts['assign'];
        $grade = $parts['grade'];
        $kind = self::grade_kind((string) $assign->grade, $parts['scale'] ?? null, $parts['method'] ?? null);
        $value = self::decimal((string) $grade->grade);
        if ($value !== null && $value[0] === '-') {
            // Moodle stores -1 for "no grade yet".
            $value = null;
        }
        return self::student_and_course($parts['student'], $parts['course']) + [
            'source' => 'assign',
            'assignment_id' => (int) $assign->id,
            'assignment_name' => (string) $assign->name,
            'cm_id' => (int) $parts['cmid'],
            'item_id' => null,
            'item_module' => 'assign',
            'grade_id' => (int) $grade->id,
            'grade' => $value,
            'grade_label' => self::scale_label($value, $kind['scale_items']),
        ] + $kind + [
            'workflow_state' => ($parts['workflowstate'] ?? '') === '' ? null : (string) $parts['workflowstate'],
            'attempt_number' => ((int) $grade->attemptnumber) + 1,
            'due_date' => self::time_or_null($assign->duedate ?? 0),
            'graded_at' => (int) $grade->timemodified,
            'overridden' => false,
            'feedback' => self::plain_text($parts['feedback'] ?? null),
        ] + self::grader($parts['grader'] ?? null, (string) ($parts['graderrole'] ?? grade_role::OTHER)) + [
            'learning_outcomes' => $parts['outcomes'] ?? [],
        ];
    }

    /**
     * `data` of `\core\event\user_graded` for an activity item that is not an assignment.
     *
     * @param array $parts Loaded rows: student, course, item (grade_items), gradegrade (grade_grades), cmid
     *      (int or null), scale (or null), grader (user or null), graderrole (string).
     * @return array
     */
    public static function gradebook_grade(array $parts): array {
        $item = $parts['item'];
        $gg = $parts['gradegrade'];
        $type = self::GRADEBOOK_TYPES[(int) $item->gradetype] ?? 'none';
        $scale = $parts['scale'] ?? null;
        $items = ($type === 'scale' && $scale !== null) ? self::scale_items((string) $scale->scale) : [];
        $value = self::decimal(isset($gg->finalgrade) ? (string) $gg->finalgrade : null);
        return self::student_and_course($parts['student'], $parts['course']) + [
            'source' => 'gradebook',
            'assignment_id' => null,
            'assignment_name' => (string) ($item->itemname ?? ''),
            'cm_id' => isset($parts['cmid']) ? (int) $parts['cmid'] : null,
            'item_id' => (int) $item->id,
            'item_module' => (string) ($item->itemmodule ?? ''),
            'grade_id' => (int) $gg->id,
            'grade' => $value,
            'grade_label' => self::scale_label($value, $items),
            'grade_type' => $type,
            'grade_max' => $type === 'scale' ? ($items ? (string) count($items) : null) : self::decimal((string) $item->grademax),
            'scale_id' => $type === 'scale' ? (int) $item->scaleid : null,
            'scale_name' => $scale !== null && $type === 'scale' ? (string) $scale->name : null,
            'scale_items' => $items,
            'grading_method' => null,
            'workflow_state' => null,
            'attempt_number' => null,
            'due_date' => null,
            'graded_at' => (int) $gg->timemodified,
            'overridden' => !empty($gg->overridden),
            'feedback' => self::plain_text($gg->feedback ?? null),
        ] + self::grader($parts['grader'] ?? null, (string) ($parts['graderrole'] ?? grade_role::OTHER)) + [
            'learning_outcomes' => [],
        ];
    }

    /**
     * The learning outcomes of a BTEC grading instance, in criterion order.
     *
     * @param object[] $criteria `gradingform_btec_criteria` rows (id, sortorder, shortname, description).
     * @param object[] $fillings `gradingform_btec_fillings` rows of one instance (criterionid, remark, score).
     * @return array<int, array{code: string, level: ?string, description: string, score: ?string, feedback: string,
     *     achieved: bool}>
     */
    public static function learning_outcomes(array $criteria, array $fillings): array {
        $bycriterion = [];
        foreach ($fillings as $filling) {
            $bycriterion[(int) $filling->criterionid] = $filling;
        }
        usort($criteria, fn($a, $b) => [(int) $a->sortorder, (int) $a->id] <=> [(int) $b->sortorder, (int) $b->id]);
        $outcomes = [];
        foreach ($criteria as $criterion) {
            $filling = $bycriterion[(int) $criterion->id] ?? null;
            $score = $filling !== null ? self::decimal((string) $filling->score) : null;
            $code = trim((string) $criterion->shortname);
            $outcomes[] = [
                'code' => $code,
                'level' => validator::is_criterion_code($code) ? validator::criterion_level($code) : null,
                'description' => self::plain_text($criterion->description ?? null),
                'score' => $score,
                'feedback' => self::plain_text($filling->remark ?? null),
                'achieved' => $score !== null && $score !== '0' && $score[0] !== '-',
            ];
        }
        return $outcomes;
    }

    /**
     * Text from HTML: tags removed, entities decoded, line breaks kept, spaces collapsed.
     *
     * @param string|null $html The HTML (or plain text).
     * @return string
     */
    public static function plain_text(?string $html): string {
        if ($html === null || $html === '') {
            return '';
        }
        $text = preg_replace('~<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</h[1-6]\s*>|</tr\s*>~i', "\n", $html);
        $text = strip_tags($text);
        $text = html_entity_decode($text, ENT_QUOTES | ENT_HTML5, 'UTF-8');
        $text = preg_replace('/[ \t\x{00A0}]+/u', ' ', $text);
        $text = preg_replace('/ *\n */', "\n", $text);
        $text = preg_replace('/\n{3,}/', "\n\n", $text);
        return trim($text);
    }

    /**
     * A database decimal in its shortest exact form ("85.50000" → "85.5", "3.00000" → "3").
     *
     * @param string|null $value A decimal string as the database returns it, or null.
     * @return string|null Null for null, '' or a value that is not a plain decimal.
     */
    public static function decimal(?string $value): ?string {
        if ($value === null) {
            return null;
        }
        $value = trim($value);
        if (!preg_match('/^(-)?(\d+)(?:\.(\d+))?$/', $value, $m)) {
            return null;
        }
        $integer = ltrim($m[2], '0');
        $integer = $integer === '' ? '0' : $integer;
        $fraction = rtrim($m[3] ?? '', '0');
        $result = $integer . ($fraction !== '' ? '.' . $fraction : '');
        return ($m[1] === '-' && $result !== '0') ? '-' . $result : $result;
    }

    /**
     * The items of a scale, in order (item 1 first).
     *
     * @param string $scale The `scale.scale` column: comma-separated items.
     * @return string[]
     */
    public static function scale_items(string $scale): array {
        $items = array_map('trim', explode(',', $scale));
        return array_values(array_filter($items, fn($item) => $item !== ''));
    }

    /**
     * The scale item a grade points at (scale grades are 1-based item numbers).
     *
     * @param string|null $value The grade as a decimal string.
     * @param string[] $items The scale items.
     * @return string|null
     */
    private static function scale_label(?string $value, array $items): ?string {
        if ($value === null || !$items || !preg_match('/^\d+$/', $value)) {
            return null;
        }
        return $items[((int) $value) - 1] ?? null;
    }

    /**
     * Student and course fields shared by both grade shapes.
     *
     * @param object $student The student's `user` row.
     * @param object $course The `course` row.
     * @return array
     */
    private static function student_and_course(object $student, object $course): array {
        return [
            'student_id' => (int) $student->id,
            'student_email' => (string) $student->email,
            'student_idnumber' => (string) $student->idnumber,
            'student_username' => (string) $student->username,
            'student_fullname' => trim($student->firstname . ' ' . $student->lastname),
            'course_id' => (int) $course->id,
            'course_idnumber' => (string) $course->idnumber,
            'course_shortname' => (string) $course->shortname,
            'course_fullname' => (string) $course->fullname,
        ];
    }

    /**
     * Grader fields.
     *
     * @param object|null $grader The grader's `user` row, null when unknown (system).
     * @param string $role From {@see grade_role::classify()}.
     * @return array
     */
    private static function grader(?object $grader, string $role): array {
        return [
            'grader_id' => $grader !== null ? (int) $grader->id : null,
            'grader_name' => $grader !== null ? trim($grader->firstname . ' ' . $grader->lastname) : null,
            'grader_role' => $grader !== null ? $role : grade_role::OTHER,
        ];
    }

    /**
     * A Unix time, or null for Moodle's 0 = "not set".
     *
     * @param int|string|null $time The time.
     * @return int|null
     */
    private static function time_or_null($time): ?int {
        $time = (int) $time;
        return $time > 0 ? $time : null;
    }
}
