import { getLink, saveLink, type SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { mapEnrollment } from '../../../shared/domain/sync/mapEnrollment.ts';
import { resolveRoleId } from '../../../shared/domain/sync/resolveRoleId.ts';
import { dropStaleLinks } from './dropStaleLinks.ts';
import { ensureClass } from './syncClass.ts';
import { ensurePerson } from './syncPerson.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A Zoho enrollment → a manual enrolment of its student in its class's course with the
 * student role (`moodle.roles.student`). The student and the class are synced first when
 * they are not in Moodle yet. Deleted in Zoho → the enrolment is suspended, not removed,
 * so the student's grades stay. An enrollment moved to another student or class suspends
 * the old enrolment.
 */
export async function syncEnrollment(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const link = await getLink(run.ctx.db, 'enrollment', zohoId);
  const record = await run.zoho.fetchRecord('BTEC_Enrollments', zohoId);
  if (!record) return suspendEnrolment(run, zohoId, link);

  const desired = mapEnrollment(record);
  const print = fingerprint(desired);
  if (link && link.state === 'active' && link.fingerprint === print) {
    return {
      entity: 'enrollment',
      zohoId,
      action: 'unchanged',
      moodleId: link.moodle_id,
      details: { userId: link.moodle_user_id },
    };
  }

  const dependencies: EntityResult[] = [];
  const course = await ensureClass(run, desired.classZohoId, dependencies);
  if ('notReady' in course) {
    return {
      entity: 'enrollment',
      zohoId,
      action: 'skipped',
      moodleId: null,
      dependencies,
      reason: `class ${desired.classZohoId} is not a Moodle course: ${course.notReady}; its enrolments are made when it becomes one`,
    };
  }
  const userId = await ensurePerson(run, 'student', desired.studentZohoId, dependencies);
  const roleid = resolveRoleId('student', run.settings['moodle.roles'].student);
  const moved =
    link && (link.moodle_id !== course.courseId || link.moodle_user_id !== userId) && link.moodle_user_id !== null
      ? link
      : null;

  const result: EntityResult = {
    entity: 'enrollment',
    zohoId,
    action: link ? 'updated' : 'created',
    moodleId: course.courseId,
    changes: link?.state === 'suspended' && !moved ? ['status'] : ['userid', 'courseid', 'roleid'],
    details: {
      userId,
      roleId: roleid,
      ...(moved ? { previous: { userId: moved.moodle_user_id, courseId: moved.moodle_id, suspended: true } } : {}),
    },
    ...(dependencies.length ? { dependencies } : {}),
  };
  if (run.dryRun || course.courseId === null || userId === null) return result;

  // enrol_manual_enrol_users updates an existing enrolment (suspend 0 re-activates it), so a
  // retry or a repeat never enrols twice.
  try {
    await run.moodle.enrolUsers([{ userid: userId, courseid: course.courseId, roleid, suspend: false }]);
  } catch (error) {
    // invaliduser / invalidparameter: perhaps the user or course was deleted in Moodle by hand.
    if (error instanceof PermanentError) await dropStaleLinks(run, { userId, courseId: course.courseId }, error);
    throw error;
  }
  if (moved)
    await run.moodle.enrolUsers([{ userid: moved.moodle_user_id!, courseid: moved.moodle_id, roleid, suspend: true }]);
  await saveLink(run.ctx.db, {
    entity: 'enrollment',
    zohoId,
    moodleId: course.courseId,
    moodleUserId: userId,
    fingerprint: print,
    eventId: run.event.id,
  });
  return result;
}

/** Deleted in Zoho: suspend the enrolment it made (known only through the link: the record is gone). */
async function suspendEnrolment(run: ZohoSyncRun, zohoId: string, link: SyncLink | null): Promise<EntityResult> {
  if (!link || link.moodle_user_id === null) {
    return {
      entity: 'enrollment',
      zohoId,
      action: 'skipped',
      moodleId: null,
      reason: 'BTEC_Enrollments record no longer exists in Zoho and never made a Moodle enrolment',
    };
  }
  const details = { userId: link.moodle_user_id };
  if (link.state === 'suspended')
    return {
      entity: 'enrollment',
      zohoId,
      action: 'unchanged',
      moodleId: link.moodle_id,
      details,
      reason: 'deleted in Zoho; the enrolment was already suspended',
    };
  if (!run.dryRun) {
    const roleid = resolveRoleId('student', run.settings['moodle.roles'].student);
    await run.moodle.enrolUsers([{ userid: link.moodle_user_id, courseid: link.moodle_id, roleid, suspend: true }]);
    await saveLink(run.ctx.db, {
      entity: 'enrollment',
      zohoId,
      moodleId: link.moodle_id,
      moodleUserId: link.moodle_user_id,
      fingerprint: null,
      state: 'suspended',
      eventId: run.event.id,
    });
  }
  return {
    entity: 'enrollment',
    zohoId,
    action: 'suspended',
    moodleId: link.moodle_id,
    changes: ['status'],
    details,
    reason: 'deleted in Zoho: enrolment suspended (grades are kept)',
  };
}
