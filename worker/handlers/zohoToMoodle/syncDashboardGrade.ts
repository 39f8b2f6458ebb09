import { DashboardRecordError } from '../../../shared/clients/moodle/createDashboardClient.ts';
import { getLink } from '../../../shared/db/queries/syncLinks.ts';
import { mapDashboardGrade } from '../../../shared/domain/dashboard/mapDashboardGrade.ts';
import { studentOf } from '../../../shared/domain/dashboard/studentOf.ts';
import { applyDashboardRecord, removeDashboardRecord } from './applyDashboardRecord.ts';
import { ensurePerson } from './syncPerson.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A BTEC_Grades record → the dashboard's copy of it (grade, status, feedback and its learning
 * outcomes with an `achieved` flag). This copy only shows students what Zoho holds; the plugin
 * displays it once `Grade_Status` is `Released`. The class's course comes from the class's
 * link (0 when the class is not a Moodle course: the grade still shows, without a course).
 * Deleted in Zoho → removed from the dashboard with its outcome rows.
 */
export async function syncDashboardGrade(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const link = await getLink(run.ctx.db, 'grade', zohoId);
  const grade = await run.zoho.fetchRecord('BTEC_Grades', zohoId);
  if (!grade) return removeDashboardRecord(run, 'grade', zohoId, link, 'BTEC_Grades');

  const studentId = studentOf('BTEC_Grades', zohoId, 'Student', grade.student);
  const dependencies: EntityResult[] = [];
  const userId = await ensurePerson(run, 'student', studentId, dependencies);
  const classLink = grade.class ? await getLink(run.ctx.db, 'class', grade.class.id) : null;
  const courseId = classLink?.moodle_id ?? 0;
  const push = (course: number) =>
    applyDashboardRecord(run, {
      entity: 'grade',
      zohoId,
      link,
      mapped: mapDashboardGrade(grade, { userId: userId ?? 0, courseId: course }),
      userId,
      dependencies,
    });
  try {
    return await push(courseId);
  } catch (error) {
    // The linked course was deleted in Moodle: keep the grade visible, without its course.
    if (!(error instanceof DashboardRecordError && error.errorcode === 'coursenotfound' && courseId !== 0)) throw error;
    const result = await push(0);
    return {
      ...result,
      warnings: [
        ...(result.warnings ?? []),
        `course ${courseId} of class ${grade.class?.id ?? ''} no longer exists in Moodle; grade stored without a course`,
      ],
    };
  }
}
