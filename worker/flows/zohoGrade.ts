import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { mapDashboardGrade } from '../../shared/domain/dashboard/mapDashboardGrade.ts';
import { studentOf } from '../../shared/domain/dashboard/studentOf.ts';
import { planDashboardPush, planDashboardRemoval } from '../../shared/domain/sync/planDashboardRecord.ts';
import type { EntityResult, IdOrRef, SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import type { ZohoGrade } from '../../shared/domain/zoho/zohoRecordSchemas.ts';
import { defineFlow } from '../pipeline/flow.ts';
import { ensurePerson } from './zohoPerson.ts';

export type GradeState =
  | { zohoId: string; link: SyncLink | null; grade: null }
  | {
      zohoId: string;
      link: SyncLink | null;
      grade: ZohoGrade;
      userId: IdOrRef;
      /** The course of the grade's class, from the class's link (0: the class is not a Moodle course). */
      courseId: number;
      dependencies: EntityResult[];
    };

/**
 * A BTEC_Grades record → the dashboard's copy of it (grade, status, feedback and its learning
 * outcomes with an `achieved` flag). This copy only shows students what Zoho holds; the plugin
 * displays it once `Grade_Status` is `Released`. A class that is no Moodle course gives course 0
 * (the grade still shows); a linked course deleted in Moodle meanwhile stores the grade without
 * its course, with a warning. Deleted in Zoho → removed with its outcome rows. Pure.
 */
export function planDashboardGradeCopy(state: GradeState): SyncPlan {
  const { zohoId, link } = state;
  if (!state.grade) return planDashboardRemoval('grade', zohoId, link, 'BTEC_Grades');
  const { grade, userId, courseId } = state;
  const recordFor = (course: number) => mapDashboardGrade(grade, { userId: 0, courseId: course });
  return planDashboardPush({
    entity: 'grade',
    zohoId,
    link,
    mapped: recordFor(courseId),
    userId,
    dependencies: state.dependencies,
    ...(courseId !== 0
      ? {
          withoutCourse: {
            record: recordFor(0).record,
            warning: `course ${courseId} of class ${grade.class?.id ?? ''} no longer exists in Moodle; grade stored without a course`,
          },
        }
      : {}),
  });
}

/** `zoho.grade`: the dashboard's copy of Zoho grades, always (`modules.enabled.BTEC_Grades` switches it off). */
export const zohoGrade = defineFlow<GradeState>({
  kind: 'zoho.grade',
  gate: { module: 'BTEC_Grades', direction: null, needs: ['zoho', 'moodle'] },
  async read(io, { recordId }) {
    const link = await getLink(io.db, 'grade', recordId);
    const grade = await io.zoho.fetchRecord('BTEC_Grades', recordId);
    if (!grade) return { zohoId: recordId, link, grade: null };
    const studentId = studentOf('BTEC_Grades', recordId, 'Student', grade.student);
    const dependencies: EntityResult[] = [];
    const userId = await ensurePerson(io, 'student', studentId, dependencies);
    const classLink = grade.class ? await getLink(io.db, 'class', grade.class.id) : null;
    return { zohoId: recordId, link, grade, userId, courseId: classLink?.moodle_id ?? 0, dependencies };
  },
  plan: planDashboardGradeCopy,
});
