import type { Logger } from 'pino';
import { z } from 'zod';
import { PermanentError, SyncError } from '../../domain/errors.ts';
import { createMoodleTransport, type MoodleCall, type MoodleTransportOptions } from './createMoodleTransport.ts';
import { MoodleConfigurationError } from './moodleErrors.ts';
import { isolateBatch, type BatchOutcome } from './isolateBatch.ts';
import {
  assignGradesSchema,
  assignmentsSchema,
  submissionsSchema,
  userFlagsSchema,
  categorySchema,
  coursesByFieldSchema,
  createdUsersSchema,
  enrolledUserSchema,
  moodleUserSchema,
  siteInfoSchema,
  integrationStatusSchema,
  userCourseSchema,
  voidSchema,
  warningsSchema,
  type MoodleCategory,
  type MoodleCourse,
  type MoodleUser,
  type MoodleWarning,
} from './moodleSchemas.ts';

export type NewMoodleUser = {
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  idnumber?: string;
  auth?: string;
  /** Omit to let Moodle generate one and e-mail it (`createpassword`). */
  password?: string;
  city?: string;
  country?: string;
  lang?: string;
};
export type MoodleUserUpdate = { id: number } & Partial<Omit<NewMoodleUser, 'password'>> & { suspended?: boolean };
export type UserLookupField = 'id' | 'idnumber' | 'email' | 'username';

export type NewMoodleCategory = { name: string; idnumber?: string; parent?: number; description?: string };
export type NewMoodleCourse = {
  fullname: string;
  shortname: string;
  categoryid: number;
  idnumber?: string;
  startdate?: number;
  enddate?: number;
  visible?: boolean;
  summary?: string;
};
export type MoodleCourseUpdate = { id: number } & Partial<NewMoodleCourse>;
export type ManualEnrolment = {
  userid: number;
  courseid: number;
  roleid: number;
  timestart?: number;
  timeend?: number;
  suspend?: boolean;
};
export type RoleAssignment = {
  roleid: number;
  userid: number;
  contextlevel?: 'course' | 'coursecat' | 'system';
  instanceid?: number;
  contextid?: number;
};

export interface MoodleClientOptions {
  url: string;
  token: string;
  timeoutMs?: number;
  log: Logger;
  metrics?: MoodleTransportOptions['metrics'];
}

/**
 * The Moodle web-services functions the sync flows use, typed with zod. Every method
 * throws the classified errors of `createMoodleTransport`.
 */
export function createMoodleClient(options: MoodleClientOptions) {
  const call: MoodleCall = createMoodleTransport({ ...options, timeoutMs: options.timeoutMs ?? 30_000 });

  const getUsersByField = (field: UserLookupField, values: (string | number)[]) =>
    call(
      'core_user_get_users_by_field',
      { field, values },
      visibleUsers('core_user_get_users_by_field', USER_FIELD_CAPABILITIES, moodleUserSchema),
    );

  /** One user by a unique field, or null. Deleted users are never returned by Moodle except by id. */
  const findUser = async (field: UserLookupField, value: string | number): Promise<MoodleUser | null> => {
    const users = await getUsersByField(field, [value]);
    if (users.length > 1)
      throw new PermanentError('moodle.ambiguous', `several Moodle users have ${field} ${String(value)}`);
    return users[0] ?? null;
  };

  const createUsers = (users: NewMoodleUser[]) =>
    call(
      'core_user_create_users',
      { users: users.map((u) => ({ ...u, createpassword: u.password === undefined ? true : undefined })) },
      createdUsersSchema,
    );

  /**
   * Updates users. Moodle 4.5 reports an unknown id or a duplicate e-mail as a per-item
   * warning, not an error: any warning throws. Older Moodles answer `null` and silently
   * skip unknown ids, so then we look the users up afterwards.
   * @throws PermanentError moodle.not_found / moodle.duplicate
   */
  const updateUsers = async (users: MoodleUserUpdate[]): Promise<void> => {
    const answer = await call('core_user_update_users', { users }, z.union([warningsSchema, z.null()]));
    if (answer) return throwOnWarnings('core_user_update_users', answer.warnings);
    const found = new Set(
      (
        await getUsersByField(
          'id',
          users.map((u) => u.id),
        )
      ).map((u) => u.id),
    );
    const missing = users.filter((u) => !found.has(u.id)).map((u) => u.id);
    if (missing.length > 0)
      throw new PermanentError(
        'moodle.not_found',
        `core_user_update_users: no Moodle user with id ${missing.join(', ')}`,
      );
  };

  const getCategoryByIdnumber = async (idnumber: string): Promise<MoodleCategory | null> => {
    const found = await call(
      'core_course_get_categories',
      { criteria: [{ key: 'idnumber', value: idnumber }], addsubcategories: false },
      z.array(categorySchema),
    );
    return found[0] ?? null;
  };

  const getCourseByField = async (
    field: 'id' | 'idnumber' | 'shortname',
    value: string | number,
  ): Promise<MoodleCourse | null> => {
    const { courses } = await call('core_course_get_courses_by_field', { field, value }, coursesByFieldSchema);
    return courses[0] ?? null;
  };

  /**
   * Enrols users, or updates their enrolments (suspend 0 re-activates one). A site whose
   * outgoing mail is broken answers "Message was not sent." *after* committing them: the course
   * welcome e-mail goes out once the transaction is over (recorded in
   * tests/fixtures/moodle/enrol_manual_enrol_users__welcome_email_send_failure.json, and seen
   * again on a real 4.5.5+ by `npm run check:real-moodle`). So that answer is a warning about
   * the site's mail, not a failed enrolment, and retrying would only fail the same way.
   */
  const enrolUsers = async (enrolments: ManualEnrolment[]): Promise<void> => {
    try {
      await call('enrol_manual_enrol_users', { enrolments }, voidSchema);
    } catch (error) {
      if (!(error instanceof SyncError && error.code === 'moodle.email_failed')) throw error;
      options.log.warn(
        { wsfunction: 'enrol_manual_enrol_users', code: 'moodle.email_failed', enrolments: enrolments.length },
        "Moodle saved the enrolment but could not send its welcome e-mail: the site's outgoing mail is broken. " +
          'Fix it in Moodle (Site administration > Server > Email > Outgoing mail configuration: a valid No-reply address, ' +
          'e.g. php admin/cli/cfg.php --name=noreplyaddress --set=noreply@your-college.example)',
      );
    }
  };

  return {
    call,
    getSiteInfo: () => call('core_webservice_get_site_info', {}, siteInfoSchema),
    /** The plugin's own side, as it reports it (bin/doctor). */
    getIntegrationStatus: () => call('local_zohosync_get_integration_status', {}, integrationStatusSchema),

    getUsersByField,
    findUser,
    createUsers,
    /** Creates users, isolating the ones Moodle refuses; the rest are created. */
    createUsersIsolated: (
      users: NewMoodleUser[],
    ): Promise<BatchOutcome<NewMoodleUser, { id: number; username: string }>[]> => isolateBatch(users, createUsers),
    updateUsers,
    suspendUser: (id: number) => updateUsers([{ id, suspended: true }]),

    createCategories: (categories: NewMoodleCategory[]) =>
      call('core_course_create_categories', { categories }, z.array(z.object({ id: z.number(), name: z.string() }))),
    /** Renames / re-describes categories (Moodle answers null; an unknown id is an error). */
    updateCategories: async (
      categories: ({ id: number } & Partial<Omit<NewMoodleCategory, 'parent'>>)[],
    ): Promise<void> => {
      await call('core_course_update_categories', { categories }, voidSchema);
    },
    getCategoryByIdnumber,
    getCategoryById: async (id: number): Promise<MoodleCategory | null> =>
      (
        await call(
          'core_course_get_categories',
          { criteria: [{ key: 'id', value: id }], addsubcategories: false },
          z.array(categorySchema),
        )
      )[0] ?? null,

    createCourses: (courses: NewMoodleCourse[]) =>
      call('core_course_create_courses', { courses }, z.array(z.object({ id: z.number(), shortname: z.string() }))),
    /** Like updateUsers: per-item warnings (unknown id, taken shortname) throw. */
    updateCourses: async (courses: MoodleCourseUpdate[]): Promise<void> => {
      const { warnings } = await call('core_course_update_courses', { courses }, warningsSchema);
      throwOnWarnings('core_course_update_courses', warnings);
    },
    getCourseByField,
    getCourseByIdnumber: (idnumber: string) => getCourseByField('idnumber', idnumber),

    enrolUsers,
    enrolUsersIsolated: (enrolments: ManualEnrolment[]) =>
      isolateBatch(enrolments, async (batch) => {
        await enrolUsers(batch);
        return batch.map(() => null);
      }),
    unenrolUsers: async (enrolments: { userid: number; courseid: number; roleid?: number }[]): Promise<void> => {
      await call('enrol_manual_unenrol_users', { enrolments }, voidSchema);
    },
    /** `onlyActive`: only users whose enrolment is active now (not suspended, inside its dates); by default Moodle lists suspended ones too. */
    getEnrolledUsers: (
      courseId: number,
      userfields = 'id,username,email,idnumber,roles',
      options: { onlyActive?: boolean } = {},
    ) => {
      const asked = userfields.split(',');
      return call(
        'core_enrol_get_enrolled_users',
        {
          courseid: courseId,
          options: [
            { name: 'userfields', value: userfields },
            ...(options.onlyActive ? [{ name: 'onlyactive', value: 1 }] : []),
          ],
        },
        visibleUsers(
          'core_enrol_get_enrolled_users',
          ENROLLED_FIELD_CAPABILITIES.filter(([name]) => asked.includes(name)),
          enrolledUserSchema,
        ),
      );
    },
    getUserCourses: (userId: number) =>
      call('core_enrol_get_users_courses', { userid: userId }, z.array(userCourseSchema)),
    /** Assignments of courses the token's user need not be enrolled in (an admin's token). */
    getAssignments: (courseIds: number[]) =>
      call('mod_assign_get_assignments', { courseids: courseIds, includenotenrolledcourses: true }, assignmentsSchema),
    getSubmissions: (assignmentIds: number[]) =>
      call('mod_assign_get_submissions', { assignmentids: assignmentIds }, submissionsSchema),
    getUserFlags: (assignmentIds: number[]) =>
      call('mod_assign_get_user_flags', { assignmentids: assignmentIds }, userFlagsSchema),
    getAssignGrades: (assignmentIds: number[]) =>
      call('mod_assign_get_grades', { assignmentids: assignmentIds }, assignGradesSchema),
    assignRoles: async (assignments: RoleAssignment[]): Promise<void> => {
      await call('core_role_assign_roles', { assignments }, voidSchema);
    },
  };
}

export type MoodleClient = ReturnType<typeof createMoodleClient>;

/**
 * An array of `user`s whose fields `requireVisible` checks first. The check throws from inside
 * the schema, so the transport classifies it (and reports a configuration error loudly once)
 * like any other, and an answer of another shape is still its "unexpected shape" error.
 */
function visibleUsers<T extends z.ZodType>(wsfunction: string, fields: [string, string][], user: T) {
  return z
    .array(z.looseObject({ id: z.number() }))
    .transform((users) => {
      requireVisible(wsfunction, users, fields);
      // Checked for what the role hides; the pipe checks the rest.
      return users as z.input<T>[];
    })
    .pipe(z.array(user));
}

/**
 * Fields every Moodle user has (username, e-mail) that Moodle 4.5 leaves out of the answer when
 * the caller's role lacks a capability (tests/fixtures/moodle-capabilities: the same lookups by a
 * restricted and a full role). A missing one is a misconfiguration of the integration role: the
 * error names the capability, instead of failing on the answer's shape later. (idnumber is left
 * out when empty too, so its absence proves nothing.)
 */
const USER_FIELD_CAPABILITIES: [field: string, capability: string][] = [
  ['username', 'moodle/user:viewalldetails'],
  ['email', 'moodle/site:viewuseridentity'],
];
const ENROLLED_FIELD_CAPABILITIES: [field: string, capability: string][] = [
  ['username', 'moodle/user:viewalldetails'],
  ['email', 'moodle/course:useremail'],
];

/** @throws MoodleConfigurationError moodle.capability_missing when a field is hidden from us. */
function requireVisible(wsfunction: string, users: { id: number }[], fields: [string, string][]): void {
  for (const [field, capability] of fields) {
    const hidden = users.filter((user) => !(field in user));
    if (hidden.length === 0) continue;
    throw new MoodleConfigurationError(
      'moodle.capability_missing',
      `${wsfunction}: Moodle hides the ${field} of users from the integration user (user ${hidden[0]!.id}): its role lacks ` +
        `${capability}. Run php local/zohosync/cli/setup_integration.php on the Moodle server (or allow ${capability} in the ` +
        'role, system context), then bin/jobs retry --failed',
    );
  }
}

const WARNING_CODES: Record<string, string> = {
  invaliduserid: 'moodle.not_found',
  invalidrecord: 'moodle.not_found',
  useremailduplicate: 'moodle.duplicate',
  shortnametaken: 'moodle.duplicate',
  courseidnumbertaken: 'moodle.duplicate',
};

function throwOnWarnings(wsfunction: string, warnings: MoodleWarning[]): void {
  const first = warnings[0];
  if (!first) return;
  const detail = warnings
    .map((w) => `${w.item ?? 'item'} ${w.itemid ?? '?'}: ${w.message} [${w.warningcode}]`)
    .join('; ');
  throw new PermanentError(WARNING_CODES[first.warningcode] ?? 'moodle.warning', `${wsfunction}: ${detail}`);
}
