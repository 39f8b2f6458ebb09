import type { MoodleCourse } from '../../shared/clients/moodle/moodleSchemas.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import { fingerprint } from '../../shared/domain/sync/fingerprint.ts';
import {
  classIsCourseReady,
  mapClassToCourse,
  shortnameCandidates,
  type DesiredCourse,
} from '../../shared/domain/sync/mapClassToCourse.ts';
import { planCourseChanges } from '../../shared/domain/sync/planCourseChanges.ts';
import { planWriteBack } from '../../shared/domain/sync/planWriteBack.ts';
import { resolveRoleId } from '../../shared/domain/sync/resolveRoleId.ts';
import {
  idOf,
  ref,
  type EntityResult,
  type IdOrRef,
  type SyncPlan,
  type SyncStep,
  skipPlan,
} from '../../shared/domain/sync/syncPlan.ts';
import type { ZohoClass } from '../../shared/domain/zoho/zohoRecordSchemas.ts';
import { defineFlow, linkToTrust, type FlowIO } from '../pipeline/flow.ts';
import { ensurePerson } from './zohoPerson.ts';
import { ensureProgram } from './zohoProgram.ts';

/** What the class flow needs once the class is to have a course: its dependencies synced, and Moodle's side. */
export interface ClassPrepared {
  desired: DesiredCourse;
  print: string;
  /** The program's category (a ref in a dry run when it would be made). */
  categoryId: IdOrRef;
  /** The teacher's Moodle user; null without a teacher, or when they cannot have an account (`teacherWarning`). */
  teacherUserId: IdOrRef | null;
  teacherWarning: string | null;
  dependencies: EntityResult[];
  candidates: string[];
  /** The course found, and how (the link; idnumber = Zoho id; `Moodle_Class_ID` in Zoho). */
  existing: { course: MoodleCourse; linkedBy: 'link' | 'idnumber' | 'zoho_moodle_id' } | null;
  /** Who owns each shortname candidate probed (its idnumber; '' for a course without one; null: free). */
  shortnameOwners: Record<string, string | null>;
}

export type ClassState =
  | { zohoId: string; link: SyncLink | null; record: null; course: MoodleCourse | null }
  | {
      zohoId: string;
      link: SyncLink | null;
      record: ZohoClass;
      /** Null when the class is to have no course (yet), or its link says nothing changed. */
      prepared: ClassPrepared | null;
      print: string;
      writeBackField: string;
    };

async function readClass(io: FlowIO, zohoId: string): Promise<ClassState> {
  const link = linkToTrust(io, await getLink(io.db, 'class', zohoId));
  const record = await io.zoho.fetchRecord('BTEC_Classes', zohoId);
  const courseWithIdnumber = async (courseId: number) => {
    const course = await io.moodle.getCourseByField('id', courseId);
    return course && (course.idnumber ?? '') === zohoId ? course : null;
  };
  if (!record) {
    const course =
      (link ? await courseWithIdnumber(link.moodle_id) : null) ?? (await io.moodle.getCourseByIdnumber(zohoId));
    return { zohoId, link, record: null, course };
  }
  const desired = mapClassToCourse(record);
  const print = fingerprint(desired);
  const writeBackField = io.zoho.fields.name('BTEC_Classes', 'moodleClassId');
  const base = { zohoId, link, record, print, writeBackField };
  const byIdnumber = link ? null : await io.moodle.getCourseByIdnumber(zohoId);
  // Not a course yet and not to be one: nothing else is read (and no dependency is synced).
  if (!link && !byIdnumber && !classIsCourseReady(record, io.settings['classes.create_when_status'])) {
    return { ...base, prepared: null };
  }
  if (link && link.state === 'active' && link.fingerprint === print) return { ...base, prepared: null };

  const dependencies: EntityResult[] = [];
  const categoryId = await ensureProgram(io, desired.programZohoId, dependencies);
  let teacherUserId: IdOrRef | null = null;
  let teacherWarning: string | null = null;
  if (desired.teacherZohoId) {
    try {
      teacherUserId = await ensurePerson(io, 'teacher', desired.teacherZohoId, dependencies);
    } catch (error) {
      // A teacher who cannot have an account (no e-mail…) must not keep the students out of
      // their course: it is made without them, and the result says so.
      if (!(error instanceof PermanentError)) throw error;
      teacherWarning = `teacher ${desired.teacherZohoId} not enrolled: ${error.message}`;
    }
  }
  const candidates = shortnameCandidates(desired.shortname, record);

  let existing: ClassPrepared['existing'] = byIdnumber ? { course: byIdnumber, linkedBy: 'idnumber' } : null;
  if (!existing && link) {
    const course = await courseWithIdnumber(link.moodle_id);
    if (course) existing = { course, linkedBy: 'link' };
  }
  if (!existing && link) {
    const course = await io.moodle.getCourseByIdnumber(zohoId);
    if (course) existing = { course, linkedBy: 'idnumber' };
  }
  const inZoho = record.moodleClassId?.trim() ?? '';
  if (!existing && /^[1-9]\d{0,14}$/.test(inZoho)) {
    const course = await io.moodle.getCourseByField('id', Number(inZoho));
    if (course) existing = { course, linkedBy: 'zoho_moodle_id' };
  }

  // The shortname is probed only when it is to be set: on a new course, or when it changes.
  const shortnameOwners: Record<string, string | null> = {};
  const setsShortname =
    !existing ||
    planCourseChanges(existing.course, desired, idOf(categoryId) ?? existing.course.categoryid ?? 0, candidates)
      .shortname !== undefined;
  if (setsShortname) {
    for (const candidate of candidates) {
      const owner = await io.moodle.getCourseByField('shortname', candidate);
      shortnameOwners[candidate] = owner ? (owner.idnumber ?? '') : null;
      if (!owner || owner.idnumber === zohoId) break;
    }
  }
  const prepared = {
    desired,
    print,
    categoryId,
    teacherUserId,
    teacherWarning,
    dependencies,
    candidates,
    existing,
    shortnameOwners,
  };
  return { ...base, prepared };
}

/** The first candidate shortname no other course uses. @throws PermanentError when all are taken. */
function freeShortname(zohoId: string, prepared: ClassPrepared): string {
  for (const candidate of prepared.candidates) {
    const owner = prepared.shortnameOwners[candidate];
    if (owner === null || owner === zohoId) return candidate;
  }
  throw new PermanentError(
    'moodle.duplicate',
    `BTEC_Classes ${zohoId}: shortnames ${prepared.candidates.map((c) => `"${c}"`).join(', ')} all belong to other courses`,
  );
}

/**
 * A Zoho class → its Moodle course (docs/design.md "Zoho → Moodle"): created once its
 * `Class_Status` is one of `classes.create_when_status`, in its program's category, its teacher
 * enrolled with the teacher role, `Moodle_Class_ID` written back. A course once made keeps
 * following its class whatever the status; a class deleted in Zoho hides its course (never
 * deletes it: grades live there). When a course is first made, the class's enrolments already in
 * Zoho are queued as events. Pure.
 */
export function planClass(state: ClassState, settings: SyncSettings): SyncPlan {
  const { zohoId, link } = state;
  if (state.record === null) return planHide(zohoId, link, state.course);
  const { record, prepared } = state;
  if (!prepared) {
    if (link && link.state === 'active' && link.fingerprint === state.print) {
      const result: EntityResult = { entity: 'class', zohoId, action: 'unchanged', moodleId: link.moodle_id };
      const writeBack = planWriteBack('BTEC_Classes', zohoId, 'moodleClassId', record.moodleClassId, link.moodle_id);
      if (writeBack) result.writeBack = state.writeBackField;
      return { result, steps: writeBack ? [writeBack] : [] };
    }
    const allowed = settings['classes.create_when_status'];
    return skipPlan({
      entity: 'class',
      zohoId,
      moodleId: null,
      reason: `Class_Status is ${record.status === null ? 'empty' : `"${record.status}"`}; a course is created at ${allowed.map((s) => `"${s}"`).join(', ') || '(no status: classes.create_when_status is empty)'}`,
    });
  }

  const { desired, existing, categoryId, teacherUserId, teacherWarning, dependencies } = prepared;
  if (existing?.linkedBy === 'zoho_moodle_id' && existing.course.idnumber && existing.course.idnumber !== zohoId) {
    throw new PermanentError(
      'moodle.conflict',
      `BTEC_Classes ${zohoId}: Moodle_Class_ID ${existing.course.id} is a course that belongs to Zoho record ${existing.course.idnumber}`,
    );
  }
  const steps: SyncStep[] = [];
  const warnings: string[] = [];
  let result: EntityResult;
  if (!existing) {
    const shortname = freeShortname(zohoId, prepared);
    if (shortname !== desired.shortname)
      warnings.push(`shortname "${desired.shortname}" belongs to another course; used "${shortname}"`);
    steps.push({
      op: 'moodle.create_course',
      ref: 'course',
      course: {
        fullname: desired.fullname,
        shortname,
        idnumber: zohoId,
        categoryid: categoryId,
        ...(desired.startdate !== null ? { startdate: desired.startdate } : {}),
        ...(desired.enddate !== null ? { enddate: desired.enddate } : {}),
      },
    });
    const changes = ['fullname', 'shortname', 'idnumber', 'categoryid'];
    if (desired.startdate !== null) changes.push('startdate');
    if (desired.enddate !== null) changes.push('enddate');
    result = { entity: 'class', zohoId, action: 'created', moodleId: ref('course'), changes };
  } else {
    const { course } = existing;
    const changes: Record<string, unknown> = {
      ...planCourseChanges(course, desired, (categoryId as number) ?? course.categoryid ?? 0, prepared.candidates),
    };
    if (changes.shortname !== undefined) changes.shortname = freeShortname(zohoId, prepared);
    if (!course.idnumber) changes.idnumber = zohoId;
    const fields = Object.keys(changes);
    if (fields.length) steps.push({ op: 'moodle.update_course', courseId: course.id, changes });
    result = {
      entity: 'class',
      zohoId,
      action: fields.length ? 'updated' : 'unchanged',
      moodleId: course.id,
      ...(fields.length ? { changes: fields } : {}),
      ...(existing.linkedBy !== 'link' ? { linkedBy: existing.linkedBy } : {}),
    };
  }
  if (teacherWarning) warnings.push(teacherWarning);
  if (warnings.length) result.warnings = warnings;

  // The class's teacher, enrolled with the teacher role when the course or the teacher is new;
  // the previous teacher's enrolment suspended when it changed.
  const courseId = result.moodleId as IdOrRef;
  const previous = link && link.moodle_id === courseId ? link.moodle_user_id : null;
  if (teacherUserId !== previous) {
    const roleId = resolveRoleId('teacher', settings['moodle.roles'].teacher);
    if (teacherUserId !== null) steps.push({ op: 'moodle.enrol', userId: teacherUserId, courseId, roleId });
    if (previous !== null) steps.push({ op: 'moodle.enrol', userId: previous, courseId, roleId, suspend: true });
    result.details = {
      teacherEnrolled: teacherUserId,
      ...(previous !== null ? { previousTeacherSuspended: previous } : {}),
    };
    result.changes = [...(result.changes ?? []), 'teacher'];
    if (result.action === 'unchanged') result.action = 'updated';
  }
  if (dependencies.length) result.dependencies = dependencies;

  if (!link || link.moodle_id !== courseId) {
    // The class has a course it did not have (its first, or another: the linked one was deleted in
    // Moodle and made again, or another was found by idnumber): enrolments skipped meanwhile, or
    // made in the old course, are made in this one. Queued before the link is saved: if this fails
    // the run retries, finds the old link, and comes back here.
    steps.push({ op: 'zoho.queue_class_enrollments', classZohoId: zohoId });
    result.details = { ...result.details, enrollmentsQueued: ref('enrollmentsQueued') };
  }
  // Without its teacher the class is not fully applied: no fingerprint, so its next event tries again.
  steps.push({
    op: 'link.save',
    entity: 'class',
    zohoId,
    moodleId: courseId,
    moodleUserId: teacherUserId,
    fingerprint: teacherWarning ? null : prepared.print,
    state: 'active',
  });
  const writeBack = planWriteBack('BTEC_Classes', zohoId, 'moodleClassId', record.moodleClassId, courseId);
  if (writeBack) {
    steps.push(writeBack);
    result.writeBack = state.writeBackField;
  }
  return { result, steps };
}

/** The class is gone from Zoho: hide its course (students get nothing new; grades stay). */
function planHide(zohoId: string, link: SyncLink | null, course: MoodleCourse | null): SyncPlan {
  if (!course) {
    return skipPlan({
      entity: 'class',
      zohoId,
      moodleId: null,
      reason: 'BTEC_Classes record no longer exists in Zoho and has no Moodle course',
    });
  }
  const suspendLink: SyncStep = {
    op: 'link.save',
    entity: 'class',
    zohoId,
    moodleId: course.id,
    moodleUserId: link?.moodle_user_id ?? null,
    fingerprint: null,
    state: 'suspended',
  };
  if (course.visible === 0) {
    return {
      result: {
        entity: 'class',
        zohoId,
        action: 'unchanged',
        moodleId: course.id,
        reason: 'deleted in Zoho; the course was already hidden',
      },
      // Still mark the link: enrolments must not be made into the course of a deleted class.
      steps: link?.state !== 'suspended' ? [suspendLink] : [],
    };
  }
  return {
    result: {
      entity: 'class',
      zohoId,
      action: 'suspended',
      moodleId: course.id,
      changes: ['visible'],
      reason: 'deleted in Zoho: course hidden, not deleted (grades are kept)',
    },
    steps: [{ op: 'moodle.update_course', courseId: course.id, changes: { visible: false } }, suspendLink],
  };
}

/**
 * The course of a class an enrolment needs: the link's when active, else the class's own flow
 * runs first and its result joins `dependencies`.
 * @returns the course id (a ref in a dry run when it would be made), or why the class is no course (yet).
 */
export async function ensureClass(
  io: FlowIO,
  zohoId: string,
  dependencies: EntityResult[],
): Promise<{ courseId: IdOrRef } | { notReady: string }> {
  const link = await getLink(io.db, 'class', zohoId);
  if (link && link.state === 'active') return { courseId: link.moodle_id };
  const result = await io.ensure('zoho.class', zohoId);
  dependencies.push(result);
  if (result.action === 'skipped' || (result.action === 'suspended' && result.moodleId !== null)) {
    return { notReady: String(result.reason ?? result.action) };
  }
  if (typeof result.moodleId === 'number') return { courseId: result.moodleId };
  return { courseId: ref(`class:${zohoId}`) };
}

/** `zoho.class`: always Zoho → Moodle. */
export const zohoClass = defineFlow<ClassState>({
  kind: 'zoho.class',
  gate: { module: 'BTEC_Classes', direction: null, needs: ['zoho', 'moodle'] },
  read: (io, { recordId }) => readClass(io, recordId),
  plan: planClass,
});
