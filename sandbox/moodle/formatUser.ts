import {
  activeCoursesOf,
  contextOf,
  CONTEXT_COURSE,
  fullname,
  type MoodleState,
  type MoodleUser,
} from './moodleState.ts';

export interface FormatUserOptions {
  state: MoodleState;
  now: number;
  wwwroot: string;
  /** Course context (core_enrol_get_enrolled_users): adds lastcourseaccess, roles, enrolledcourses; drops the account fields. */
  courseid?: number;
  /** The `userfields` option: only these (id and fullname always). */
  fields?: string[];
}

/**
 * user_get_user_details() as the recordings show it, keys in Moodle's order. Empty optional
 * fields (idnumber, city, country, address, phones, institution, description) are left out;
 * department, firstaccess and lastaccess are always there. In site mode (users functions)
 * the account fields follow (auth, suspended, confirmed, lang, theme, timezone, mailformat,
 * trackforums); in course mode lastcourseaccess, roles and enrolledcourses (only when the
 * user has some visible active course) do.
 */
export function formatUser(user: MoodleUser, options: FormatUserOptions): Record<string, unknown> {
  const { state, wwwroot, courseid } = options;
  const granted = state.config.integrationCapabilities;
  const can = (capability: string) => granted === 'all' || granted.includes(capability);
  const allDetails = can('moodle/user:viewalldetails');
  const identity = can('moodle/site:viewuseridentity');
  const email = courseid === undefined ? identity : identity || can('moodle/course:useremail');
  const hidden = new Set([
    ...(allDetails ? [] : ['username', 'idnumber', 'auth', 'confirmed', 'lang', 'theme', 'mailformat', 'trackforums']),
    ...(email ? [] : ['email']),
    ...(identity ? [] : ['department', 'institution']),
  ]);
  const want = (name: string) => !hidden.has(name) && (options.fields === undefined || options.fields.includes(name));
  const out: Record<string, unknown> = { id: user.id };
  const put = (name: string, value: unknown, show = true) => {
    if (show && want(name)) out[name] = value;
  };
  put('username', user.username);
  put('firstname', user.firstname);
  put('lastname', user.lastname);
  out.fullname = fullname(user);
  put('email', user.email);
  put('address', user.address, user.address !== '');
  put('phone1', user.phone1, user.phone1 !== '');
  put('phone2', user.phone2, user.phone2 !== '');
  put('department', user.department);
  put('institution', user.institution, user.institution !== '');
  put('idnumber', user.idnumber, user.idnumber !== '');
  put('firstaccess', user.firstaccess);
  put('lastaccess', user.lastaccess);
  if (courseid === undefined) {
    put('auth', user.auth);
    put('suspended', user.suspended);
    put('confirmed', user.confirmed);
    put('lang', user.lang);
    put('theme', user.theme);
    put('timezone', user.timezone);
    put('mailformat', user.mailformat);
    put('trackforums', 0);
  } else {
    put('lastcourseaccess', 0);
  }
  put('description', user.description, user.description !== '');
  put('descriptionformat', 1, user.description !== '');
  put('city', user.city, user.city !== '');
  put('country', user.country, user.country !== '');
  put('profileimageurlsmall', `${wwwroot}/theme/image.php/boost/core/${state.config.themerev}/u/f2`);
  put('profileimageurl', `${wwwroot}/theme/image.php/boost/core/${state.config.themerev}/u/f1`);
  if (courseid !== undefined) {
    const context = contextOf(state, CONTEXT_COURSE, courseid);
    const roles = state.roleAssignments
      .filter((ra) => ra.userid === user.id && ra.contextid === context?.id)
      .map((ra) => state.roles.find((r) => r.id === ra.roleid)!)
      .sort((a, b) => a.sortorder - b.sortorder)
      .map((role) => ({ roleid: role.id, name: role.name, shortname: role.shortname, sortorder: 0 }));
    put('roles', roles);
    const courses = activeCoursesOf(state, user.id, options.now);
    put(
      'enrolledcourses',
      courses.map((c) => ({ id: c.id, fullname: c.fullname, shortname: c.shortname })),
      courses.length > 0,
    );
  }
  return out;
}
