import { sql } from 'slonik';
import { findLinkByMoodleId, saveLink } from '../../../shared/db/queries/syncLinks.ts';
import { unixToZohoDate } from '../../../shared/domain/grades/mapGradeToZohoRecord.ts';
import type { MoodleEnrolmentData } from '../../../shared/domain/moodle/moodleEventData.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { mapEnrollment } from '../../../shared/domain/sync/mapEnrollment.ts';
import type { SyncOutcome } from '../syncHandler.ts';
import type { MoodleSyncRun } from './moodleSyncRun.ts';
import { resolveZohoClass, resolveZohoStudent } from './resolveZohoRecords.ts';

/**
 * A Moodle enrolment → `BTEC_Enrollments` (when `sync.directions.enrollments` allows it):
 * a student enrolled in a class's course by hand in Moodle gets their Zoho enrollment, and
 * unenrolled (their last enrolment in the course) loses it. Enrolments the integration made
 * itself are linked already and are not echoed back; users who are no Zoho student
 * (teachers, staff) and courses that are no Zoho class are skipped with the reason.
 */
export async function syncEnrolmentToZoho(run: MoodleSyncRun<MoodleEnrolmentData>): Promise<SyncOutcome> {
  const enrolment = run.data;
  const base = { entity: 'enrollment', moodleUserId: enrolment.user_id, moodleCourseId: enrolment.course_id };
  const link = await findLinkByMoodleId(run.ctx.db, 'enrollment', enrolment.course_id, enrolment.user_id);

  if (enrolment.deleted) {
    if (enrolment.last_enrolment === false) return skipped(base, 'the user keeps another enrolment in the course');
    if (!link) return skipped(base, 'no Zoho enrollment is linked to this enrolment');
    if (run.dryRun) return completed(base, 'deleted', link.zoho_id);
    const existed = await run.zoho.deleteOne('BTEC_Enrollments', link.zoho_id);
    await run.ctx.db.query(
      sql.unsafe`delete from sync_links where entity = 'enrollment' and zoho_id = ${link.zoho_id}`,
    );
    return completed(
      base,
      existed ? 'deleted' : 'unchanged',
      link.zoho_id,
      existed ? undefined : 'already gone from Zoho',
    );
  }

  if (link && link.state === 'active')
    return completed(
      base,
      'unchanged',
      link.zoho_id,
      'already linked to its Zoho enrollment (made by the integration, or synced before)',
    );
  // A suspended enrolment with no live Zoho enrollment is no reason to create one.
  if (enrolment.status === 1) return skipped(base, 'the enrolment is suspended in Moodle');
  // The plugin sends role shortnames; a role given by id ("5" or 5) cannot be compared with them.
  const studentRole = run.settings['moodle.roles'].student;
  if (
    typeof studentRole === 'string' &&
    !/^\d+$/.test(studentRole) &&
    enrolment.roles.length > 0 &&
    !enrolment.roles.includes(studentRole)
  ) {
    return skipped(base, `not a student enrolment (roles: ${enrolment.roles.join(', ')})`);
  }
  const studentZohoId = await resolveZohoStudent(run, enrolment.user_id, null);
  if (!studentZohoId) return skipped(base, `Moodle user ${enrolment.user_id} is no Zoho student`);
  const classZohoId = await resolveZohoClass(run, enrolment.course_id, enrolment.course_idnumber);
  if (!classZohoId) return skipped(base, `Moodle course ${enrolment.course_id} is no Zoho class`);

  const f = run.zoho.fields;
  // Zoho ids are digits only: safe inside the COQL strings.
  const [existing] = await run.zoho.coql(
    `select id from BTEC_Enrollments where ${f.name('BTEC_Enrollments', 'student')} = '${studentZohoId}' and ${f.name('BTEC_Enrollments', 'class')} = '${classZohoId}' limit 1`,
  );
  if (run.dryRun) return completed(base, existing ? 'unchanged' : 'created', existing?.id ?? null);
  const zohoId = existing
    ? existing.id
    : (
        await run.zoho.insertOne(
          'BTEC_Enrollments',
          f.record('BTEC_Enrollments', {
            student: { id: studentZohoId },
            class: { id: classZohoId },
            startDate: enrolment.timestart ? unixToZohoDate(enrolment.timestart) : undefined,
          }),
        )
      ).id;
  // The same fingerprint the Zoho → Moodle flow computes, so that flow finds it unchanged.
  await saveLink(run.ctx.db, {
    entity: 'enrollment',
    zohoId,
    moodleId: enrolment.course_id,
    moodleUserId: enrolment.user_id,
    fingerprint: fingerprint(
      mapEnrollment({ student: { id: studentZohoId, name: '' }, class: { id: classZohoId, name: '' } }),
    ),
    eventId: run.event.id,
  });
  return completed(
    base,
    existing ? 'unchanged' : 'created',
    zohoId,
    existing ? 'Zoho already had this enrollment: linked' : undefined,
    { studentZohoId, classZohoId },
  );
}

function completed(
  base: Record<string, unknown>,
  action: string,
  zohoId: string | null,
  note?: string,
  extra: Record<string, unknown> = {},
): SyncOutcome {
  return { status: 'completed', result: { ...base, ...extra, action, zohoId, ...(note ? { note } : {}) } };
}

function skipped(base: Record<string, unknown>, reason: string): SyncOutcome {
  return { status: 'skipped', result: { ...base, action: 'skipped', reason } };
}
