import t from 'tap';
import {
  withFieldOverrides,
  ZOHO_FIELD_MAPPINGS,
  ZOHO_FIELD_TYPES,
  ZOHO_MODULE_NAMES,
  ZohoFieldOverrideError,
  type ZohoFieldSpec,
} from '../../../../shared/domain/zoho/fieldMappings.ts';
import type {
  ZohoClass,
  ZohoEnrollment,
  ZohoGrade,
  ZohoInstallment,
  ZohoStudent,
} from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';

/**
 * One mapping per Zoho module, as data, holding only API names the college's field export
 * contains; configuration may rename API names, and a rename of something unknown is refused.
 */

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_: T) => undefined;
// The record types follow the mapping exactly (checked by tsc, not at run time).
assertType<
  Equal<
    ZohoStudent['status'],
    | 'Pending'
    | 'Passive'
    | 'Enrollment Form'
    | 'approved'
    | 'approved-conditional'
    | 'Active'
    | 'Freezed'
    | 'Withdraw'
    | 'Graduated'
    | 'Blocked'
    | 'Revive'
    | 'Welcome Letter Sent'
    | 'Student Certificate Sent'
    | 'Graduate Form Sent'
    | 'Account Creation'
    | 'Registered'
    | 'Unregistered'
    | (string & {})
    | null
  >
>(true);
assertType<Equal<ZohoGrade['grade'], 'D' | 'M' | 'P' | 'R' | 'RR' | 'F' | 'Mapped' | (string & {}) | null>>(true);
assertType<Equal<ZohoClass['program'], { id: string; name: string } | null>>(true);
assertType<Equal<ZohoEnrollment['student'], { id: string; name: string }>>(true);
assertType<Equal<ZohoGrade['attemptNumber'], number | null>>(true);
assertType<
  Equal<
    ZohoInstallment,
    {
      id: string;
      installmentNumber: number | null;
      dueDate: string | null;
      amount: string | null;
      status: string | null;
      paidDate: string | null;
    }
  >
>(true);

const allSpecs = (): [where: string, spec: ZohoFieldSpec][] =>
  ZOHO_MODULE_NAMES.flatMap((module) =>
    Object.entries(ZOHO_FIELD_MAPPINGS[module] as Record<string, ZohoFieldSpec>).flatMap(
      ([property, spec]): [string, ZohoFieldSpec][] => [
        [`${module}.${property}`, spec],
        ...(spec.type === 'subform'
          ? Object.entries(spec.subform).map(([row, column]): [string, ZohoFieldSpec] => [
              `${module}.${property}.${row}`,
              column,
            ])
          : []),
      ],
    ),
  );

t.test('the default mapping holds the API names of the export', async (t) => {
  const expected: [module: keyof typeof ZOHO_FIELD_MAPPINGS, property: string, apiName: string][] = [
    ['BTEC_Students', 'academicEmail', 'Academic_Email'],
    ['BTEC_Students', 'status', 'Status'],
    ['BTEC_Students', 'moodleId', 'Student_Moodle_ID'],
    ['BTEC_Students', 'phone', 'Phone_Number'],
    ['BTEC_Students', 'nationalNumber', 'National_Number'],
    ['BTEC_Teachers', 'moodleId', 'Teacher_Moodle_ID'],
    ['Products', 'name', 'Product_Name'],
    ['Products', 'moodleCategoryId', 'MoodleID'],
    ['BTEC', 'p10Description', 'P10_description'],
    ['BTEC', 'm9Description', 'M9_description'],
    ['BTEC', 'd6Description', 'D6_description'],
    ['BTEC', 'gradingTemplateP1', 'BTEC_Grading_Template_P1'],
    ['BTEC_Classes', 'name', 'Class_Name'],
    ['BTEC_Classes', 'shortName', 'Class_Short_Name'],
    ['BTEC_Classes', 'status', 'Class_Status'],
    ['BTEC_Classes', 'program', 'BTEC_Program'],
    ['BTEC_Classes', 'teacher', 'Teacher'],
    ['BTEC_Classes', 'unit', 'Unit'],
    ['BTEC_Classes', 'startDate', 'Start_Date'],
    ['BTEC_Classes', 'endDate', 'End_Date'],
    ['BTEC_Classes', 'moodleClassId', 'Moodle_Class_ID'],
    ['BTEC_Enrollments', 'student', 'Enrolled_Students'],
    ['BTEC_Enrollments', 'class', 'Classes'],
    ['BTEC_Registrations', 'student', 'Student_ID'],
    ['BTEC_Registrations', 'program', 'Program'],
    ['BTEC_Registrations', 'paymentSchedule', 'Payment_Schedule'],
    ['BTEC_Payments', 'registration', 'Registration_ID'],
    ['BTEC_Payments', 'amount', 'Payment_Amount'],
    ['BTEC_Payments', 'voucherNumber', 'SRM_Voucher_Number'],
    ['BTEC_Grades', 'compositeKey', 'Moodle_Grade_Composite_Key'],
    ['BTEC_Grades', 'grade', 'Grade'],
    ['BTEC_Grades', 'gradeStatus', 'Grade_Status'],
    ['BTEC_Grades', 'attemptNumber', 'Attempt_Number'],
    ['BTEC_Grades', 'feedback', 'Feedback'],
    ['BTEC_Grades', 'student', 'Student'],
    ['BTEC_Grades', 'class', 'Class'],
    ['BTEC_Grades', 'ivName', 'IV_Name'],
    ['BTEC_Grades', 'graderName', 'Grader_Name'],
    ['BTEC_Grades', 'learningOutcomes', 'Learning_Outcomes_Assessm'],
  ];
  for (const [module, property, apiName] of expected) {
    const mapping: Record<string, ZohoFieldSpec> = ZOHO_FIELD_MAPPINGS[module];
    t.equal(mapping[property]?.apiName, apiName, `${module}.${property}`);
  }
  t.same(
    Object.values(ZOHO_FIELD_MAPPINGS.BTEC_Grades.learningOutcomes.subform).map((c) => c.apiName),
    ['LO_Code', 'LO_Outcome_Identification', 'LO_Title', 'LO_Definition', 'LO_Score', 'LO_Feedback'],
  );
  t.same(
    Object.values(ZOHO_FIELD_MAPPINGS.BTEC.gradingTemplateP1.subform).map((c) => c.apiName),
    ['P11', 'P12', 'P13', 'P14', 'P15', 'P16', 'P17', 'P18', 'P19', 'P20'].map((p) => `${p}_description`),
  );
  t.same(ZOHO_FIELD_MAPPINGS.BTEC_Grades.grade.picklist, ['D', 'M', 'P', 'R', 'RR', 'F', 'Mapped']);
});

t.test('names the export does not contain are not mapped', async (t) => {
  const absent = [
    'Total_Fees',
    'Paid_Amount',
    'Expected_Graduation',
    'Payment_Status',
    'Voucher_Number',
    'Enrollment_Status',
    'Class_Major',
    'Assignment_Name',
    'IV_Moodle_ID',
    'Grader_Moodle_ID',
    'Phone',
    'Mobile',
    'Photo',
    '$Photo_id',
    'National_ID_Number',
    'Student_ID_Number',
    'Amount',
    'Currency_Symbol',
    'Number_of_Installments',
    'Class_Code',
  ];
  const apiNames = new Set(allSpecs().map(([, spec]) => spec.apiName));
  for (const name of absent) t.notOk(apiNames.has(name), name);
});

t.test('every spec is well formed and API names are unique per module and subform', async (t) => {
  for (const [where, spec] of allSpecs()) {
    t.ok((ZOHO_FIELD_TYPES as readonly string[]).includes(spec.type), `${where} type`);
    if (spec.type !== 'subform' && spec.picklist) {
      t.ok(spec.picklist.length > 0 && !spec.picklist.includes('-None-'), `${where} picklist`);
    }
  }
  t.doesNotThrow(() =>
    withFieldOverrides(ZOHO_FIELD_MAPPINGS, Object.fromEntries(ZOHO_MODULE_NAMES.map((m) => [m, {}]))),
  );
  t.ok(ZOHO_FIELD_MAPPINGS.BTEC_Enrollments.class.required && ZOHO_FIELD_MAPPINGS.BTEC_Enrollments.student.required);
});

t.test('overrides rename API names and leave the defaults untouched', async (t) => {
  const renamed = withFieldOverrides(ZOHO_FIELD_MAPPINGS, {
    BTEC_Classes: { moodleClassId: 'LMS_Course_ID' },
    BTEC_Grades: { 'learningOutcomes.score': 'LO_Points' },
  });
  t.equal(renamed.BTEC_Classes.moodleClassId.apiName, 'LMS_Course_ID');
  t.equal(renamed.BTEC_Classes.moodleClassId.type, 'text');
  t.equal(renamed.BTEC_Grades.learningOutcomes.subform.score.apiName, 'LO_Points');
  t.equal(renamed.BTEC_Grades.learningOutcomes.subform.code.apiName, 'LO_Code');
  t.equal(ZOHO_FIELD_MAPPINGS.BTEC_Classes.moodleClassId.apiName, 'Moodle_Class_ID');
  t.equal(ZOHO_FIELD_MAPPINGS.BTEC_Grades.learningOutcomes.subform.score.apiName, 'LO_Score');
  t.same(renamed.BTEC_Students, ZOHO_FIELD_MAPPINGS.BTEC_Students, 'modules without overrides are unchanged');
});

t.test('an override of something unknown or unusable is refused, naming it', async (t) => {
  const cases: [overrides: Record<string, Record<string, string>>, message: string][] = [
    [{ BTEC_Units: { name: 'Unit_Name' } }, 'unknown Zoho module in field overrides: BTEC_Units'],
    [{ BTEC_Students: { academicMail: 'Mail' } }, 'unknown property in field overrides: BTEC_Students.academicMail'],
    [{ BTEC_Students: { toString: 'X' } }, 'unknown property in field overrides: BTEC_Students.toString'],
    [
      { BTEC_Students: { 'academicEmail.x': 'X' } },
      'unknown property in field overrides: BTEC_Students.academicEmail.x',
    ],
    [
      { BTEC_Registrations: { 'paymentSchedule.total': 'Total' } },
      'unknown property in field overrides: BTEC_Registrations.paymentSchedule.total',
    ],
    [
      { BTEC_Registrations: { 'paymentSchedule.amount.x': 'X' } },
      'unknown property in field overrides: BTEC_Registrations.paymentSchedule.amount.x',
    ],
    [{ BTEC_Students: { academicEmail: '' } }, 'BTEC_Students.academicEmail: override is not a valid Zoho API name'],
    [
      { BTEC_Students: { academicEmail: 'Academic Email' } },
      'BTEC_Students.academicEmail: override is not a valid Zoho API name',
    ],
    [
      { BTEC_Students: { academicEmail: 42 as unknown as string } },
      'BTEC_Students.academicEmail: override is not a valid Zoho API name',
    ],
    [{ BTEC_Students: { academicEmail: 'Email' } }, 'BTEC_Students: two properties read the API name Email'],
    [{ BTEC_Students: { academicEmail: 'id' } }, 'BTEC_Students: two properties read the API name id'],
    [
      { BTEC_Grades: { 'learningOutcomes.title': 'LO_Code' } },
      'BTEC_Grades.learningOutcomes: two properties read the API name LO_Code',
    ],
  ];
  for (const [overrides, message] of cases) {
    t.throws(() => withFieldOverrides(ZOHO_FIELD_MAPPINGS, overrides), new ZohoFieldOverrideError(message), message);
  }
  t.ok(
    withFieldOverrides(ZOHO_FIELD_MAPPINGS, { BTEC_Students: { academicEmail: 'Email', email: 'Academic_Email' } }),
    'a swap is fine',
  );
});
