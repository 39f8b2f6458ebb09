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

namespace local_zohosync\tests_pure;

use local_zohosync\local\payload_builder;
use PHPUnit\Framework\TestCase;

/**
 * Tests of the webhook payload (the contract with the service).
 *
 * @package    local_zohosync
 * @copyright  2026 Moodle-Zoho sync maintainers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_zohosync\local\payload_builder
 */
final class payload_builder_test extends TestCase {
    /**
     * A student row.
     *
     * @return object
     */
    private static function student(): object {
        return (object) ['id' => '45', 'username' => 'ada.l', 'email' => 'ada@example.edu', 'idnumber' => '5000000000000000045',
            'firstname' => 'Ada', 'lastname' => 'Lovelace', 'city' => 'London', 'country' => 'GB', 'suspended' => '0',
            'auth' => 'manual'];
    }

    /**
     * A course row.
     *
     * @return object
     */
    private static function course(): object {
        return (object) ['id' => '6', 'idnumber' => '5000000000000000006', 'shortname' => 'NET-5', 'fullname' => 'Networking',
            'category' => '3', 'visible' => '1', 'startdate' => '1767225600', 'enddate' => '0'];
    }

    /**
     * The envelope has exactly the keys the service validates; ids 0 become null.
     */
    public function test_envelope_and_encoding(): void {
        $envelope = payload_builder::envelope('3f0c6a52-8f6e-4b7a-9d1c-5e2b7a9c4d10', '\\core\\event\\user_created', 'user',
            45, 45, 0, 1763800000, []);
        $this->assertSame(['event_id', 'event_type', 'entity_type', 'entity_id', 'user_id', 'course_id', 'timestamp', 'data'],
            array_keys($envelope));
        $this->assertNull($envelope['course_id']);
        $json = payload_builder::encode($envelope);
        // An empty data is an object, and the event name keeps its backslashes (escaped once by JSON).
        $this->assertStringContainsString('"data":{}', $json);
        $this->assertStringContainsString('"event_type":"\\\\core\\\\event\\\\user_created"', $json);
        $this->assertSame('\\core\\event\\user_created', json_decode($json)->event_type);
    }

    /**
     * Invalid UTF-8 is an error, not a silently truncated body.
     */
    public function test_encode_refuses_invalid_utf8(): void {
        $this->expectException(\JsonException::class);
        payload_builder::encode(['bad' => "\xC3\x28"]);
    }

    /**
     * Endpoints per entity; unknown entities are refused.
     */
    public function test_endpoint(): void {
        $this->assertSame('https://sync.example.edu/v1/events/moodle/grade',
            payload_builder::endpoint('https://sync.example.edu/', 'grade'));
        $this->assertSame('https://x.test/base/v1/events/moodle/enrollment',
            payload_builder::endpoint(' https://x.test/base ', 'enrollment'));
        $this->expectException(\InvalidArgumentException::class);
        payload_builder::endpoint('https://x.test', 'enrolment');
    }

    /**
     * User data: the fields listed in the README, typed.
     */
    public function test_user(): void {
        $this->assertSame([
            'id' => 45, 'username' => 'ada.l', 'email' => 'ada@example.edu', 'idnumber' => '5000000000000000045',
            'firstname' => 'Ada', 'lastname' => 'Lovelace', 'city' => 'London', 'country' => 'GB', 'suspended' => false,
            'auth' => 'manual', 'deleted' => false,
        ], payload_builder::user(self::student()));
    }

    /**
     * A deleted user is described by what the event kept, not by the scrambled row.
     */
    public function test_deleted_user(): void {
        $data = payload_builder::deleted_user(7, ['username' => 'dgreen', 'email' => 'dan@example.com', 'idnumber' => 'EXT-1'],
            (object) ['firstname' => 'Dan', 'lastname' => 'Green', 'auth' => 'manual']);
        $this->assertTrue($data['deleted']);
        $this->assertSame('dan@example.com', $data['email']);
        $this->assertSame('Dan', $data['firstname']);
        $this->assertSame(7, $data['id']);
    }

    /**
     * Enrolment data: roles sorted and unique, 0 times become null.
     */
    public function test_enrolment(): void {
        $ue = (object) ['id' => '1', 'userid' => '45', 'enrolid' => '9', 'status' => '0', 'timestart' => '1767225600',
            'timeend' => '0'];
        $data = payload_builder::enrolment($ue, 'manual', self::course(), ['student', 'internalverifier', 'student'], false);
        $this->assertSame(['internalverifier', 'student'], $data['roles']);
        $this->assertSame(1767225600, $data['timestart']);
        $this->assertNull($data['timeend']);
        $this->assertSame('5000000000000000006', $data['course_idnumber']);
        $this->assertSame(0, $data['status']);
        $this->assertFalse($data['deleted']);
        $this->assertNull($data['last_enrolment']);

        $gone = payload_builder::enrolment((object) ['id' => '3', 'userid' => '6', 'enrolid' => '1', 'status' => '1',
            'courseid' => '2'], 'manual', null, [], true, true);
        $this->assertSame(2, $gone['course_id']);
        $this->assertNull($gone['course_idnumber']);
        $this->assertTrue($gone['last_enrolment']);
    }

    /**
     * Grade kinds: points, scale (with its items) and none; the grading method is passed through.
     */
    public function test_grade_kind(): void {
        $points = payload_builder::grade_kind('100.00000', null, null);
        $this->assertSame('points', $points['grade_type']);
        $this->assertSame('100', $points['grade_max']);

        $scale = (object) ['id' => '4', 'name' => 'BTEC', 'scale' => 'Refer, Pass, Merit, Distinction'];
        $kind = payload_builder::grade_kind('-4.00000', $scale, 'btec');
        $this->assertSame('scale', $kind['grade_type']);
        $this->assertSame(4, $kind['scale_id']);
        $this->assertSame(['Refer', 'Pass', 'Merit', 'Distinction'], $kind['scale_items']);
        $this->assertSame('4', $kind['grade_max']);
        $this->assertSame('btec', $kind['grading_method']);

        $this->assertSame('none', payload_builder::grade_kind('0.00000', null, '')['grade_type']);
        $this->assertNull(payload_builder::grade_kind('0', null, '')['grading_method']);
    }

    /**
     * A BTEC assignment grade: everything the service needs, with decimals as strings.
     */
    public function test_assign_grade(): void {
        $outcomes = payload_builder::learning_outcomes(
            [
                (object) ['id' => '12', 'sortorder' => '2', 'shortname' => 'M1', 'description' => '<p>Evaluate &amp; justify</p>'],
                (object) ['id' => '11', 'sortorder' => '1', 'shortname' => 'P1', 'description' => 'Explain'],
            ],
            [
                (object) ['criterionid' => '11', 'score' => '1.00000', 'remark' => 'Clear<br>well done'],
                (object) ['criterionid' => '12', 'score' => '0.00000', 'remark' => null],
            ]
        );
        $data = payload_builder::assign_grade([
            'student' => self::student(),
            'course' => self::course(),
            'assign' => (object) ['id' => '31', 'name' => 'Unit 2 assignment', 'grade' => '-4', 'duedate' => '1767830400'],
            'cmid' => 77,
            'grade' => (object) ['id' => '123', 'grade' => '3.00000', 'attemptnumber' => '0', 'timemodified' => '1767900000'],
            'scale' => (object) ['id' => '4', 'name' => 'BTEC', 'scale' => 'Refer,Pass,Merit,Distinction'],
            'method' => 'btec',
            'workflowstate' => 'released',
            'feedback' => '<p>Good&nbsp;work.</p><p>See <b>M1</b>.</p>',
            'grader' => (object) ['id' => '9', 'firstname' => 'Grace', 'lastname' => 'Hopper'],
            'graderrole' => 'iv',
            'outcomes' => $outcomes,
        ]);
        $this->assertSame('assign', $data['source']);
        $this->assertSame(45, $data['student_id']);
        $this->assertSame('ada@example.edu', $data['student_email']);
        $this->assertSame('5000000000000000045', $data['student_idnumber']);
        $this->assertSame('Ada Lovelace', $data['student_fullname']);
        $this->assertSame(6, $data['course_id']);
        $this->assertSame('5000000000000000006', $data['course_idnumber']);
        $this->assertSame(31, $data['assignment_id']);
        $this->assertSame(77, $data['cm_id']);
        $this->assertSame(123, $data['grade_id']);
        $this->assertSame('3', $data['grade']);
        $this->assertSame('Merit', $data['grade_label']);
        $this->assertSame('scale', $data['grade_type']);
        $this->assertSame('4', $data['grade_max']);
        $this->assertSame('btec', $data['grading_method']);
        $this->assertSame('released', $data['workflow_state']);
        $this->assertSame(1, $data['attempt_number']);
        $this->assertSame(1767830400, $data['due_date']);
        $this->assertSame("Good work.\nSee M1.", $data['feedback']);
        $this->assertSame(9, $data['grader_id']);
        $this->assertSame('Grace Hopper', $data['grader_name']);
        $this->assertSame('iv', $data['grader_role']);
        $this->assertSame([
            ['code' => 'P1', 'level' => 'pass', 'description' => 'Explain', 'score' => '1', 'feedback' => "Clear\nwell done",
                'achieved' => true],
            ['code' => 'M1', 'level' => 'merit', 'description' => 'Evaluate & justify', 'score' => '0', 'feedback' => '',
                'achieved' => false],
        ], $data['learning_outcomes']);
        // No float anywhere: every grade value is a string or null.
        $json = payload_builder::encode(payload_builder::envelope('id-1', 'x', 'assign_grades', 123, 45, 6, 1, $data));
        $this->assertStringContainsString('"grade":"3"', $json);
    }

    /**
     * "No grade" (-1) is null, not a Refer; a missing grader is "other".
     */
    public function test_assign_grade_without_grade(): void {
        $data = payload_builder::assign_grade([
            'student' => self::student(), 'course' => self::course(),
            'assign' => (object) ['id' => '31', 'name' => 'A', 'grade' => '100', 'duedate' => '0'],
            'cmid' => 77,
            'grade' => (object) ['id' => '124', 'grade' => '-1.00000', 'attemptnumber' => '1', 'timemodified' => '1'],
            'scale' => null, 'method' => null, 'workflowstate' => '', 'feedback' => null, 'grader' => null,
            'graderrole' => 'teacher', 'outcomes' => [],
        ]);
        $this->assertNull($data['grade']);
        $this->assertNull($data['grade_label']);
        $this->assertSame('points', $data['grade_type']);
        $this->assertSame('100', $data['grade_max']);
        $this->assertSame(2, $data['attempt_number']);
        $this->assertNull($data['due_date']);
        $this->assertNull($data['workflow_state']);
        $this->assertNull($data['grader_id']);
        $this->assertSame('other', $data['grader_role']);
    }

    /**
     * A gradebook grade of a non-assignment activity has the same keys as an assignment grade.
     */
    public function test_gradebook_grade_has_the_same_shape(): void {
        $gradebook = payload_builder::gradebook_grade([
            'student' => self::student(), 'course' => self::course(),
            'item' => (object) ['id' => '2', 'itemname' => 'Quiz 1', 'itemmodule' => 'quiz', 'gradetype' => '1',
                'grademax' => '10.00000', 'scaleid' => null],
            'gradegrade' => (object) ['id' => '1', 'finalgrade' => '8.50000', 'overridden' => '0', 'feedback' => null,
                'timemodified' => '1767900000'],
            'cmid' => 80, 'scale' => null, 'grader' => null, 'graderrole' => 'other',
        ]);
        $this->assertSame('gradebook', $gradebook['source']);
        $this->assertSame('8.5', $gradebook['grade']);
        $this->assertSame('10', $gradebook['grade_max']);
        $this->assertSame('points', $gradebook['grade_type']);
        $this->assertSame('quiz', $gradebook['item_module']);
        $assign = payload_builder::assign_grade([
            'student' => self::student(), 'course' => self::course(),
            'assign' => (object) ['id' => '1', 'name' => 'A', 'grade' => '10', 'duedate' => '0'], 'cmid' => 1,
            'grade' => (object) ['id' => '1', 'grade' => '1', 'attemptnumber' => '0', 'timemodified' => '1'],
        ]);
        $this->assertSame(array_keys($assign), array_keys($gradebook));
    }

    /**
     * Course data.
     */
    public function test_course(): void {
        $data = payload_builder::course(self::course(), ['fullname', 'visible']);
        $this->assertSame(3, $data['category_id']);
        $this->assertTrue($data['visible']);
        $this->assertNull($data['enddate']);
        $this->assertSame(['fullname', 'visible'], $data['updated_fields']);
    }

    /**
     * Decimals in their shortest exact form.
     *
     * @dataProvider decimals
     * @param string|null $input From the database.
     * @param string|null $expected Sent.
     */
    public function test_decimal(?string $input, ?string $expected): void {
        $this->assertSame($expected, payload_builder::decimal($input));
    }

    /**
     * Decimal cases.
     *
     * @return array
     */
    public static function decimals(): array {
        return [
            [null, null], ['', null], ['abc', null], ['85.50000', '85.5'], ['3.00000', '3'], ['0.00000', '0'],
            ['-1.00000', '-1'], ['-0.00000', '0'], ['007.10', '7.1'], ['100', '100'],
        ];
    }

    /**
     * HTML feedback becomes readable text.
     */
    public function test_plain_text(): void {
        $this->assertSame('', payload_builder::plain_text(null));
        $this->assertSame("Line 1\nLine 2\n\nA < B & \"C\"",
            payload_builder::plain_text("<div>Line 1<br/>Line 2</div>\n\n\n<p>A &lt; B &amp; &quot;C&quot;</p>"));
        $this->assertSame('Ünal — ok', payload_builder::plain_text('<span>Ünal&nbsp;&mdash;   ok</span>'));
    }
}
