import type { MoodleCourse } from '../../../shared/clients/moodle/moodleSchemas.ts';
import { recordWebhookEvent } from '../../../shared/db/queries/integrationEventsLog.ts';
import { getLink, saveLink, type SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { taskIdentifierFor } from '../../../shared/domain/events.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import {
  classIsCourseReady,
  mapClassToCourse,
  shortnameCandidates,
} from '../../../shared/domain/sync/mapClassToCourse.ts';
import { planCourseChanges } from '../../../shared/domain/sync/planCourseChanges.ts';
import { resolveRoleId } from '../../../shared/domain/sync/resolveRoleId.ts';
import type { ZohoClass } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { ensurePerson } from './syncPerson.ts';
import { ensureProgram } from './syncProgram.ts';
import { writeBackMoodleId } from './writeBackMoodleId.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A Zoho class → its Moodle course (DESIGN.md "Zoho → Moodle mapping"): created once its
 * `Class_Status` is one of `classes.create_when_status`, in its program's category (the
 * program synced first when it is not yet), its teacher enrolled with the teacher role,
 * `Moodle_Class_ID` written back. A course once made keeps following its class whatever
 * the status; a class deleted in Zoho hides its course (never deletes it: grades live there).
 * When a course is created, the class's enrolments already in Zoho are queued as events.
 */
export async function syncClass(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const link = await getLink(run.ctx.db, 'class', zohoId);
  const record = await run.zoho.fetchRecord('BTEC_Classes', zohoId);
  if (!record) return hideCourse(run, zohoId, link);

  const allowed = run.settings['classes.create_when_status'];
  const existingByIdnumber = link ? null : await run.moodle.getCourseByIdnumber(zohoId);
  if (!link && !existingByIdnumber && !classIsCourseReady(record, allowed)) {
    return {
      entity: 'class',
      zohoId,
      action: 'skipped',
      moodleId: null,
      reason: `Class_Status is ${record.status === null ? 'empty' : `"${record.status}"`}; a course is created at ${allowed.map((s) => `"${s}"`).join(', ') || '(no status: classes.create_when_status is empty)'}`,
    };
  }
  const desired = mapClassToCourse(record);
  const print = fingerprint(desired);
  if (link && link.state === 'active' && link.fingerprint === print) {
    const result: EntityResult = { entity: 'class', zohoId, action: 'unchanged', moodleId: link.moodle_id };
    const written = await writeBackMoodleId(
      run,
      'BTEC_Classes',
      zohoId,
      'moodleClassId',
      record.moodleClassId,
      link.moodle_id,
    );
    if (written) result.writeBack = written;
    return result;
  }

  const dependencies: EntityResult[] = [];
  const categoryId = await ensureProgram(run, desired.programZohoId, dependencies);
  const classWarnings: string[] = [];
  let teacherUserId: number | null = null;
  if (desired.teacherZohoId) {
    try {
      teacherUserId = await ensurePerson(run, 'teacher', desired.teacherZohoId, dependencies);
    } catch (error) {
      // A teacher who cannot have an account (no e-mail…) must not keep the students out of
      // their course: make it without them, and say so.
      if (!(error instanceof PermanentError)) throw error;
      classWarnings.push(`teacher ${desired.teacherZohoId} not enrolled: ${error.message}`);
    }
  }
  const candidates = shortnameCandidates(desired.shortname, record);

  let existing: MoodleCourse | null = existingByIdnumber;
  let linkedBy: EntityResult['linkedBy'] = existing ? 'idnumber' : undefined;
  if (!existing && link) existing = await courseWithIdnumber(run, link.moodle_id, zohoId);
  if (!existing) {
    existing = await run.moodle.getCourseByIdnumber(zohoId);
    if (existing) linkedBy = 'idnumber';
  }
  if (!existing) {
    existing = await adoptByZohoMoodleId(run, record);
    if (existing) linkedBy = 'zoho_moodle_id';
  }

  let result: EntityResult;
  if (!existing) {
    result = {
      entity: 'class',
      zohoId,
      action: 'created',
      moodleId: null,
      changes: [
        'fullname',
        'shortname',
        'idnumber',
        'categoryid',
        ...(desired.startdate !== null ? ['startdate'] : []),
        ...(desired.enddate !== null ? ['enddate'] : []),
      ],
    };
    if (!run.dryRun) {
      const shortname = await freeShortname(run, candidates, zohoId);
      const [created] = await run.moodle.createCourses([
        {
          fullname: desired.fullname,
          shortname,
          idnumber: zohoId,
          categoryid: categoryId!,
          ...(desired.startdate !== null ? { startdate: desired.startdate } : {}),
          ...(desired.enddate !== null ? { enddate: desired.enddate } : {}),
        },
      ]);
      result.moodleId = created!.id;
      if (shortname !== desired.shortname)
        result.warnings = [`shortname "${desired.shortname}" belongs to another course; used "${shortname}"`];
    }
  } else {
    const changes = planCourseChanges(existing, desired, categoryId ?? existing.categoryid ?? 0, candidates);
    if (changes.shortname !== undefined && !run.dryRun)
      changes.shortname = await freeShortname(run, candidates, zohoId);
    if (!existing.idnumber) Object.assign(changes, { idnumber: zohoId });
    const fields = Object.keys(changes);
    result = {
      entity: 'class',
      zohoId,
      action: fields.length ? 'updated' : 'unchanged',
      moodleId: existing.id,
      ...(fields.length ? { changes: fields } : {}),
      ...(linkedBy ? { linkedBy } : {}),
    };
    if (fields.length && !run.dryRun) await run.moodle.updateCourses([{ id: existing.id, ...changes }]);
  }

  if (classWarnings.length) result.warnings = [...(result.warnings ?? []), ...classWarnings];
  const teacher = await enrolTeacher(run, result.moodleId, teacherUserId, link);
  if (teacher) {
    result.details = teacher;
    result.changes = [...(result.changes ?? []), 'teacher'];
    if (result.action === 'unchanged') result.action = 'updated';
  }
  if (dependencies.length) result.dependencies = dependencies;
  if (run.dryRun || result.moodleId === null) return result;

  if (!link) {
    // First time this class has a course: its enrolments made in Zoho meanwhile were skipped.
    const queued = await queueClassEnrollments(run, zohoId);
    if (queued) result.details = { ...result.details, enrollmentsQueued: queued };
  }
  // Without its teacher the class is not fully applied: no fingerprint, so its next event tries again.
  await saveLink(run.ctx.db, {
    entity: 'class',
    zohoId,
    moodleId: result.moodleId,
    moodleUserId: teacherUserId,
    fingerprint: classWarnings.length ? null : print,
    eventId: run.event.id,
  });
  const written = await writeBackMoodleId(
    run,
    'BTEC_Classes',
    zohoId,
    'moodleClassId',
    record.moodleClassId,
    result.moodleId,
  );
  if (written) result.writeBack = written;
  return result;
}

async function courseWithIdnumber(run: ZohoSyncRun, courseId: number, zohoId: string): Promise<MoodleCourse | null> {
  const course = await run.moodle.getCourseByField('id', courseId);
  return course && (course.idnumber ?? '') === zohoId ? course : null;
}

/** `Moodle_Class_ID` set in Zoho (by the predecessor, or by hand) names a course with no other owner. */
async function adoptByZohoMoodleId(run: ZohoSyncRun, record: ZohoClass): Promise<MoodleCourse | null> {
  const id = record.moodleClassId?.trim();
  if (!id || !/^[1-9]\d{0,14}$/.test(id)) return null;
  const course = await run.moodle.getCourseByField('id', Number(id));
  if (!course) return null;
  if (course.idnumber && course.idnumber !== record.id) {
    throw new PermanentError(
      'moodle.conflict',
      `BTEC_Classes ${record.id}: Moodle_Class_ID ${id} is a course that belongs to Zoho record ${course.idnumber}`,
    );
  }
  return course;
}

/** The first candidate shortname no other course uses. */
async function freeShortname(run: ZohoSyncRun, candidates: string[], zohoId: string): Promise<string> {
  for (const candidate of candidates) {
    const owner = await run.moodle.getCourseByField('shortname', candidate);
    if (!owner || owner.idnumber === zohoId) return candidate;
  }
  throw new PermanentError(
    'moodle.duplicate',
    `BTEC_Classes ${zohoId}: shortnames ${candidates.map((c) => `"${c}"`).join(', ')} all belong to other courses`,
  );
}

/**
 * Enrols the class's teacher with the teacher role (`moodle.roles.teacher`) when the course
 * or the teacher is new, and suspends the previous teacher's enrolment when it changed.
 */
async function enrolTeacher(
  run: ZohoSyncRun,
  courseId: number | null,
  teacherUserId: number | null,
  link: SyncLink | null,
) {
  const previous = link && link.moodle_id === courseId ? link.moodle_user_id : null;
  if (courseId === null || teacherUserId === previous) return null;
  const roleid = resolveRoleId('teacher', run.settings['moodle.roles'].teacher);
  if (!run.dryRun) {
    if (teacherUserId !== null) await run.moodle.enrolUsers([{ userid: teacherUserId, courseid: courseId, roleid }]);
    if (previous !== null)
      await run.moodle.enrolUsers([{ userid: previous, courseid: courseId, roleid, suspend: true }]);
  }
  return { teacherEnrolled: teacherUserId, ...(previous !== null ? { previousTeacherSuspended: previous } : {}) };
}

/** The class is gone from Zoho: hide its course (students keep nothing new; grades stay). */
async function hideCourse(run: ZohoSyncRun, zohoId: string, link: SyncLink | null): Promise<EntityResult> {
  const course =
    (link ? await courseWithIdnumber(run, link.moodle_id, zohoId) : null) ??
    (await run.moodle.getCourseByIdnumber(zohoId));
  if (!course)
    return {
      entity: 'class',
      zohoId,
      action: 'skipped',
      moodleId: null,
      reason: 'BTEC_Classes record no longer exists in Zoho and has no Moodle course',
    };
  if (course.visible === 0) {
    // Still mark the link: enrolments must not be made into the course of a deleted class.
    if (!run.dryRun && link?.state !== 'suspended') {
      await saveLink(run.ctx.db, {
        entity: 'class',
        zohoId,
        moodleId: course.id,
        moodleUserId: link?.moodle_user_id ?? null,
        fingerprint: null,
        state: 'suspended',
        eventId: run.event.id,
      });
    }
    return {
      entity: 'class',
      zohoId,
      action: 'unchanged',
      moodleId: course.id,
      reason: 'deleted in Zoho; the course was already hidden',
    };
  }
  if (!run.dryRun) {
    await run.moodle.updateCourses([{ id: course.id, visible: false }]);
    await saveLink(run.ctx.db, {
      entity: 'class',
      zohoId,
      moodleId: course.id,
      moodleUserId: link?.moodle_user_id ?? null,
      fingerprint: null,
      state: 'suspended',
      eventId: run.event.id,
    });
  }
  return {
    entity: 'class',
    zohoId,
    action: 'suspended',
    moodleId: course.id,
    changes: ['visible'],
    reason: 'deleted in Zoho: course hidden, not deleted (grades are kept)',
  };
}

/**
 * Enrolments made in Zoho before their class became a course were skipped; now that the
 * course exists they are queued as events (one per enrollment; their ids include this
 * event's, so a retried class job queues nothing twice). Zoho ids are digits only, so the
 * id is safe inside the COQL string.
 */
async function queueClassEnrollments(run: ZohoSyncRun, classZohoId: string): Promise<number> {
  // Before the link is saved: if this fails the job retries, finds no link, and comes back here.
  const rows = await run.zoho.coql(
    `select id from BTEC_Enrollments where ${run.zoho.fields.name('BTEC_Enrollments', 'class')} = '${classZohoId}' limit 2000`,
  );
  let queued = 0;
  for (const row of rows) {
    const inserted = await recordWebhookEvent(run.ctx.db, {
      source: 'zoho',
      eventId: `class-course:${run.event.id}:${row.id}`,
      eventType: 'updated',
      entity: 'enrollment',
      module: 'BTEC_Enrollments',
      recordId: row.id,
      dedupe: 'event_id',
      taskIdentifier: taskIdentifierFor('zoho.enrollment'),
      payload: { cause: 'class became a Moodle course', class_id: classZohoId, caused_by_event: run.event.id },
      jobKey: null,
    });
    if (inserted !== null) queued++;
  }
  return queued;
}

/**
 * The course of a class an enrolment needs, syncing the class first when it has none yet.
 * @returns the course id, null only in a dry run, or the reason the class is no course (yet).
 */
export async function ensureClass(
  run: ZohoSyncRun,
  zohoId: string,
  dependencies: EntityResult[],
): Promise<{ courseId: number | null } | { notReady: string }> {
  const link = await getLink(run.ctx.db, 'class', zohoId);
  if (link && link.state === 'active') return { courseId: link.moodle_id };
  const release = await run.ctx.lockRecord(`zoho:BTEC_Classes:${zohoId}`);
  try {
    const result = await syncClass(run, zohoId);
    dependencies.push(result);
    if (result.action === 'skipped' || (result.action === 'suspended' && result.moodleId !== null)) {
      return { notReady: result.reason ?? result.action };
    }
    return { courseId: result.moodleId };
  } finally {
    await release();
  }
}
