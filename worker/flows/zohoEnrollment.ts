import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { fingerprint } from '../../shared/domain/sync/fingerprint.ts';
import { mapEnrollment, type DesiredEnrolment } from '../../shared/domain/sync/mapEnrollment.ts';
import { resolveRoleId } from '../../shared/domain/sync/resolveRoleId.ts';
import {
  skipPlan,
  type EntityResult,
  type IdOrRef,
  type SyncPlan,
  type SyncStep,
} from '../../shared/domain/sync/syncPlan.ts';
import { defineFlow, linkToTrust, type FlowIO } from '../pipeline/flow.ts';
import { ensureClass } from './zohoClass.ts';
import { ensurePerson } from './zohoPerson.ts';

export type EnrollmentState =
  | { zohoId: string; link: SyncLink | null; deleted: true }
  | {
      zohoId: string;
      link: SyncLink | null;
      deleted: false;
      desired: DesiredEnrolment;
      print: string;
      /** The class's course and the student's account, synced first when missing (null: the link says nothing changed). */
      resolved: {
        course: { courseId: IdOrRef } | { notReady: string };
        userId: IdOrRef | null;
        dependencies: EntityResult[];
        /**
         * A verify run only, for an enrolment the link says was made: whether Moodle has it active
         * now (not suspended or removed by hand).
         */
        enrolledNow?: boolean;
      } | null;
    };

async function readEnrollment(io: FlowIO, zohoId: string): Promise<EnrollmentState> {
  const link = linkToTrust(io, await getLink(io.db, 'enrollment', zohoId));
  const record = await io.zoho.fetchRecord('BTEC_Enrollments', zohoId);
  if (!record) return { zohoId, link, deleted: true };
  const desired = mapEnrollment(record);
  const print = fingerprint(desired);
  if (link && link.state === 'active' && link.fingerprint === print && (await stillLinked(io, link, desired))) {
    return { zohoId, link, deleted: false, desired, print, resolved: null };
  }
  const dependencies: EntityResult[] = [];
  const course = await ensureClass(io, desired.classZohoId, dependencies);
  // The student is made only for a course that exists: a class not yet a course waits for them both.
  const userId = 'notReady' in course ? null : await ensurePerson(io, 'student', desired.studentZohoId, dependencies);
  const resolved = { course, userId, dependencies };
  if (
    io.verify &&
    link?.state === 'active' &&
    'courseId' in course &&
    typeof course.courseId === 'number' &&
    link.moodle_id === course.courseId &&
    typeof userId === 'number' &&
    link.moodle_user_id === userId
  ) {
    const enrolled = await io.moodle.getEnrolledUsers(course.courseId, 'id', { onlyActive: true });
    return {
      zohoId,
      link,
      deleted: false,
      desired,
      print,
      resolved: { ...resolved, enrolledNow: enrolled.some((user) => user.id === userId) },
    };
  }
  return { zohoId, link, deleted: false, desired, print, resolved };
}

/**
 * Whether the class and the student are still the course and the account the enrolment was made
 * in: not when the course or the account was deleted in Moodle by hand and made again, or its
 * stale link dropped (the record has not changed, but the enrolment must be made again).
 */
async function stillLinked(io: FlowIO, link: SyncLink, desired: DesiredEnrolment): Promise<boolean> {
  const [classLink, studentLink] = await Promise.all([
    getLink(io.db, 'class', desired.classZohoId),
    getLink(io.db, 'student', desired.studentZohoId),
  ]);
  return classLink?.moodle_id === link.moodle_id && studentLink?.moodle_id === link.moodle_user_id;
}

/**
 * A Zoho enrollment → a manual enrolment of its student in its class's course with the student
 * role (`moodle.roles.student`). Deleted in Zoho → the enrolment is suspended, not removed, so
 * the student's grades stay. An enrollment moved to another student or class suspends the old
 * enrolment. Moodle's enrol updates an existing enrolment (suspend 0 re-activates it), so a
 * retry or a repeat never enrols twice. Pure.
 */
export function planEnrollment(state: EnrollmentState, settings: SyncSettings): SyncPlan {
  const { zohoId, link } = state;
  const roleId = resolveRoleId('student', settings['moodle.roles'].student);
  if (state.deleted) return planSuspension(zohoId, link, roleId);
  const { desired, resolved } = state;
  if (!resolved) {
    return {
      result: {
        entity: 'enrollment',
        zohoId,
        action: 'unchanged',
        moodleId: link!.moodle_id,
        details: { userId: link!.moodle_user_id },
      },
      steps: [],
    };
  }
  const { course, userId, dependencies } = resolved;
  if ('notReady' in course) {
    return skipPlan({
      entity: 'enrollment',
      zohoId,
      moodleId: null,
      dependencies,
      reason: `class ${desired.classZohoId} is not a Moodle course: ${course.notReady}; its enrolments are made when it becomes one`,
    });
  }
  const { courseId } = course;
  if (resolved.enrolledNow) {
    return {
      result: { entity: 'enrollment', zohoId, action: 'unchanged', moodleId: courseId, details: { userId } },
      steps: [],
    };
  }
  const moved =
    link && (link.moodle_id !== courseId || link.moodle_user_id !== userId) && link.moodle_user_id !== null
      ? link
      : null;
  const result: EntityResult = {
    entity: 'enrollment',
    zohoId,
    action: link ? 'updated' : 'created',
    moodleId: courseId,
    changes: link?.state === 'suspended' && !moved ? ['status'] : ['userid', 'courseid', 'roleid'],
    details: {
      userId,
      roleId,
      ...(moved ? { previous: { userId: moved.moodle_user_id, courseId: moved.moodle_id, suspended: true } } : {}),
    },
    ...(dependencies.length ? { dependencies } : {}),
  };
  const steps: SyncStep[] = [
    // Refused (invaliduser / invalidparameter): perhaps the user or course was deleted in Moodle by hand.
    { op: 'moodle.enrol', userId: userId!, courseId, roleId, suspend: false, dropStaleLinks: true },
  ];
  if (moved) {
    steps.push({
      op: 'moodle.enrol',
      userId: moved.moodle_user_id!,
      courseId: moved.moodle_id,
      roleId,
      suspend: true,
      skipIfGone: true,
    });
  }
  steps.push({
    op: 'link.save',
    entity: 'enrollment',
    zohoId,
    moodleId: courseId,
    moodleUserId: userId,
    fingerprint: state.print,
  });
  return { result, steps };
}

/** Deleted in Zoho: suspend the enrolment it made (known only through the link: the record is gone). */
function planSuspension(zohoId: string, link: SyncLink | null, roleId: number): SyncPlan {
  if (!link || link.moodle_user_id === null) {
    return skipPlan({
      entity: 'enrollment',
      zohoId,
      moodleId: null,
      reason: 'BTEC_Enrollments record no longer exists in Zoho and never made a Moodle enrolment',
    });
  }
  const details = { userId: link.moodle_user_id };
  if (link.state === 'suspended') {
    return {
      result: {
        entity: 'enrollment',
        zohoId,
        action: 'unchanged',
        moodleId: link.moodle_id,
        details,
        reason: 'deleted in Zoho; the enrolment was already suspended',
      },
      steps: [],
    };
  }
  return {
    result: {
      entity: 'enrollment',
      zohoId,
      action: 'suspended',
      moodleId: link.moodle_id,
      changes: ['status'],
      details,
      reason: 'deleted in Zoho: enrolment suspended (grades are kept)',
    },
    steps: [
      { op: 'moodle.enrol', userId: link.moodle_user_id, courseId: link.moodle_id, roleId, suspend: true },
      {
        op: 'link.save',
        entity: 'enrollment',
        zohoId,
        moodleId: link.moodle_id,
        moodleUserId: link.moodle_user_id,
        fingerprint: null,
        state: 'suspended',
      },
    ],
  };
}

/** `zoho.enrollment`: governed by `sync.directions.enrollments`. */
export const zohoEnrollment = defineFlow<EnrollmentState>({
  kind: 'zoho.enrollment',
  gate: {
    module: 'BTEC_Enrollments',
    direction: { key: 'enrollments', way: 'zoho_to_moodle' },
    needs: ['zoho', 'moodle'],
  },
  read: (io, { recordId }) => readEnrollment(io, recordId),
  plan: planEnrollment,
});
