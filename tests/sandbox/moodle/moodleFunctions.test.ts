import t from 'tap';
import type { PhpForm, PhpFormValue } from '../../../sandbox/parsePhpForm.ts';
import { fixtureSiteSeed } from '../../../sandbox/moodle/fixtureSiteSeed.ts';
import { handleRestRequest } from '../../../sandbox/moodle/handleRestRequest.ts';
import { createMoodleState } from '../../../sandbox/moodle/createMoodleState.ts';
import type { MoodleState } from '../../../sandbox/moodle/moodleState.ts';
import { seedMoodleState } from '../../../sandbox/moodle/seedMoodleState.ts';

/** Behaviour beyond the recordings, called without HTTP. The recorded behaviour is in moodleSimulator.contract.test.ts. */

const NOW = 1795310900;
type Param = string | number | boolean | Param[] | { [key: string]: Param };
const form = (value: Param): PhpFormValue =>
  Array.isArray(value)
    ? value.map(form)
    : typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, form(v)]))
      : typeof value === 'boolean'
        ? value
          ? '1'
          : '0'
        : String(value);

function site(): MoodleState {
  const state = createMoodleState('tok', NOW);
  seedMoodleState(state, fixtureSiteSeed(), NOW);
  state.config.debug = true;
  return state;
}

function call(state: MoodleState, wsfunction: string, params: Record<string, Param> = {}, token = 'tok'): unknown {
  const fields: PhpForm = { wstoken: token, wsfunction, moodlewsrestformat: 'json', ...(form(params) as PhpForm) };
  return JSON.parse(handleRestRequest(state, fields, { now: NOW, wwwroot: 'http://moodle.test' }).response.body);
}

t.test('users: blank names, bad auth, missing password, case-insensitive duplicate e-mails are refused', async (t) => {
  const state = site();
  const base = {
    username: 'new.user',
    password: 'Passw0rd!x',
    firstname: 'N',
    lastname: 'U',
    email: 'new@example.com',
  };
  t.match(call(state, 'core_user_create_users', { users: [{ ...base, firstname: ' ' }] }), {
    debuginfo: 'The field firstname cannot be blank',
  });
  t.match(call(state, 'core_user_create_users', { users: [{ ...base, auth: 'magic' }] }), {
    debuginfo: 'Invalid authentication type: magic',
  });
  t.match(call(state, 'core_user_create_users', { users: [{ ...base, theme: 'purple' }] }), {
    debuginfo: 'Invalid theme: purple',
  });
  t.match(call(state, 'core_user_create_users', { users: [{ ...base, password: '' }] }), {
    debuginfo: 'Invalid password: you must provide a password, or set createpassword.',
  });
  t.match(call(state, 'core_user_create_users', { users: [{ ...base, email: 'JANE.DOE@example.com' }] }), {
    debuginfo: 'Email address already exists: JANE.DOE@example.com',
  });
  state.config.allowAccountsSameEmail = true;
  t.match(
    call(state, 'core_user_create_users', {
      users: [{ ...base, email: 'JANE.DOE@example.com', phone1: '123', description: 'Hi' }],
    }),
    [{ username: 'new.user' }],
    'allowed when the site allows it',
  );
  t.match(call(state, 'core_user_get_users_by_field', { field: 'username', values: ['new.user'] }), [
    { phone1: '123', description: 'Hi', descriptionformat: 1 },
  ]);
});

t.test('users: update refuses unknown, deleted, guest and invalid e-mail; admin may update itself', async (t) => {
  const state = site();
  call(state, 'core_user_delete_users', { userids: [7] });
  t.same(
    call(state, 'core_user_update_users', {
      users: [
        { id: 7, firstname: 'X' },
        { id: 1, firstname: 'X' },
        { id: 4, email: 'bad' },
        { id: 2, firstname: 'Boss', password: 'N3w!passw' },
      ],
    }),
    {
      warnings: [
        { item: 'user', itemid: 7, warningcode: 'usernotupdateddeleted', message: 'User is a deleted user' },
        { item: 'user', itemid: 1, warningcode: 'usernotupdatedguest', message: 'Cannot update guest account' },
        { item: 'user', itemid: 4, warningcode: 'useremailinvalid', message: 'Invalid email address' },
      ],
    },
  );
  t.equal(state.users.find((u) => u.id === 2)?.firstname, 'Boss');
});

t.test('users: a non-admin token user cannot update an admin, nor delete itself', async (t) => {
  const state = site();
  state.tokens.push({ token: 'bob', userid: 5, restUse: true });
  t.match(call(state, 'core_user_update_users', { users: [{ id: 2, firstname: 'X' }] }, 'bob'), {
    warnings: [{ warningcode: 'usernotupdatedadmin' }],
  });
  t.match(call(state, 'core_user_delete_users', { userids: [5] }, 'bob'), { errorcode: 'usernotdeletederror' });
  t.same(call(state, 'core_user_delete_users', { userids: [1] }), null, 'the guest is silently kept');
  t.equal(state.users.find((u) => u.id === 1)?.deleted, false);
});

t.test(
  'users: deleting frees the username and e-mail and removes enrolments, roles and cohort memberships',
  async (t) => {
    const state = site();
    call(state, 'core_cohort_add_cohort_members', {
      members: [{ cohorttype: { type: 'id', value: '1' }, usertype: { type: 'id', value: '4' } }],
    });
    call(state, 'core_user_delete_users', { userids: [4] });
    t.same(
      [
        state.enrolments.some((e) => e.userid === 4),
        state.roleAssignments.some((r) => r.userid === 4),
        state.cohortMembers.length,
      ],
      [false, false, 0],
    );
    t.match(
      call(state, 'core_user_create_users', {
        users: [
          {
            username: 'jdoe.fixture',
            password: 'Passw0rd!x',
            firstname: 'J',
            lastname: 'D',
            email: 'jane.doe@example.com',
          },
        ],
      }),
      [{ username: 'jdoe.fixture' }],
    );
    state.users.push({
      ...state.users.find((u) => u.id === 6)!,
      id: 50,
      username: 'carol.brown@example.com.1795310900',
    });
    call(state, 'core_user_delete_users', { userids: [6] });
    t.equal(
      state.users.find((u) => u.id === 6)?.username,
      'carol.brown@example.com.1795310901',
      'a taken deleted name is counted up',
    );
  },
);

t.test('users: get_users matches like SQL LIKE, refuses repeated keys, warns on unknown keys', async (t) => {
  const state = site();
  t.match(
    call(state, 'core_user_get_users', {
      criteria: [
        { key: 'email', value: '%@EXAMPLE.com' },
        { key: 'lastname', value: 'D_e' },
      ],
    }),
    { users: [{ id: 4 }], warnings: [] },
  );
  t.match(
    call(state, 'core_user_get_users', {
      criteria: [
        { key: 'id', value: '5' },
        { key: 'city', value: '1' },
      ],
    }),
    {
      users: [{ id: 5 }],
      warnings: [
        {
          item: 'city',
          warningcode: 'invalidfieldparameter',
          message: "The search key 'city' is not supported, look at the web service documentation",
        },
      ],
    },
  );
  t.match(
    call(state, 'core_user_get_users', {
      criteria: [
        { key: 'auth', value: 'manual' },
        { key: 'auth', value: 'x' },
      ],
    }),
    { errorcode: 'keyalreadyset', message: 'error/keyalreadyset' },
  );
  t.match(
    call(state, 'core_user_get_users', {
      criteria: [
        { key: 'username', value: 'bsmith.fixture' },
        { key: 'firstname', value: 'B\\%' },
      ],
    }),
    { users: [] },
    'an escaped % is literal',
  );
  t.match(
    call(state, 'core_user_get_users_by_field', { field: 'id', values: ['4abc'] }),
    [{ id: 4 }],
    'ids are read like PHP (int)',
  );
  t.match(call(state, 'core_user_get_users_by_field', { field: 'fullname', values: ['x'] }), {
    debuginfo: "The search field 'fullname' is not supported, look at the web service documentation",
  });
});

t.test('categories: parents, subcategories and unique idnumbers', async (t) => {
  const state = site();
  t.match(call(state, 'core_course_create_categories', { categories: [{ name: 'Sub', parent: 2, idnumber: 'SUB' }] }), [
    { id: 3, name: 'Sub' },
  ]);
  t.match(state.categories.at(-1), { depth: 2, path: '/2/3', parent: 2 });
  t.match(call(state, 'core_course_get_categories', { criteria: [{ key: 'idnumber', value: 'CAT-INT' }] }), [
    { id: 2, coursecount: 2 },
    { id: 3, coursecount: 0 },
  ]);
  t.match(
    call(state, 'core_course_get_categories', {
      criteria: [
        { key: 'ids', value: '1,3' },
        { key: 'visible', value: '1' },
      ],
      addsubcategories: 0,
    }),
    [{ id: 1 }, { id: 3 }],
  );
  t.match(call(state, 'core_course_get_categories', { criteria: [{ key: 'colour', value: 'x' }] }), {
    errorcode: 'invalidparameter',
  });
  t.match(call(state, 'core_course_create_categories', { categories: [{ name: 'Dup', idnumber: 'SUB' }] }), {
    errorcode: 'categoryidnumbertaken',
  });
  t.match(call(state, 'core_course_create_categories', { categories: [{ name: 'Orphan', parent: 99 }] }), {
    errorcode: 'unknowcategory',
  });
  t.match(call(state, 'core_course_create_categories', { categories: [{ name: ' ' }] }), {
    errorcode: 'categorynamerequired',
  });
  t.match(call(state, 'core_course_create_categories', { categories: [{ name: 'x'.repeat(256) }] }), {
    errorcode: 'categorytoolong',
  });
  t.match(
    call(state, 'core_course_create_categories', { categories: [{ name: 'Long id', idnumber: 'x'.repeat(101) }] }),
    { errorcode: 'idnumbertoolong' },
  );
});

t.test('courses: names, dates, language, format options and moving between categories', async (t) => {
  const state = site();
  const course = (extra: Record<string, Param>) => ({
    courses: [{ fullname: 'F', shortname: 'S1', categoryid: 2, ...extra }],
  });
  t.match(call(state, 'core_course_create_courses', course({ shortname: ' ' })), {
    errorcode: 'errorinvalidparam',
    message: 'The param "shortname" is invalid.',
  });
  t.match(call(state, 'core_course_create_courses', course({ fullname: '' })), { errorcode: 'errorinvalidparam' });
  t.match(call(state, 'core_course_create_courses', course({ lang: 'xx' })), {
    message: 'The param "lang" is invalid.',
  });
  t.match(call(state, 'core_course_create_courses', course({ forcetheme: 'purple' })), {
    message: 'The param "forcetheme" is invalid.',
  });
  t.match(call(state, 'core_course_create_courses', course({ startdate: 200, enddate: 100 })), {
    errorcode: 'enddatebeforestartdate',
  });
  t.match(
    call(
      state,
      'core_course_create_courses',
      course({ format: 'weeks', courseformatoptions: [{ name: 'hiddensections', value: '0' }] }),
    ),
    [{ shortname: 'S1' }],
  );
  t.same(
    state.courses.at(-1)?.formatoptions.map((o) => o.value),
    [0, 0, 1, '1'],
  );
  t.same(
    call(state, 'core_course_update_courses', {
      courses: [
        { id: 3, categoryid: 1, format: 'social', forcetheme: 'boost' },
        { id: 3, fullname: ' ' },
        { id: 3, categoryid: 77 },
      ],
    }),
    {
      warnings: [
        { item: 'course', itemid: 3, warningcode: 'errorinvalidparam', message: 'The param "fullname" is invalid.' },
        {
          item: 'course',
          itemid: 3,
          warningcode: 'invalidrecord',
          message: "Can't find data record in database table course_categories.",
        },
      ],
    },
  );
  t.match(
    state.courses.find((c) => c.id === 3),
    { category: 1, sortorder: 10001, format: 'social', formatoptions: [], theme: 'boost' },
  );
  t.match(call(state, 'core_course_get_courses_by_field'), { courses: [{ id: 2 }, { id: 3 }, { id: 4 }] });
  t.match(call(state, 'core_course_get_courses_by_field', { field: 'ids', value: '3,4' }), {
    courses: [{ id: 3 }, { id: 4 }],
  });
  t.match(call(state, 'core_course_get_courses_by_field', { field: 'category', value: '1' }), {
    courses: [{ id: 3, categoryname: 'Category 1' }],
  });
  t.same(call(state, 'core_course_get_courses_by_field', { field: 'sectionid', value: '1' }), {
    courses: [],
    warnings: [],
  });
  t.match(
    call(state, 'core_course_get_courses_by_field', { field: 'id', value: '2' }),
    { courses: [{ contacts: [{ id: 5, fullname: 'Bob Smith' }] }] },
    'the teacher is the course contact',
  );
});

t.test(
  'enrolments: re-enrolling changes dates and status, unenrolling removes the roles, options filter the list',
  async (t) => {
    const state = site();
    call(state, 'enrol_manual_enrol_users', {
      enrolments: [{ roleid: 5, userid: 4, courseid: 2, timeend: 1790000000, suspend: 1 }],
    });
    t.match(
      state.enrolments.find((e) => e.userid === 4),
      { timeend: 1790000000, status: 1 },
    );
    call(state, 'enrol_manual_enrol_users', { enrolments: [{ roleid: 5, userid: 4, courseid: 2 }] });
    t.match(
      state.enrolments.find((e) => e.userid === 4),
      { timeend: 0, status: 0 },
      'missing dates and suspend reset them, as Moodle',
    );
    t.match(call(state, 'enrol_manual_unenrol_users', { enrolments: [{ userid: 999, courseid: 2 }] }), {
      debuginfo: 'User id not exist: 999',
    });
    call(state, 'enrol_manual_unenrol_users', { enrolments: [{ userid: 4, courseid: 2 }] });
    t.notOk(state.roleAssignments.some((r) => r.userid === 4));
    call(state, 'enrol_manual_enrol_users', {
      enrolments: [
        { roleid: 5, userid: 6, courseid: 2, suspend: 1 },
        { roleid: 5, userid: 7, courseid: 2 },
      ],
    });
    const list = (options: Record<string, Param>[]) =>
      (call(state, 'core_enrol_get_enrolled_users', { courseid: 2, options }) as { id: number }[]).map((u) => u.id);
    t.same(list([]), [5, 6, 7]);
    t.same(list([{ name: 'onlyactive', value: '1' }]), [5, 7]);
    t.same(list([{ name: 'onlysuspended', value: '1' }]), [6]);
    t.same(
      list([
        { name: 'sortby', value: 'firstname' },
        { name: 'sortdirection', value: 'DESC' },
      ]),
      [7, 6, 5],
    );
    t.same(
      list([
        { name: 'limitfrom', value: '1' },
        { name: 'limitnumber', value: '1' },
        { name: 'withcapability', value: 'x' },
      ]),
      [6],
    );
    t.same(list([{ name: 'limitfrom', value: '2' }]), [7]);
    t.match(
      call(state, 'core_enrol_get_enrolled_users', { courseid: 2, options: [{ name: 'colour', value: 'red' }] }),
      { errorcode: 'invalidextparam' },
    );
    t.match(call(state, 'core_enrol_get_users_courses', { userid: 5, returnusercount: 0 }), [
      { id: 2, completionusertracked: false },
    ]);
    t.notOk(
      'enrolledusercount' in
        (
          call(state, 'core_enrol_get_users_courses', { userid: 5, returnusercount: 0 }) as Record<string, unknown>[]
        )[0]!,
    );
    state.courses.find((c) => c.id === 2)!.enablecompletion = 0;
    t.match(call(state, 'core_enrol_get_users_courses', { userid: 7 }), [{ completed: null, enrolledusercount: 3 }]);
    t.match(
      call(state, 'enrol_manual_enrol_users', { enrolments: [{ roleid: 5, userid: 4, courseid: 2, timeend: 5 }] }),
      null,
    );
    t.match(call(state, 'core_enrol_get_course_enrolment_methods', { courseid: 99 }), { errorcode: 'invalidrecord' });
  },
);

t.test('roles: contexts by id or level, assignable roles only, existing users only', async (t) => {
  const state = site();
  const assign = (a: Record<string, Param>) =>
    call(state, 'core_role_assign_roles', { assignments: [{ roleid: 1, userid: 6, ...a }] });
  t.same(assign({ contextlevel: 'system', instanceid: 0 }), null);
  t.same(assign({ contextlevel: 'system', instanceid: 0 }), null, 'twice is once');
  t.equal(state.roleAssignments.filter((r) => r.userid === 6 && r.roleid === 1).length, 1);
  t.same(assign({ contextid: 1, roleid: 2 }), null);
  t.same(assign({ contextlevel: 'coursecat', instanceid: 2 }), null);
  t.match(assign({ contextlevel: 'planet', instanceid: 1 }), { debuginfo: 'Invalid context level = planet' });
  t.match(assign({}), {
    debuginfo: 'Missing parameters, please provide either context level with instance id or contextid',
  });
  t.match(assign({ contextlevel: 'course', instanceid: 99 }), { debuginfo: 'Context does not exist' });
  t.match(assign({ contextlevel: 'course', instanceid: 2, roleid: 6 }), {
    debuginfo: 'Can not assign roleid=6 in contextid=',
  });
  t.match(assign({ contextlevel: 'module', instanceid: 3, roleid: 4, userid: 99 }), { errorcode: 'codingerror' });
  t.match(assign({ contextlevel: 'user', instanceid: 4 }), { debuginfo: /^Can not assign/ });
});

t.test(
  'cohorts: category by id, bad category type, unknown category, missing cohort or user when removing',
  async (t) => {
    const state = site();
    t.match(
      call(state, 'core_cohort_create_cohorts', {
        cohorts: [{ categorytype: { type: 'id', value: '2' }, name: 'C', idnumber: 'C3', visible: 0 }],
      }),
      [{ idnumber: 'C3', visible: false }],
    );
    t.match(
      call(state, 'core_cohort_create_cohorts', {
        cohorts: [{ categorytype: { type: 'name', value: 'x' }, name: 'C', idnumber: 'C4' }],
      }),
      { debuginfo: 'category type must be id, idnumber or system:name' },
    );
    t.match(
      call(state, 'core_cohort_create_cohorts', {
        cohorts: [{ categorytype: { type: 'idnumber', value: 'NOPE' }, name: 'C', idnumber: 'C4' }],
      }),
      { debuginfo: 'category not exists: category idnumber = NOPE' },
    );
    t.match(call(state, 'core_cohort_get_cohorts'), [{ id: 1 }, { id: 2 }]);
    t.match(
      call(state, 'core_cohort_add_cohort_members', {
        members: [
          { cohorttype: { type: 'name', value: 'x' }, usertype: { type: 'id', value: '4' } },
          { cohorttype: { type: 'id', value: '1' }, usertype: { type: 'email', value: 'x' } },
        ],
      }),
      {
        warnings: [
          { warningcode: '1', message: 'invalid parameter: cohortype=name' },
          { warningcode: '1', message: 'invalid parameter: usertype=email' },
        ],
      },
    );
    t.match(call(state, 'core_cohort_delete_cohort_members', { members: [{ cohortid: 9, userid: 4 }] }), {
      errorcode: 'invalidrecord',
      debuginfo: 'SELECT * FROM {cohort} WHERE id = ?\n[array (\n  0 => 9,\n)]',
    });
    t.match(call(state, 'core_cohort_delete_cohort_members', { members: [{ cohortid: 1, userid: 99 }] }), {
      errorcode: 'invaliduser',
    });
  },
);

t.test('assignments: listed for enrolled users or admins asking for them, grades by attempt and since', async (t) => {
  const state = site();
  t.match(call(state, 'mod_assign_get_assignments', { courseids: [2], includenotenrolledcourses: 1 }), {
    courses: [{ id: 2, assignments: [{ id: 1, cmid: 3, course: 2 }] }],
    warnings: [],
  });
  state.tokens.push({ token: 'jane', userid: 4, restUse: true });
  t.match(
    call(state, 'mod_assign_get_assignments', {}, 'jane'),
    { courses: [{ id: 2 }], warnings: [] },
    "no ids: the user's courses",
  );
  t.match(call(state, 'mod_assign_get_assignments', { courseids: [99] }), {
    courses: [],
    warnings: [{ itemid: 99, warningcode: '2' }],
  });
  t.same(call(state, 'mod_assign_get_grades', { assignmentids: [1] }), {
    assignments: [],
    warnings: [{ item: 'assignment', itemid: 1, warningcode: '3', message: 'No grades found' }],
  });
  call(state, 'mod_assign_save_grade', {
    assignmentid: 1,
    userid: 4,
    grade: 40,
    attemptnumber: -1,
    addattempt: 0,
    workflowstate: '',
    applytoall: 0,
  });
  call(state, 'mod_assign_save_grade', {
    assignmentid: 1,
    userid: 4,
    grade: 60,
    attemptnumber: 1,
    addattempt: 0,
    workflowstate: '',
    applytoall: 0,
  });
  call(state, 'mod_assign_save_grade', {
    assignmentid: 1,
    userid: 4,
    grade: 70.25,
    attemptnumber: -1,
    addattempt: 0,
    workflowstate: '',
    applytoall: 0,
    plugindata: { assignfeedbackcomments_editor: { text: 'ok', format: 1 } },
  });
  t.match(
    call(state, 'mod_assign_get_grades', { assignmentids: [1] }),
    { assignments: [{ assignmentid: 1, grades: [{ attemptnumber: 1, grade: '70.25000' }] }] },
    'the latest attempt',
  );
  t.match(state.assignGrades.at(-1), { feedback: { text: 'ok', format: 1 } });
  t.match(call(state, 'mod_assign_get_grades', { assignmentids: [1], since: NOW + 1 }), {
    warnings: [{ warningcode: '3' }],
  });
  t.match(
    call(state, 'mod_assign_save_grade', {
      assignmentid: 9,
      userid: 4,
      grade: 1,
      attemptnumber: -1,
      addattempt: 0,
      workflowstate: '',
      applytoall: 0,
    }),
    { errorcode: 'invalidrecordunknown' },
  );
});

t.test(
  'the token user: suspended, deleted or nologin users are refused; a missing function name is an invalid parameter',
  async (t) => {
    const state = site();
    state.tokens.push({ token: 'carol', userid: 6, restUse: true }, { token: 'ghost', userid: 99, restUse: true });
    t.match(call(state, 'core_webservice_get_site_info', {}, 'ghost'), { errorcode: 'wsaccessuserdeleted' });
    state.users.find((u) => u.id === 6)!.auth = 'nologin';
    t.match(call(state, 'core_webservice_get_site_info', {}, 'carol'), { errorcode: 'wsaccessusernologin' });
    state.users.find((u) => u.id === 6)!.suspended = true;
    t.match(call(state, 'core_webservice_get_site_info', {}, 'carol'), { errorcode: 'wsaccessusersuspended' });
    t.match(call(state, ''), { errorcode: 'invalidparameter', debuginfo: 'Missing function name' });
  },
);

t.test('seeding refuses duplicates and takes explicit ids', async (t) => {
  const state = site();
  t.throws(() => seedMoodleState(state, { users: [{ username: 'jdoe.fixture' }] }, NOW), /already exists/);
  seedMoodleState(
    state,
    {
      users: [{ id: 40, username: 'forty' }],
      enrolments: [{ userid: 40, courseid: 3, roleid: null }],
      roleAssignments: [{ roleid: 4, userid: 40, courseid: 3 }],
      cohorts: [{ name: 'Cat', idnumber: 'CC', categoryid: 2, members: [40] }],
      assignments: [{ courseid: 3 }],
    },
    NOW,
  );
  t.equal(state.nextId.user, 41);
  t.match(state.users.at(-1), { email: 'forty@example.com', lastname: 'User40' });
  t.match(state.assignments.at(-1), { id: 2, cmid: 4, name: 'Assignment' });
});
