import { z } from 'zod';

/**
 * What Moodle 4.5 answers, as recorded in tests/fixtures/moodle/. Only the fields we use
 * are typed; others pass through unchecked (zod drops them), so a newer Moodle adding
 * fields does not break us.
 */

export const moodleExceptionSchema = z.object({
  exception: z.string(),
  errorcode: z.string(),
  message: z.string(),
  debuginfo: z.string().optional(),
});

export const siteInfoSchema = z.object({
  sitename: z.string(),
  username: z.string(),
  userid: z.number(),
  siteurl: z.string(),
  release: z.string().optional(),
  version: z.string().optional(),
  functions: z.array(z.object({ name: z.string(), version: z.string() })).default([]),
});
export type SiteInfo = z.infer<typeof siteInfoSchema>;

/**
 * The plugin's report of its own side (`local_zohosync_get_integration_status`, read-only):
 * sending, service URL, whether Moodle's HTTP security lets it reach the service, what the
 * integration user lacks, cron, outgoing mail and the outbox. Recorded on Moodle 4.5:
 * tests/fixtures/moodle-plugin/local_zohosync_get_integration_status*.json.
 */
export const integrationStatusSchema = z.object({
  plugin_release: z.string(),
  plugin_version: z.number(),
  sending_enabled: z.boolean(),
  service_url: z.string(),
  secret_configured: z.boolean(),
  /** First 16 hex digits of HMAC-SHA256(secret key, "local_zohosync secret fingerprint"); '' without a secret. */
  secret_fingerprint: z.string(),
  integration_user_id: z.number(),
  caller_is_integration_user: z.boolean(),
  http_security: z.object({ allowed: z.boolean(), setting: z.string(), detail: z.string() }),
  missing_capabilities: z.array(z.string()),
  assignable_roles: z.array(z.object({ id: z.number(), shortname: z.string() })),
  cron_last_run: z.number(),
  noreply_address: z.string(),
  noreply_valid: z.boolean(),
  outbox: z.object({ pending: z.number(), failed: z.number(), oldest_pending: z.number() }),
});
export type IntegrationStatus = z.infer<typeof integrationStatusSchema>;

export const moodleUserSchema = z.object({
  id: z.number(),
  username: z.string(),
  firstname: z.string().optional(),
  lastname: z.string().optional(),
  fullname: z.string().optional(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  auth: z.string().optional(),
  suspended: z.boolean().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
});
export type MoodleUser = z.infer<typeof moodleUserSchema>;

export const createdUsersSchema = z.array(z.object({ id: z.number(), username: z.string() }));

/** Batch updates report per-item problems here instead of throwing. */
export const warningsSchema = z.object({
  warnings: z
    .array(
      z.object({
        item: z.string().optional(),
        itemid: z.number().optional(),
        warningcode: z.string(),
        message: z.string(),
      }),
    )
    .default([]),
});
export type MoodleWarning = z.infer<typeof warningsSchema>['warnings'][number];

export const categorySchema = z.object({
  id: z.number(),
  name: z.string(),
  idnumber: z.string().nullable().optional(),
  parent: z.number().optional(),
});
export type MoodleCategory = z.infer<typeof categorySchema>;

export const courseSchema = z.object({
  id: z.number(),
  fullname: z.string(),
  shortname: z.string(),
  idnumber: z.string().optional(),
  categoryid: z.number().optional(),
  startdate: z.number().optional(),
  enddate: z.number().optional(),
  visible: z.number().optional(),
});
export type MoodleCourse = z.infer<typeof courseSchema>;

export const coursesByFieldSchema = warningsSchema.extend({ courses: z.array(courseSchema) });

export const enrolledUserSchema = z.object({
  id: z.number(),
  username: z.string().optional(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  roles: z.array(z.object({ roleid: z.number(), shortname: z.string() })).optional(),
});
export type EnrolledUser = z.infer<typeof enrolledUserSchema>;

export const userCourseSchema = z.object({
  id: z.number(),
  shortname: z.string(),
  fullname: z.string(),
  idnumber: z.string().optional(),
  visible: z.number().optional(),
});
export type UserCourse = z.infer<typeof userCourseSchema>;

/** Functions that return nothing answer the JSON literal `null`. */
export const voidSchema = z.null();

/** mod_assign_get_assignments: the fields the BTEC rules read. */
export const assignmentsSchema = warningsSchema.extend({
  courses: z.array(
    z.object({
      id: z.number(),
      assignments: z.array(
        z.object({
          id: z.number(),
          cmid: z.number(),
          course: z.number(),
          name: z.string(),
          duedate: z.number(),
          attemptreopenmethod: z.string().default('none'),
        }),
      ),
    }),
  ),
});

/** mod_assign_get_submissions: every attempt's submission row, with its status. */
export const submissionsSchema = warningsSchema.extend({
  assignments: z.array(
    z.object({
      assignmentid: z.number(),
      submissions: z.array(
        z.object({ id: z.number(), userid: z.number(), attemptnumber: z.number(), status: z.string() }),
      ),
    }),
  ),
});

/** mod_assign_get_grades: each user's latest grade row (the grade as a decimal string, −1 = none). */
export const assignGradesSchema = warningsSchema.extend({
  assignments: z.array(
    z.object({
      assignmentid: z.number(),
      grades: z.array(z.object({ id: z.number(), userid: z.number(), attemptnumber: z.number(), grade: z.string() })),
    }),
  ),
});

/** mod_assign_get_user_flags: per-user extensions (extensionduedate, 0 = none). */
export const userFlagsSchema = warningsSchema.extend({
  assignments: z.array(
    z.object({
      assignmentid: z.number(),
      userflags: z.array(z.object({ userid: z.number(), extensionduedate: z.number() })),
    }),
  ),
});
