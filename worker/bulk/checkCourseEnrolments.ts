import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import type { EnrolledUser } from '../../shared/clients/moodle/moodleSchemas.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { liveCourseEnrolments } from '../../shared/db/queries/syncLinks.ts';
import { roleMatcher } from '../../shared/domain/sync/resolveRoleId.ts';
import type { DatabasePool } from 'slonik';

/** A student enrolled in a class's course whom no Zoho enrollment accounts for (enrolled by hand in Moodle, or by another tool). */
export interface UnlinkedEnrolment {
  classZohoId: string;
  courseId: number;
  userId: number;
  username: string | null;
  idnumber: string | null;
}

/**
 * The drift report's enrolment check (bin/sync --check): every live class course's active
 * student enrolments, read from Moodle once per course, against the enrolments the sync made
 * (its live enrollment links). What only Moodle has is reported, never changed, by --repair as
 * well: the sync suspends only enrolments it made (an enrollment deleted in Zoho), and an
 * enrolment made by hand may be on purpose.
 */
export async function checkCourseEnrolments(io: {
  db: DatabasePool;
  moodle: MoodleClient;
  settings: SyncSettings;
}): Promise<UnlinkedEnrolment[]> {
  const isStudent = roleMatcher('student', io.settings['moodle.roles'].student);
  const found: UnlinkedEnrolment[] = [];
  for (const course of await liveCourseEnrolments(io.db)) {
    const users = await io.moodle.getEnrolledUsers(course.courseId, 'id,username,idnumber,roles', { onlyActive: true });
    found.push(...unlinkedEnrolments(course, users, isStudent));
  }
  return found;
}

/** Pure: the students of `users` whose enrolment the sync did not make (`course.userIds`). */
export function unlinkedEnrolments(
  course: { classZohoId: string; courseId: number; userIds: readonly number[] },
  users: readonly EnrolledUser[],
  isStudent: (role: { roleid: number; shortname?: string }) => boolean,
): UnlinkedEnrolment[] {
  const made = new Set(course.userIds);
  return users
    .filter((user) => (user.roles ?? []).some(isStudent) && !made.has(user.id))
    .map((user) => ({
      classZohoId: course.classZohoId,
      courseId: course.courseId,
      userId: user.id,
      username: user.username ?? null,
      idnumber: user.idnumber ?? null,
    }));
}
