import t from 'tap';
import { isAchieved, mapDashboardGrade } from '../../../../shared/domain/dashboard/mapDashboardGrade.ts';
import { parseZohoRecord } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { gradeRecord, IDS } from '../zoho/sampleRecords.ts';

/** BTEC_Grades → the dashboard's copy, with learning-outcome rows and an achieved flag decided here. */

const parse = (edit: Record<string, unknown> = {}) => parseZohoRecord('BTEC_Grades', { ...gradeRecord(), ...edit });

t.test('a released grade with its outcomes', async (t) => {
  t.same(mapDashboardGrade(parse(), { userId: 9, courseId: 12 }), {
    record: {
      zohoid: IDS.grade,
      userid: 9,
      courseid: 12,
      classzohoid: IDS.class,
      classname: 'Networking - L5 - T1 2026',
      unitname: 'Unit 2: Networking',
      gradename: 'Leyla Quahog - Networking - L5 - T1 2026 - M - 2026-03-01',
      grade: 'M',
      gradestatus: 'Released',
      attemptno: 1,
      attemptdate: '2026-03-01',
      feedback: 'Good network design; justify the VLAN choice.',
      gradername: 'Dr. Selim Example',
      ivname: '',
      learningoutcomes: [
        {
          code: 'P1',
          title: 'Explain protocols',
          definition: 'Explain protocols',
          score: '1',
          feedback: 'Clear',
          achieved: true,
        },
        { code: 'M1', title: 'Analyse', definition: 'Analyse', score: '1', feedback: '', achieved: true },
        { code: 'D1', title: 'Evaluate', definition: 'Evaluate', score: '0', feedback: '', achieved: false },
      ],
    },
    warnings: [],
  });
});

const SCORES: [score: string | null, achieved: boolean][] = [
  ['1', true],
  ['2', true],
  ['0.5', true],
  ['0', false],
  ['-1', false],
  [null, false],
  ['', false],
  ['Yes', true],
  ['achieved', true],
  ['P', true],
  ['m', true],
  ['D', true],
  ['Pass', true],
  ['No', false],
  ['R', false],
  ['RR', false],
  ['F', false],
  ['n/a', false],
];
for (const [score, achieved] of SCORES) {
  t.test(`LO_Score ${JSON.stringify(score)} → achieved ${achieved}`, async (t) => t.equal(isAchieved(score), achieved));
}

t.test(
  'rows: code from LO_Outcome_Identification when LO_Code is empty; no code at all → left out, with a warning',
  async (t) => {
    const { record, warnings } = mapDashboardGrade(
      parse({
        Learning_Outcomes_Assessm: [
          { id: '1', LO_Code: null, LO_Outcome_Identification: 'P2', LO_Score: 1 },
          { id: '2', LO_Code: ' ', LO_Outcome_Identification: null, LO_Title: 'orphan' },
        ],
      }),
      { userId: 1, courseId: 0 },
    );
    t.same(record.learningoutcomes, [
      { code: 'P2', title: '', definition: '', score: '1', feedback: '', achieved: true },
    ]);
    t.same(warnings, [`BTEC_Grades ${IDS.grade}: Learning_Outcomes_Assessm[1] has no LO_Code; row left out`]);
  },
);

t.test('no class lookup: the Class_Name text, course 0; no grade yet: ""', async (t) => {
  const { record } = mapDashboardGrade(
    parse({ Class: null, Grade: null, Grade_Status: null, Attempt_Number: null, Learning_Outcomes_Assessm: null }),
    { userId: 1, courseId: 0 },
  );
  t.match(record, {
    classzohoid: '',
    classname: 'Networking - L5 - T1 2026',
    courseid: 0,
    grade: '',
    gradestatus: '',
    attemptno: 0,
    learningoutcomes: [],
  });
});
