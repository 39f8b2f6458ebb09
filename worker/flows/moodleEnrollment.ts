import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { findLinkByMoodleId, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { unixToZohoDate } from '../../shared/domain/grades/mapGradeToZohoRecord.ts';
import { moodleEnrolmentDataSchema, type MoodleEnrolmentData } from '../../shared/domain/moodle/moodleEventData.ts';
import { fingerprint } from '../../shared/domain/sync/fingerprint.ts';
import { mapEnrollment } from '../../shared/domain/sync/mapEnrollment.ts';
import { ref, type SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import { defineFlow } from '../pipeline/flow.ts';
import {
  planClassLink,
  planStudentLink,
  readZohoClassOf,
  readZohoStudentOf,
  type ClassMatch,
  type StudentMatch,
} from './zohoRecordsOfMoodle.ts';

export interface EnrolmentToZohoState {
  enrolment: MoodleEnrolmentData;
  /** The Zoho enrollment linked to this user in this course. */
  link: SyncLink | null;
  student: StudentMatch | null;
  class: ClassMatch | null;
  /** The Zoho enrollment of that student in that class, when Zoho has one already. */
  existingZohoId: string | null;
}

/** Why the enrolment needs no Zoho record looked up, or null when it does. Pure; read and plan share it. */
function skipReason(enrolment: MoodleEnrolmentData, link: SyncLink | null, settings: SyncSettings): string | null {
  if (enrolment.deleted) {
    if (enrolment.last_enrolment === false) return 'the user keeps another enrolment in the course';
    return link ? null : 'no Zoho enrollment is linked to this enrolment';
  }
  if (link && link.state === 'active') return null;
  // A suspended enrolment with no live Zoho enrollment is no reason to create one.
  if (enrolment.status === 1) return 'the enrolment is suspended in Moodle';
  // The plugin sends role shortnames; a role given by id ("5" or 5) cannot be compared with them.
  const studentRole = settings['moodle.roles'].student;
  if (
    typeof studentRole === 'string' &&
    !/^\d+$/.test(studentRole) &&
    enrolment.roles.length > 0 &&
    !enrolment.roles.includes(studentRole)
  ) {
    return `not a student enrolment (roles: ${enrolment.roles.join(', ')})`;
  }
  return null;
}

/**
 * A Moodle enrolment → `BTEC_Enrollments` (when `sync.directions.enrollments` allows it): a
 * student enrolled in a class's course by hand in Moodle gets their Zoho enrollment, and
 * unenrolled (their last enrolment in the course) loses it. Enrolments the integration made
 * itself are linked already and are not echoed back; users who are no Zoho student (teachers,
 * staff) and courses that are no Zoho class are skipped with the reason. Pure.
 */
export function planEnrolmentToZoho(state: EnrolmentToZohoState, settings: SyncSettings): SyncPlan {
  const { enrolment, link } = state;
  const base = { entity: 'enrollment', moodleUserId: enrolment.user_id, moodleCourseId: enrolment.course_id };
  const skip = (reason: string): SyncPlan => ({ result: { ...base, action: 'skipped', reason }, steps: [] });
  const reason = skipReason(enrolment, link, settings);
  if (reason) return skip(reason);

  if (enrolment.deleted) {
    return {
      result: { ...base, action: ref('enrollment:action'), zohoId: link!.zoho_id, note: ref('enrollment:note') },
      steps: [
        {
          op: 'zoho.delete',
          ref: 'enrollment',
          module: 'BTEC_Enrollments',
          recordId: link!.zoho_id,
          goneNote: 'already gone from Zoho',
        },
        { op: 'link.delete', entity: 'enrollment', zohoId: link!.zoho_id },
      ],
    };
  }
  if (link && link.state === 'active') {
    return {
      result: {
        ...base,
        action: 'unchanged',
        zohoId: link.zoho_id,
        note: 'already linked to its Zoho enrollment (made by the integration, or synced before)',
      },
      steps: [],
    };
  }
  const student = planStudentLink(state.student, enrolment.user_id);
  if (!student.studentZohoId) return skip(`Moodle user ${enrolment.user_id} is no Zoho student`);
  const cls = planClassLink(state.class, enrolment.course_id);
  if (!cls.classZohoId)
    return { ...skip(`Moodle course ${enrolment.course_id} is no Zoho class`), steps: student.steps };
  const { studentZohoId } = student;
  const { classZohoId } = cls;
  const existing = state.existingZohoId;
  const zohoId = existing ?? ref('enrollment');
  return {
    result: {
      ...base,
      studentZohoId,
      classZohoId,
      action: existing ? 'unchanged' : 'created',
      zohoId,
      ...(existing ? { note: 'Zoho already had this enrollment: linked' } : {}),
    },
    steps: [
      ...student.steps,
      ...cls.steps,
      ...(existing
        ? []
        : [
            {
              op: 'zoho.insert' as const,
              ref: 'enrollment',
              module: 'BTEC_Enrollments',
              values: {
                student: { id: studentZohoId },
                class: { id: classZohoId },
                startDate: enrolment.timestart ? unixToZohoDate(enrolment.timestart) : undefined,
              },
            },
          ]),
      {
        op: 'link.save',
        entity: 'enrollment',
        zohoId,
        moodleId: enrolment.course_id,
        moodleUserId: enrolment.user_id,
        // The fingerprint the Zoho → Moodle flow computes, so that flow finds it unchanged.
        fingerprint: fingerprint(
          mapEnrollment({ student: { id: studentZohoId, name: '' }, class: { id: classZohoId, name: '' } }),
        ),
      },
    ],
  };
}

/** `moodle.enrollment`: governed by `sync.directions.enrollments`. */
export const moodleEnrollment = defineFlow<EnrolmentToZohoState, MoodleEnrolmentData>({
  kind: 'moodle.enrollment',
  gate: { module: 'BTEC_Enrollments', direction: { key: 'enrollments', way: 'moodle_to_zoho' }, needs: ['zoho'] },
  data: { schema: moodleEnrolmentDataSchema, in: 'envelope' },
  async read(io, { data: enrolment }) {
    const link = await findLinkByMoodleId(io.db, 'enrollment', enrolment.course_id, enrolment.user_id);
    const state: EnrolmentToZohoState = { enrolment, link, student: null, class: null, existingZohoId: null };
    if (enrolment.deleted || skipReason(enrolment, link, io.settings) || (link && link.state === 'active'))
      return state;
    state.student = await readZohoStudentOf(io, enrolment.user_id, null);
    if (!state.student || 'conflict' in state.student) return state;
    state.class = await readZohoClassOf(io, enrolment.course_id, enrolment.course_idnumber);
    if (!state.class || 'conflict' in state.class) return state;
    const f = io.zoho.fields;
    // Zoho ids are digits only: safe inside the COQL strings.
    const [existing] = await io.zoho.coql(
      `select id from BTEC_Enrollments where ${f.name('BTEC_Enrollments', 'student')} = '${state.student.zohoId}' and ${f.name('BTEC_Enrollments', 'class')} = '${state.class.zohoId}' limit 1`,
    );
    state.existingZohoId = existing?.id ?? null;
    return state;
  },
  plan: planEnrolmentToZoho,
});
