import type { ZohoGrade } from '../zoho/zohoRecordSchemas.ts';
import type { DashboardLearningOutcome, MappedDashboardRecord } from './dashboardRecords.ts';
import { pluginText } from './pluginValues.ts';

const MODULE = 'BTEC_Grades';

/** Words in `LO_Score` that mean the criterion was met (contract §1.9.1: what the predecessor's dashboard accepted). */
const ACHIEVED_WORDS = ['yes', 'y', 'true', 'achieved', 'pass', 'passed', 'p', 'm', 'd'];

/**
 * Whether a learning outcome was achieved, from its `LO_Score` text: a number above 0 (the
 * Moodle → Zoho flow writes the BTEC filling score, > 0 = achieved), or one of the words
 * above (case-insensitive). Empty, 0, negative, "No", "R" … are not achieved.
 */
export function isAchieved(score: string | null): boolean {
  if (score === null) return false;
  const text = score.trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) return Number(text) > 0;
  return ACHIEVED_WORDS.includes(text.toLowerCase());
}

/**
 * A BTEC_Grades record → the dashboard's copy of it, with its `Learning_Outcomes_Assessm`
 * rows in Zoho's order. `courseId` is the class's Moodle course when the service knows it
 * (0 otherwise). A row's code is `LO_Code`, else `LO_Outcome_Identification` (the writer puts
 * the same code in both); a row with neither cannot be shown and is left out with a warning.
 * The dashboard itself shows only grades whose `Grade_Status` is `Released`.
 */
export function mapDashboardGrade(
  grade: ZohoGrade,
  ids: { userId: number; courseId: number },
): MappedDashboardRecord<'grade'> {
  const warnings: string[] = [];
  const learningoutcomes: DashboardLearningOutcome[] = [];
  grade.learningOutcomes.forEach((row, index) => {
    const code = (row.code ?? row.outcomeIdentification ?? '').trim();
    if (code === '') {
      warnings.push(`${MODULE} ${grade.id}: Learning_Outcomes_Assessm[${index}] has no LO_Code; row left out`);
      return;
    }
    learningoutcomes.push({
      code: pluginText(code),
      title: pluginText(row.title),
      definition: pluginText(row.definition),
      score: pluginText(row.score),
      feedback: pluginText(row.feedback),
      achieved: isAchieved(row.score),
    });
  });
  return {
    record: {
      zohoid: grade.id,
      userid: ids.userId,
      courseid: ids.courseId,
      classzohoid: grade.class?.id ?? '',
      classname: pluginText(grade.class?.name || grade.className),
      unitname: pluginText(grade.unitName),
      gradename: pluginText(grade.gradeName),
      grade: grade.grade ?? '',
      gradestatus: grade.gradeStatus ?? '',
      attemptno: Math.max(0, grade.attemptNumber ?? 0),
      attemptdate: grade.attemptDate ?? '',
      feedback: pluginText(grade.feedback),
      gradername: pluginText(grade.graderName),
      ivname: pluginText(grade.ivName),
      learningoutcomes,
    },
    warnings,
  };
}
