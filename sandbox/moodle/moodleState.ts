/**
 * The simulated site's data: plain JSON-like tables (so a call can be rolled back by
 * restoring a structuredClone), shaped after Moodle's own tables.
 */

export const CONTEXT_SYSTEM = 10;
export const CONTEXT_USER = 30;
export const CONTEXT_COURSECAT = 40;
export const CONTEXT_COURSE = 50;
export const CONTEXT_MODULE = 70;

export interface MoodleUser {
  id: number;
  username: string;
  /** Plain text (this is a fake); '' when created with createpassword. */
  password: string;
  auth: string;
  confirmed: boolean;
  suspended: boolean;
  deleted: boolean;
  firstname: string;
  lastname: string;
  email: string;
  idnumber: string;
  department: string;
  institution: string;
  phone1: string;
  phone2: string;
  address: string;
  city: string;
  country: string;
  lang: string;
  theme: string;
  timezone: string;
  mailformat: number;
  maildisplay: number;
  description: string;
  firstaccess: number;
  lastaccess: number;
  timecreated: number;
  timemodified: number;
}

export interface MoodleCategory {
  id: number;
  name: string;
  idnumber: string | null;
  description: string;
  descriptionformat: number;
  parent: number;
  sortorder: number;
  visible: number;
  visibleold: number;
  timemodified: number;
  depth: number;
  path: string;
  theme: string;
}

export interface MoodleCourse {
  id: number;
  category: number;
  fullname: string;
  shortname: string;
  idnumber: string;
  summary: string;
  summaryformat: number;
  format: string;
  showgrades: number;
  newsitems: number;
  startdate: number;
  enddate: number;
  maxbytes: number;
  showreports: number;
  visible: number;
  groupmode: number;
  groupmodeforce: number;
  defaultgroupingid: number;
  enablecompletion: number;
  completionnotify: number;
  lang: string;
  theme: string;
  marker: number;
  legacyfiles: number;
  calendartype: string;
  timecreated: number;
  timemodified: number;
  requested: number;
  cacherev: number;
  sortorder: number;
  formatoptions: { name: string; value: number | string }[];
}

export interface MoodleContext {
  id: number;
  contextlevel: number;
  instanceid: number;
}

export interface MoodleRole {
  id: number;
  shortname: string;
  /** Custom name: '' for the standard roles (as recorded). */
  name: string;
  sortorder: number;
  /** Context levels where the role may be assigned. */
  assignableAt: number[];
}

/** A `user_enrolments` row of the course's manual enrolment instance (status 0 active, 1 suspended). */
export interface MoodleEnrolment {
  id: number;
  courseid: number;
  userid: number;
  status: 0 | 1;
  timestart: number;
  timeend: number;
  modifierid: number;
  timecreated: number;
  timemodified: number;
}

export interface MoodleRoleAssignment {
  id: number;
  roleid: number;
  userid: number;
  contextid: number;
  component: string;
  itemid: number;
  timemodified: number;
}

export interface MoodleCohort {
  id: number;
  contextid: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  visible: boolean;
  theme: string;
  timecreated: number;
  timemodified: number;
}

export interface MoodleAssignment {
  id: number;
  course: number;
  cmid: number;
  name: string;
  intro: string;
  /** Maximum grade. */
  grade: number;
  duedate: number;
  /** `none`, `manual` or `untilpass` (Moodle 4.5's default for new assignments). */
  attemptreopenmethod: string;
  timemodified: number;
}

/** An `assign_submission` row: one per user and attempt; `latest` marks the current attempt. */
export interface MoodleAssignSubmission {
  id: number;
  assignment: number;
  userid: number;
  attemptnumber: number;
  status: 'new' | 'draft' | 'submitted' | 'reopened';
  latest: 0 | 1;
  timecreated: number;
  timemodified: number;
}

/** An `assign_user_flags` row: per-user extension (and marking-workflow flags). */
export interface MoodleAssignUserFlags {
  id: number;
  assignment: number;
  userid: number;
  locked: 0 | 1;
  mailed: 0 | 1;
  /** Unix seconds; 0 = no extension. */
  extensionduedate: number;
  workflowstate: string;
  allocatedmarker: number;
}

export interface MoodleAssignGrade {
  id: number;
  assignment: number;
  userid: number;
  attemptnumber: number;
  grade: number;
  grader: number;
  timecreated: number;
  timemodified: number;
  feedback: { text: string; format: number } | null;
}

export interface MoodleToken {
  token: string;
  userid: number;
  /** The token user has `webservice/rest:use` (false → accessexception on every call). */
  restUse: boolean;
}

/** Switches and site settings. Change them directly (`sim.state.config.…`) or through the simulator's setters. */
export interface MoodleConfig {
  siteName: string;
  release: string;
  version: string;
  /** Theme revision in image URLs. */
  themerev: number;
  /** Off → HTTP 403 with an empty body, as when web services or the REST protocol are disabled. */
  webservicesEnabled: boolean;
  /** Debug mode: error bodies carry `debuginfo`. */
  debug: boolean;
  /** The course welcome e-mail fails (the recorded noreply misconfiguration): enrolments commit, then "Message was not sent.". */
  welcomeEmailFails: boolean;
  /**
   * Capabilities of the token's user: 'all' (the recorded admin token), or a list, and then user
   * details hide what Moodle 4.5 hides without them (tests/fixtures/moodle-capabilities): no
   * moodle/user:viewalldetails → no username, idnumber, auth and account fields (so lookups by
   * idnumber or username find nobody); no moodle/site:viewuseridentity → no e-mail or department;
   * in course lists no moodle/course:useremail → no e-mail.
   */
  integrationCapabilities: 'all' | string[];
  /** Role ids the token's user may assign ("Allow role assignments"): 'all' as an admin; others → wsusercannotassign / invalidparameter. */
  assignableRoles: 'all' | number[];
  /** $CFG->allowaccountssameemail (off on the recorded site). */
  allowAccountsSameEmail: boolean;
  /** The functions of the token's external service (others → accessexception). */
  serviceFunctions: string[];
  siteAdmins: number[];
  /** The plugin's own side, as local_zohosync_get_integration_status reports it (default: after the setup script). */
  plugin: MoodlePluginSide;
}

export interface MoodlePluginSide {
  release: string;
  /** The plugin's $plugin->version as its status report gives it. */
  version: number;
  sendingEnabled: boolean;
  serviceUrl: string;
  /** The plugin's signing secret (whsec_…), '' when unset. */
  secret: string;
  /** The plugin's integration user (0: unset). */
  integrationUserId: number;
  /** Moodle's HTTP security verdict for the service URL. */
  httpSecurity: { allowed: boolean; setting: string; detail: string };
  /** Unix time cron last started; 'recent' = half a minute before each call. */
  cronLastRun: number | 'recent';
  noreplyAddress: string;
  outbox: { pending: number; failed: number; oldest_pending: number };
}

export interface MoodleState {
  config: MoodleConfig;
  users: MoodleUser[];
  categories: MoodleCategory[];
  courses: MoodleCourse[];
  contexts: MoodleContext[];
  roles: MoodleRole[];
  enrolments: MoodleEnrolment[];
  roleAssignments: MoodleRoleAssignment[];
  cohorts: MoodleCohort[];
  cohortMembers: { cohortid: number; userid: number; timeadded: number }[];
  assignments: MoodleAssignment[];
  assignGrades: MoodleAssignGrade[];
  assignSubmissions: MoodleAssignSubmission[];
  assignUserFlags: MoodleAssignUserFlags[];
  tokens: MoodleToken[];
  /** Course welcome messages "sent" by enrolments (none when welcomeEmailFails). */
  messages: { kind: 'welcome'; userid: number; courseid: number; time: number }[];
  /** The tables of the local_zohosync plugin's dashboard data (see ZohosyncTables). */
  zohosync: ZohosyncTables;
  nextId: Record<
    | 'user'
    | 'category'
    | 'course'
    | 'context'
    | 'enrolment'
    | 'roleAssignment'
    | 'cohort'
    | 'assignment'
    | 'cm'
    | 'assignGrade'
    | 'assignSubmission'
    | 'assignUserFlags'
    | ZohosyncTable,
    number
  >;
}

/** A row of a plugin table as the plugin's data_store writes it (empty optional values null, amounts "4400.00"). */
export type ZohosyncRow = { id: number } & Record<string, string | number | null>;

export const ZOHOSYNC_TABLES = [
  'local_zohosync_finance',
  'local_zohosync_registration',
  'local_zohosync_installment',
  'local_zohosync_payment',
  'local_zohosync_grade',
  'local_zohosync_grade_lo',
  'local_zohosync_unit',
  'local_zohosync_unit_crit',
] as const;
export type ZohosyncTable = (typeof ZOHOSYNC_TABLES)[number];

/**
 * local_zohosync's dashboard tables (moodle-plugin/zohosync/db/install.xml), by table name,
 * and who holds `local/zohosync:managedata` in the system context besides the site admins
 * (who hold every capability).
 */
export type ZohosyncTables = Record<ZohosyncTable, ZohosyncRow[]> & { managers: number[] };

export function emptyZohosyncTables(): ZohosyncTables {
  return {
    ...(Object.fromEntries(ZOHOSYNC_TABLES.map((table) => [table, []])) as unknown as Record<
      ZohosyncTable,
      ZohosyncRow[]
    >),
    managers: [],
  };
}

export function blankUser(id: number, fields: Partial<MoodleUser>, now: number): MoodleUser {
  return {
    id,
    username: '',
    password: '',
    auth: 'manual',
    confirmed: true,
    suspended: false,
    deleted: false,
    firstname: '',
    lastname: '',
    email: '',
    idnumber: '',
    department: '',
    institution: '',
    phone1: '',
    phone2: '',
    address: '',
    city: '',
    country: '',
    lang: 'en',
    theme: '',
    timezone: '99',
    mailformat: 1,
    maildisplay: 2,
    description: '',
    firstaccess: 0,
    lastaccess: 0,
    timecreated: now,
    timemodified: now,
    ...fields,
  };
}

/** Takes the next id of a table (auto-increment). */
export function takeId(state: MoodleState, table: keyof MoodleState['nextId']): number {
  const id = state.nextId[table];
  state.nextId[table] = id + 1;
  return id;
}

/** Uses an explicit id (seeding) and moves the table's counter past it. */
export function claimId(state: MoodleState, table: keyof MoodleState['nextId'], id: number | undefined): number {
  if (id === undefined) return takeId(state, table);
  state.nextId[table] = Math.max(state.nextId[table], id + 1);
  return id;
}

export function contextOf(state: MoodleState, contextlevel: number, instanceid: number): MoodleContext | undefined {
  return state.contexts.find((c) => c.contextlevel === contextlevel && c.instanceid === instanceid);
}

/** The context of a thing, created on first use as Moodle does. */
export function ensureContext(state: MoodleState, contextlevel: number, instanceid: number): MoodleContext {
  const existing = contextOf(state, contextlevel, instanceid);
  if (existing) return existing;
  const context = { id: takeId(state, 'context'), contextlevel, instanceid };
  state.contexts.push(context);
  return context;
}

export function isSiteAdmin(state: MoodleState, userid: number): boolean {
  return state.config.siteAdmins.includes(userid);
}

/** Role ids the user holds in a course's context. */
export function courseRoleIds(state: MoodleState, courseid: number, userid: number): number[] {
  const context = contextOf(state, CONTEXT_COURSE, courseid);
  if (!context) return [];
  return state.roleAssignments
    .filter((ra) => ra.contextid === context.id && ra.userid === userid)
    .map((ra) => ra.roleid);
}

/** Whether an enrolment is active now (status active, inside its dates), as enrol_get_all_users_courses(onlyactive) sees it. */
export function isActiveEnrolment(enrolment: MoodleEnrolment, now: number): boolean {
  return enrolment.status === 0 && enrolment.timestart <= now && (enrolment.timeend === 0 || enrolment.timeend > now);
}

export function fullname(user: MoodleUser): string {
  return `${user.firstname} ${user.lastname}`;
}

/** Roles with moodle/course:viewhiddencourses in a course (manager, editingteacher, teacher). */
const VIEW_HIDDEN_ROLES = [1, 3, 4];

/**
 * enrol_get_users_courses($userid, onlyactive = true): courses with an active enrolment,
 * hidden ones only when the user may see hidden courses there; sorted visible first, then
 * by sortorder.
 */
export function activeCoursesOf(state: MoodleState, userid: number, now: number): MoodleCourse[] {
  const courseids = new Set(
    state.enrolments.filter((e) => e.userid === userid && isActiveEnrolment(e, now)).map((e) => e.courseid),
  );
  return state.courses
    .filter((course) => courseids.has(course.id))
    .filter(
      (course) =>
        course.visible === 1 ||
        isSiteAdmin(state, userid) ||
        courseRoleIds(state, course.id, userid).some((r) => VIEW_HIDDEN_ROLES.includes(r)),
    )
    .sort((a, b) => b.visible - a.visible || a.sortorder - b.sortorder);
}
