import t from 'tap';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import {
  withFieldOverrides,
  ZOHO_FIELD_MAPPINGS,
  type ZohoModuleName,
} from '../../../../shared/domain/zoho/fieldMappings.ts';
import {
  buildRecordSchema,
  parseZohoRecord,
  ZohoRecordError,
  type ZohoGrade,
  type ZohoRegistration,
  type ZohoStudent,
} from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import {
  classRecord,
  enrollmentRecord,
  gradeRecord,
  IDS,
  paymentRecord,
  programRecord,
  registrationRecord,
  studentRecord,
  teacherRecord,
  unitRecord,
} from './sampleRecords.ts';

/**
 * Zoho records are read into canonical objects through the per-module mapping. A bad record
 * is a PermanentError that names every bad field and never repeats a value.
 */

/** Calls fn and returns the ZohoRecordError it must throw. */
function recordError(fn: () => unknown): ZohoRecordError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ZohoRecordError) return error;
    throw error;
  }
  throw new Error('expected a ZohoRecordError, but the record parsed');
}

const PROGRAM = { id: IDS.program, name: 'HND in Computing' };
const STUDENT = { id: IDS.student, name: 'ST-2026-0042' };
const CLASS = { id: IDS.class, name: 'Networking - L5 - T1 2026' };

const MODULE_CASES: {
  module: ZohoModuleName;
  raw: () => Record<string, unknown>;
  expected: Record<string, unknown>;
}[] = [
  {
    module: 'BTEC_Students',
    raw: studentRecord,
    expected: {
      id: IDS.student,
      studentNumber: 'ST-2026-0042',
      firstName: 'Leyla',
      lastName: 'Quahog',
      academicEmail: 'leyla.quahog@students.college.example',
      phone: '+90 555 010 2030',
      birthDate: '2001-04-17',
      gender: 'Female',
      status: 'Active',
      major: 'Computing',
      subMajor: 'Cyber Security',
      nationality: 'Syria',
      moodleId: '4242',
      syncedToMoodle: true,
      lastSyncDate: '2026-02-11T08:00:00+03:00',
      studyMode: 'Online',
      program: PROGRAM,
      createdTime: '2026-01-05T09:12:44+03:00',
    },
  },
  {
    module: 'BTEC_Teachers',
    raw: teacherRecord,
    expected: {
      id: IDS.teacher,
      name: 'Dr. Selim Example',
      academicEmail: 'selim.example@college.example',
      moodleId: '77',
    },
  },
  {
    module: 'Products',
    raw: programRecord,
    expected: {
      id: IDS.program,
      name: 'HND in Computing',
      moodleCategoryId: '12',
      extensionMoodleId: 12,
      price: '4400.00',
      unitPrice: '350.50',
      status: 'Approved',
      major: 'IT',
      award: 'None',
      description: null,
    },
  },
  {
    module: 'BTEC',
    raw: unitRecord,
    expected: {
      id: IDS.unit,
      name: 'Unit 2: Networking',
      p1Description: 'Pass criterion 1',
      p10Description: 'Pass criterion 10',
      m4Description: 'Merit criterion 4',
      m9Description: null,
      d2Description: 'Distinction criterion 2',
      d6Description: null,
      unitLevel: 'Level 5',
      program: PROGRAM,
      lastSyncWithMoodle: '2026-02-01T10:00:00+00:00',
    },
  },
  {
    module: 'BTEC_Classes',
    raw: classRecord,
    expected: {
      id: IDS.class,
      recordNumber: 'CLS-00318',
      name: 'Networking - L5 - T1 2026',
      shortName: 'NET-L5-T1-26',
      status: 'Active',
      program: PROGRAM,
      teacher: { id: IDS.teacher, name: 'Dr. Selim Example' },
      unit: { id: IDS.unit, name: 'Unit 2: Networking' },
      startDate: '2026-02-02',
      endDate: '2026-05-29',
      moodleClassId: null,
      term: 'T1',
    },
  },
  {
    module: 'BTEC_Enrollments',
    raw: enrollmentRecord,
    expected: {
      id: IDS.enrollment,
      student: STUDENT,
      class: CLASS,
      startDate: '2026-02-02',
      endDate: null,
      enrollmentType: 'Normal',
      moodleCourseId: null,
      syncedToMoodle: false,
    },
  },
  {
    module: 'BTEC_Registrations',
    raw: registrationRecord,
    expected: {
      id: IDS.registration,
      student: STUDENT,
      program: PROGRAM,
      registrationStatus: 'Active',
      programPrice: '4400.00',
      remainingAmount: '1200.50',
      currency: 'USD',
      discountPercentage: null,
    },
  },
  {
    module: 'BTEC_Payments',
    raw: paymentRecord,
    expected: {
      id: IDS.payment,
      paymentNumber: 'PAY-03310',
      registration: { id: IDS.registration, name: 'REG-00211' },
      student: STUDENT,
      amount: '1699.50',
      paymentDate: '2025-12-20',
      method: 'Bank Transfer',
      installmentNumber: 2,
      originalAmount: '55000.00',
      voucherNumber: 'V-7781',
    },
  },
  {
    module: 'BTEC_Grades',
    raw: gradeRecord,
    expected: {
      id: IDS.grade,
      compositeKey: '4242_318_977',
      grade: 'M',
      gradeStatus: 'Released',
      attemptNumber: 1,
      attemptDate: '2026-03-01',
      graderName: 'Dr. Selim Example',
      ivName: null,
      student: STUDENT,
      class: CLASS,
      unitName: 'Unit 2: Networking',
    },
  },
];

t.test('each module reads a realistic record into canonical properties', async (t) => {
  for (const { module, raw, expected } of MODULE_CASES) {
    const parsed = parseZohoRecord(module, raw()) as Record<string, unknown>;
    t.match(parsed, expected, module);
    t.same(
      Object.keys(parsed).sort(),
      ['id', ...Object.keys(ZOHO_FIELD_MAPPINGS[module])].sort(),
      `${module}: exactly id + mapped properties`,
    );
  }
});

t.test('fields outside the mapping are ignored, and missing optional fields read as null', async (t) => {
  const student: ZohoStudent = parseZohoRecord('BTEC_Students', studentRecord());
  t.notOk('Academic_Password' in student || 'Owner' in student || 'Classes' in student);
  const minimal = parseZohoRecord('BTEC_Students', { id: IDS.student });
  t.equal(minimal.academicEmail, null);
  t.equal(minimal.program, null);
  t.equal(minimal.syncedToMoodle, null);
});

t.test('empty strings and -None- read as null', async (t) => {
  const student = parseZohoRecord('BTEC_Students', {
    ...studentRecord(),
    City: '',
    Gender: '-None-',
    Email: '  ',
    Birth_Date: '',
  });
  t.same([student.city, student.gender, student.email, student.birthDate], [null, null, null, null]);
});

t.test('picklists read any text: whether the org knows a value is checked after parsing', async (t) => {
  const cases: { module: ZohoModuleName; field: string; property: string; value: string }[] = [
    { module: 'BTEC_Students', field: 'Status', property: 'status', value: 'On Leave' },
    { module: 'BTEC_Classes', field: 'Class_Status', property: 'status', value: 'Closed' },
    { module: 'BTEC_Grades', field: 'Grade', property: 'grade', value: 'D*' },
    { module: 'BTEC_Payments', field: 'Payment_Method', property: 'method', value: 'Card' },
  ];
  const samples: Record<string, () => Record<string, unknown>> = {
    BTEC_Students: studentRecord,
    BTEC_Classes: classRecord,
    BTEC_Grades: gradeRecord,
    BTEC_Payments: paymentRecord,
  };
  for (const { module, field, property, value } of cases) {
    const record = parseZohoRecord(module, { ...samples[module]!(), [field]: value }) as unknown as Record<
      string,
      unknown
    >;
    t.equal(record[property], value, `${module}.${field} = ${JSON.stringify(value)} kept`);
  }
  const error = recordError(() => parseZohoRecord('BTEC_Enrollments', { ...enrollmentRecord(), Enrollment_Type: 3 }));
  t.same(
    error.problems,
    [{ field: 'Enrollment_Type', reason: 'is not a picklist value (text)' }],
    'a value that is no text is still refused',
  );
  t.equal(
    parseZohoRecord('BTEC_Students', { ...studentRecord(), Status: '-None-' }).status,
    null,
    "Zoho's empty choice reads as null",
  );
});

t.test('lookups read as { id, name } or null', async (t) => {
  const cases: { value: unknown; expected?: unknown; reason?: string }[] = [
    { value: { name: 'Dr. Selim Example', id: IDS.teacher }, expected: { id: IDS.teacher, name: 'Dr. Selim Example' } },
    { value: { id: IDS.teacher, name: 'X', module: 'BTEC_Teachers' }, expected: { id: IDS.teacher, name: 'X' } },
    { value: { id: IDS.teacher }, expected: { id: IDS.teacher, name: '' } },
    { value: null, expected: null },
    { value: undefined, expected: null },
    { value: IDS.teacher, reason: 'is not a lookup ({ name, id })' },
    { value: [{ id: IDS.teacher, name: 'X' }], reason: 'is not a lookup ({ name, id })' },
    // eslint-disable-next-line no-loss-of-precision -- a number JSON cannot carry exactly is the input under test
    { value: { name: 'X', id: 5843210000002345678 }, reason: 'has a lookup id that is not a Zoho record id' },
    { value: { name: 'X', id: '${BTEC_Teachers.Id}' }, reason: 'has a lookup id that is not a Zoho record id' },
    { value: { name: 42, id: IDS.teacher }, reason: 'has a lookup name that is not text' },
  ];
  for (const { value, expected, reason } of cases) {
    const raw = { ...classRecord(), Teacher: value };
    if (reason === undefined) t.same(parseZohoRecord('BTEC_Classes', raw).teacher, expected, JSON.stringify(value));
    else
      t.same(
        recordError(() => parseZohoRecord('BTEC_Classes', raw)).problems,
        [{ field: 'Teacher', reason }],
        JSON.stringify(value),
      );
  }
});

t.test('required lookups of an enrollment must be present', async (t) => {
  const error = recordError(() =>
    parseZohoRecord('BTEC_Enrollments', { ...enrollmentRecord(), Classes: null, Enrolled_Students: undefined }),
  );
  t.same(error.problems, [
    { field: 'Enrolled_Students', reason: 'is required but empty' },
    { field: 'Classes', reason: 'is required but empty' },
  ]);
});

t.test('scalar types are checked', async (t) => {
  const cases: {
    module: ZohoModuleName;
    raw: () => Record<string, unknown>;
    field: string;
    value: unknown;
    reason: string;
  }[] = [
    {
      module: 'BTEC_Classes',
      raw: classRecord,
      field: 'Start_Date',
      value: '2026-02-30',
      reason: 'is not a date (YYYY-MM-DD)',
    },
    {
      module: 'BTEC_Classes',
      raw: classRecord,
      field: 'Start_Date',
      value: '02/02/2026',
      reason: 'is not a date (YYYY-MM-DD)',
    },
    {
      module: 'BTEC_Classes',
      raw: classRecord,
      field: 'Start_Date',
      value: '2026-02-02T00:00:00+03:00',
      reason: 'is not a date (YYYY-MM-DD)',
    },
    {
      module: 'BTEC_Students',
      raw: studentRecord,
      field: 'Last_Sync_Date',
      value: '2026-02-11T08:00:00',
      reason: 'is not a datetime with offset (YYYY-MM-DDTHH:MM:SS±HH:MM)',
    },
    {
      module: 'BTEC_Students',
      raw: studentRecord,
      field: 'Modified_Time',
      value: '2026-13-11T08:00:00Z',
      reason: 'is not a datetime with offset (YYYY-MM-DDTHH:MM:SS±HH:MM)',
    },
    {
      module: 'BTEC_Students',
      raw: studentRecord,
      field: 'Academic_Email',
      value: 'not-an-email',
      reason: 'is not a valid e-mail address',
    },
    {
      module: 'BTEC_Students',
      raw: studentRecord,
      field: 'Synced_to_Moodle',
      value: 'true',
      reason: 'is not a boolean',
    },
    { module: 'BTEC_Students', raw: studentRecord, field: 'First_Name', value: 42, reason: 'is not text' },
    {
      module: 'BTEC_Students',
      raw: studentRecord,
      field: 'Phone_Number',
      value: '+90 555 010 2030 ext 1234567890123',
      reason: 'is longer than 30 characters',
    },
    { module: 'BTEC_Grades', raw: gradeRecord, field: 'Attempt_Number', value: 1.5, reason: 'is not an integer' },
    {
      module: 'BTEC_Grades',
      raw: gradeRecord,
      field: 'Feedback',
      value: 'x'.repeat(2001),
      reason: 'is longer than 2000 characters',
    },
    { module: 'Products', raw: programRecord, field: 'Product_Name', value: '', reason: 'is required but empty' },
    { module: 'BTEC_Teachers', raw: teacherRecord, field: 'Name', value: null, reason: 'is required but empty' },
    {
      module: 'BTEC_Payments',
      raw: paymentRecord,
      field: 'Payment_Amount',
      value: '12,50',
      reason: 'is not money: it uses a decimal comma, which is ambiguous (use "." for decimals)',
    },
    {
      module: 'BTEC_Payments',
      raw: paymentRecord,
      field: 'Payment_Amount',
      value: 10.005,
      reason: 'is not money: it has more than 2 decimal places',
    },
  ];
  for (const { module, raw, field, value, reason } of cases) {
    const error = recordError(() => parseZohoRecord(module, { ...raw(), [field]: value }));
    t.same(error.problems, [{ field, reason }], `${module}.${field}`);
  }
  t.equal(
    parseZohoRecord('BTEC_Grades', { ...gradeRecord(), Attempt_Number: '2' }).attemptNumber,
    2,
    'an integer may arrive as digits',
  );
  t.equal(parseZohoRecord('BTEC_Grades', { ...gradeRecord(), Feedback: 'x'.repeat(2000) }).feedback?.length, 2000);
  t.equal(
    parseZohoRecord('BTEC_Students', { ...studentRecord(), Last_Sync_Date: '2026-02-11T05:00:00.123Z' }).lastSyncDate,
    '2026-02-11T05:00:00.123Z',
  );
});

t.test('the record id must be a Zoho record id', async (t) => {
  // eslint-disable-next-line no-loss-of-precision -- a number JSON cannot carry exactly is the input under test
  for (const id of [undefined, '', 5843210000001234567, 'abc', '${!BTEC_Students.Id}']) {
    const error = recordError(() => parseZohoRecord('BTEC_Students', { ...studentRecord(), id }));
    t.equal(error.recordId, null, String(id));
    t.equal(error.problems[0]?.field, 'id');
    t.match(error.message, /^BTEC_Students <no valid id>: id /);
  }
  for (const raw of [null, 'x', [studentRecord()]]) {
    const error = recordError(() => parseZohoRecord('BTEC_Students', raw));
    t.same(error.problems, [{ field: '', reason: 'is not a record object' }]);
    t.equal(error.message, 'BTEC_Students <no valid id>: record is not a record object');
  }
});

t.test('registration installments read from the Payment_Schedule subform', async (t) => {
  const registration: ZohoRegistration = parseZohoRecord('BTEC_Registrations', registrationRecord());
  t.same(registration.paymentSchedule, [
    {
      id: '5843210000007890001',
      installmentNumber: 1,
      dueDate: '2025-09-15',
      amount: '1500.00',
      status: 'Paid',
      paidDate: '2025-09-10',
    },
    {
      id: '5843210000007890002',
      installmentNumber: 2,
      dueDate: '2025-12-15',
      amount: '1699.50',
      status: 'Paid',
      paidDate: '2025-12-20',
    },
    {
      id: '5843210000007890003',
      installmentNumber: 3,
      dueDate: '2026-03-15',
      amount: '1200.50',
      status: 'Pending',
      paidDate: null,
    },
  ]);
  for (const empty of [null, undefined, []]) {
    t.same(
      parseZohoRecord('BTEC_Registrations', { ...registrationRecord(), Payment_Schedule: empty }).paymentSchedule,
      [],
      `${String(empty)} → []`,
    );
  }
});

t.test('a bad subform row is named by index and column', async (t) => {
  const raw = registrationRecord();
  const rows = raw.Payment_Schedule as Record<string, unknown>[];
  rows[1]!.Installment_Amount = 'twelve hundred';
  rows[2]!.Due_Date = '15.03.2026';
  delete rows[0]!.id;
  const error = recordError(() => parseZohoRecord('BTEC_Registrations', raw));
  t.same(error.problems, [
    { field: 'Payment_Schedule[0].id', reason: 'is missing' },
    { field: 'Payment_Schedule[1].Installment_Amount', reason: 'is not money: it is not a money amount' },
    { field: 'Payment_Schedule[2].Due_Date', reason: 'is not a date (YYYY-MM-DD)' },
  ]);
  const notList = recordError(() =>
    parseZohoRecord('BTEC_Registrations', { ...registrationRecord(), Payment_Schedule: { id: '1' } }),
  );
  t.same(notList.problems, [{ field: 'Payment_Schedule', reason: 'is not a list of subform rows' }]);
  const notRow = recordError(() =>
    parseZohoRecord('BTEC_Registrations', { ...registrationRecord(), Payment_Schedule: ['row'] }),
  );
  t.same(notRow.problems, [{ field: 'Payment_Schedule[0]', reason: 'is not a subform row' }]);
});

t.test('P11+ pass criteria read from the BTEC_Grading_Template_P1 subform', async (t) => {
  const unit = parseZohoRecord('BTEC', unitRecord());
  t.equal(unit.gradingTemplateP1.length, 2);
  t.match(unit.gradingTemplateP1[0], {
    id: '5843210000004560001',
    p11Description: 'Configure a VLAN',
    p12Description: 'Document the test plan',
    p13Description: null,
    p20Description: null,
  });
  t.match(unit.gradingTemplateP1[1], {
    id: '5843210000004560002',
    p13Description: 'Evaluate the topology',
    p14Description: null,
  });
});

t.test('learning outcomes read from the Learning_Outcomes_Assessm subform', async (t) => {
  const grade: ZohoGrade = parseZohoRecord('BTEC_Grades', gradeRecord());
  t.same(grade.learningOutcomes, [
    {
      id: '5843210000009010001',
      code: 'P1',
      outcomeIdentification: 'P1',
      title: 'Explain protocols',
      definition: 'Explain protocols',
      score: '1',
      feedback: 'Clear',
    },
    {
      id: '5843210000009010002',
      code: 'M1',
      outcomeIdentification: 'M1',
      title: 'Analyse',
      definition: 'Analyse',
      score: '1',
      feedback: null,
    },
    {
      id: '5843210000009010003',
      code: 'D1',
      outcomeIdentification: 'D1',
      title: 'Evaluate',
      definition: 'Evaluate',
      score: '0',
      feedback: null,
    },
  ]);
  const bad = gradeRecord();
  (bad.Learning_Outcomes_Assessm as Record<string, unknown>[])[2]!.LO_Score = { value: 1 };
  t.same(recordError(() => parseZohoRecord('BTEC_Grades', bad)).problems, [
    { field: 'Learning_Outcomes_Assessm[2].LO_Score', reason: 'is not text or a number' },
  ]);
});

t.test('a rejected record is a PermanentError naming every bad field and no value', async (t) => {
  const secrets = {
    Academic_Email: 'leyla.quahog-at-students',
    Status: 'Leyla Quahog Secret Status',
    Birth_Date: '17/04/2001',
    Phone_Number: 99912345678,
    Program: { name: 'Leyla Quahog', id: 'Leyla' },
    Synced_to_Moodle: 'Leyla Quahog',
  };
  const error = recordError(() => parseZohoRecord('BTEC_Students', { ...studentRecord(), ...secrets }));
  t.ok(error instanceof PermanentError);
  t.equal(error.code, 'zoho.invalid_record');
  t.equal(error.recordId, IDS.student);
  t.equal(
    error.message,
    `BTEC_Students ${IDS.student}: Academic_Email is not a valid e-mail address; Phone_Number is not text; ` +
      'Birth_Date is not a date (YYYY-MM-DD); ' +
      'Synced_to_Moodle is not a boolean; Program has a lookup id that is not a Zoho record id',
  );
  const everything = JSON.stringify({ message: error.message, problems: error.problems, cause: String(error.cause) });
  for (const value of ['leyla', 'Quahog', '17/04', '99912345678', 'Secret']) {
    t.notOk(everything.toLowerCase().includes(value.toLowerCase()), `does not contain ${value}`);
  }
});

t.test('a renamed API name from overrides is read', async (t) => {
  const mappings = withFieldOverrides(ZOHO_FIELD_MAPPINGS, {
    BTEC_Students: { academicEmail: 'College_Email', moodleId: 'LMS_User_ID' },
    BTEC_Registrations: { 'paymentSchedule.amount': 'Amount' },
  });
  const raw = { ...studentRecord(), College_Email: 'other@college.example', LMS_User_ID: '9' };
  const student = parseZohoRecord('BTEC_Students', raw, mappings);
  t.equal(student.academicEmail, 'other@college.example');
  t.equal(student.moodleId, '9');
  t.equal(
    parseZohoRecord('BTEC_Students', raw).academicEmail,
    'leyla.quahog@students.college.example',
    'the defaults are untouched',
  );

  const registration = registrationRecord();
  for (const row of registration.Payment_Schedule as Record<string, unknown>[]) row.Amount = '10$';
  t.same(
    parseZohoRecord('BTEC_Registrations', registration, mappings).paymentSchedule.map((row) => row.amount),
    ['10.00', '10.00', '10.00'],
  );

  const error = recordError(() => parseZohoRecord('BTEC_Students', { ...raw, College_Email: 'x' }, mappings));
  t.same(
    error.problems,
    [{ field: 'College_Email', reason: 'is not a valid e-mail address' }],
    'errors name the renamed field',
  );
});

t.test('buildRecordSchema is a zod schema of the mapping', async (t) => {
  const schema = buildRecordSchema(ZOHO_FIELD_MAPPINGS.BTEC_Teachers);
  const result = schema.safeParse(teacherRecord());
  t.ok(result.success);
  t.equal(result.data?.name, 'Dr. Selim Example');
  t.notOk(schema.safeParse({ id: IDS.teacher }).success, 'the required Name is missing');
});

t.test('an unknown module is refused', async (t) => {
  t.throws(() => parseZohoRecord('BTEC_Units' as ZohoModuleName, {}), { code: 'zoho.unknown_module' });
});

t.test('a custom mapping may use the multiselect, number and url types', async (t) => {
  const schema = buildRecordSchema({
    days: { apiName: 'Days', type: 'multiselect', picklist: ['Mon', 'Tue'] },
    tags: { apiName: 'Tags', type: 'multiselect' },
    rate: { apiName: 'Exchange_Rate', type: 'number' },
    form: { apiName: 'Teacher_Evaluation_Form', type: 'url' },
  } as const);
  const good = schema.safeParse({
    id: IDS.class,
    Days: ['Mon'],
    Tags: ['x', 'y'],
    Exchange_Rate: 34.25,
    Teacher_Evaluation_Form: 'https://forms.example/abc',
  });
  t.same(good.data, { id: IDS.class, days: ['Mon'], tags: ['x', 'y'], rate: 34.25, form: 'https://forms.example/abc' });
  // A value the mapping does not list ('Sun') is read: the org's lists are checked after parsing.
  t.same(schema.safeParse({ id: IDS.class, Days: ['Mon', 'Sun'] }).data?.days, ['Mon', 'Sun']);
  const bad = schema.safeParse({
    id: IDS.class,
    Days: ['Mon', 7],
    Tags: 'x',
    Exchange_Rate: '34.25',
    Teacher_Evaluation_Form: 'javascript:alert(1)',
  });
  t.same(
    bad.error?.issues.map((i) => [i.path.join('.'), i.message]),
    [
      ['Days', 'is not a picklist value (text)'],
      ['Tags', 'is not a list of picklist values'],
      ['Exchange_Rate', 'is not a number'],
      ['Teacher_Evaluation_Form', 'is not an http(s) URL'],
    ],
  );
});
