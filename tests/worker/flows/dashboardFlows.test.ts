// The dashboard flows' plans as data (registrations, payments, Zoho grades, units, and the helper they share):
// states (what read found) → result and steps. Pure: no database, no simulators.
import t, { type Test } from 'tap';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import type { SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import type { DashboardEntity } from '../../../shared/domain/dashboard/dashboardRecords.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import {
  planDashboardPush,
  planDashboardRemoval,
  type DashboardPush,
} from '../../../shared/domain/sync/planDashboardRecord.ts';
import {
  ref,
  type EntityResult,
  type IdOrRef,
  type SyncPlan,
  type SyncStep,
} from '../../../shared/domain/sync/syncPlan.ts';
import { parseZohoRecord } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { planDashboardGradeCopy, zohoGrade, type GradeState } from '../../../worker/flows/zohoGrade.ts';
import { planPayment, zohoPayment, type PaymentState } from '../../../worker/flows/zohoPayment.ts';
import { planRegistration, zohoRegistration, type RegistrationState } from '../../../worker/flows/zohoRegistration.ts';
import { planUnit, zohoUnit, type UnitState } from '../../../worker/flows/zohoUnit.ts';

const settings = parseSyncSettings({});
const STUDENT_ID = '5843210000000100001';
const CLASS_ID = '5843210000000200001';
const REGISTRATION_ID = '5843210000000400001';
const PROGRAM_ID = '5843210000000500001';
const GRADE_ID = '5843210000000600001';
const UNIT_ID = '5843210000000700001';
const PAYMENT_ID = '5843210000000800001';
const USER = 42;
const COURSE = 310;
const ROW = 900; // the plugin's row id, as the link keeps it
const lookup = (id: string, name?: string) => ({ id, name });

const dashLink = (entity: DashboardEntity, zohoId: string, over: Partial<SyncLink> = {}): SyncLink => ({
  entity,
  zoho_id: zohoId,
  moodle_id: ROW,
  moodle_user_id: USER,
  fingerprint: null,
  state: 'active',
  synced_at: new Date(0),
  ...over,
});
const studentCreated: EntityResult = { entity: 'student', zohoId: STUDENT_ID, action: 'created', moodleId: USER };
const studentWouldBeCreated: EntityResult = {
  entity: 'student',
  zohoId: STUDENT_ID,
  action: 'created',
  moodleId: null,
};
const studentRef = ref(`student:${STUDENT_ID}`);

// What every push reports until the plugin answers: its action and row are the upsert's (`row`).
const answered = { action: { ref: 'row:action' }, moodleId: { ref: 'row' } };
const upsert = (
  entity: DashboardEntity,
  record: Record<string, unknown>,
  over: Partial<Extract<SyncStep, { op: 'dashboard.upsert' }>> = {},
): SyncStep => ({ op: 'dashboard.upsert', ref: 'row', entity, record, userId: USER, wouldBe: 'created', ...over });
const linkSaved = (
  entity: DashboardEntity,
  zohoId: string,
  moodleUserId: IdOrRef | null,
  print: string | { of: unknown },
): SyncStep => ({ op: 'link.save', entity, zohoId, moodleId: { ref: 'row' }, moodleUserId, fingerprint: print });
const removed = (entity: DashboardEntity, zohoId: string, reason: string): SyncStep => ({
  op: 'dashboard.remove',
  ref: 'row',
  entity,
  zohoId,
  reason,
});
const linkSuspended = (entity: DashboardEntity, zohoId: string, moodleUserId: number | null = USER): SyncStep => ({
  op: 'link.save',
  entity,
  zohoId,
  moodleId: ROW,
  moodleUserId,
  fingerprint: null,
  state: 'suspended',
});
const removal = { action: { ref: 'row:action' }, moodleId: { ref: 'row' }, reason: { ref: 'row:reason' } };

interface Case<S> {
  name: string;
  state: S;
  result: EntityResult;
  steps: SyncStep[];
}

function runCases<S>(t: Test, plan: (state: S) => SyncPlan, cases: Case<S>[]) {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const planned = plan(c.state);
      t.strictSame(planned.result, c.result, 'the full result');
      t.strictSame(planned.steps, c.steps, 'the full step list, in order');
    });
  }
}

// The shared helper

const helperRecord = { zohoid: REGISTRATION_ID, userid: USER, programname: 'HND Business' };
const push = (over: Partial<DashboardPush> = {}): DashboardPush => ({
  entity: 'registration',
  zohoId: REGISTRATION_ID,
  link: null,
  mapped: { record: helperRecord, warnings: [] },
  userId: USER,
  ...over,
});
const pushCases: Case<DashboardPush>[] = [
  {
    name: 'a removed row (link suspended) with the same fingerprint is pushed again, as created: only an active link counts',
    state: push({
      link: dashLink('registration', REGISTRATION_ID, { state: 'suspended', fingerprint: fingerprint(helperRecord) }),
    }),
    result: { entity: 'registration', zohoId: REGISTRATION_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('registration', helperRecord),
      linkSaved('registration', REGISTRATION_ID, USER, fingerprint(helperRecord)),
    ],
  },
  {
    name: 'unchanged (active link, same fingerprint): no step; the row, warnings and dependencies are still reported',
    state: push({
      link: dashLink('registration', REGISTRATION_ID, { fingerprint: fingerprint(helperRecord) }),
      mapped: { record: helperRecord, warnings: ['a warning'] },
      dependencies: [studentCreated],
    }),
    result: {
      entity: 'registration',
      zohoId: REGISTRATION_ID,
      action: 'unchanged',
      moodleId: ROW,
      details: { userId: USER },
      warnings: ['a warning'],
      dependencies: [studentCreated],
    },
    steps: [],
  },
  {
    name: 'an account this run makes (a ref): no stale-user check, the fingerprint taken once the id exists; withoutCourse passed on',
    state: push({
      entity: 'grade',
      zohoId: GRADE_ID,
      mapped: { record: { ...helperRecord, courseid: COURSE }, warnings: [] },
      userId: studentRef,
      dependencies: [studentWouldBeCreated],
      withoutCourse: { record: { ...helperRecord, userid: studentRef, courseid: 0 }, warning: 'no course' },
    }),
    result: {
      entity: 'grade',
      zohoId: GRADE_ID,
      ...answered,
      details: { userId: studentRef },
      dependencies: [studentWouldBeCreated],
    },
    steps: [
      upsert(
        'grade',
        { ...helperRecord, userid: studentRef, courseid: COURSE },
        {
          userId: null,
          withoutCourse: { record: { ...helperRecord, userid: studentRef, courseid: 0 }, warning: 'no course' },
        },
      ),
      linkSaved('grade', GRADE_ID, studentRef, { of: { ...helperRecord, userid: studentRef, courseid: COURSE } }),
    ],
  },
];

type RemovalArgs = Parameters<typeof planDashboardRemoval>;
const removalCases: Case<RemovalArgs>[] = [
  {
    name: 'removal with no link (never pushed by the service): the plugin is asked anyway, no link saved',
    state: ['payment', PAYMENT_ID, null, 'BTEC_Payments'],
    result: { entity: 'payment', zohoId: PAYMENT_ID, ...removal },
    steps: [removed('payment', PAYMENT_ID, `BTEC_Payments ${PAYMENT_ID} deleted in Zoho`)],
  },
  {
    name: 'removal for another reason (a finance summary emptied): the reason says so',
    state: ['finance', STUDENT_ID, dashLink('finance', STUDENT_ID), 'BTEC_Students', 'finance fields emptied in Zoho'],
    result: { entity: 'finance', zohoId: STUDENT_ID, ...removal },
    steps: [
      removed('finance', STUDENT_ID, `BTEC_Students ${STUDENT_ID} finance fields emptied in Zoho`),
      linkSuspended('finance', STUDENT_ID),
    ],
  },
  {
    name: 'removal already done (link suspended): unchanged, no step, the reason with the why',
    state: [
      'finance',
      STUDENT_ID,
      dashLink('finance', STUDENT_ID, { state: 'suspended' }),
      'BTEC_Students',
      'finance fields emptied in Zoho',
    ],
    result: {
      entity: 'finance',
      zohoId: STUDENT_ID,
      action: 'unchanged',
      moodleId: ROW,
      reason: `BTEC_Students ${STUDENT_ID} finance fields emptied in Zoho; already removed from the dashboard`,
    },
    steps: [],
  },
];

// Registrations

const installment = (no: number | null, amount: unknown, status: string, due: string, paid: string | null = null) => ({
  ...(no === null ? {} : { Installment_No: no }),
  Due_Date: due,
  Installment_Amount: amount,
  Installment_Status: status,
  Paid_Date: paid,
});
const rawRegistration = {
  id: REGISTRATION_ID,
  Name: 'REG-1',
  Student_ID: lookup(STUDENT_ID, 'Omar Aziz'),
  Program: lookup(PROGRAM_ID, 'HND Business'),
  Registration_Date: '2026-01-10',
  Registration_Status: 'Active',
  Study_Mode: 'Online',
  Currency: 'USD',
  Program_Price: '4400$',
  Payment_Schedule: [
    { id: '9000000000000000001', ...installment(1, 2200, 'Paid', '2026-01-15', '2026-01-14') },
    // No Installment_No: numbered by its position.
    { id: '9000000000000000002', ...installment(null, '2200$', 'Pending', '2026-02-15') },
  ],
};
const registration = (over: Record<string, unknown> = {}) =>
  parseZohoRecord('BTEC_Registrations', { ...rawRegistration, ...over });
const registrationRecord = {
  zohoid: REGISTRATION_ID,
  userid: USER,
  programname: 'HND Business',
  registrationdate: '2026-01-10',
  status: 'Active',
  studymode: 'Online',
  currency: 'USD',
  programprice: '4400.00',
  installments: [
    { installmentno: 1, duedate: '2026-01-15', amount: '2200.00', status: 'Paid', paiddate: '2026-01-14' },
    { installmentno: 2, duedate: '2026-02-15', amount: '2200.00', status: 'Pending', paiddate: '' },
  ],
};
const registrationState = (over: Partial<Extract<RegistrationState, { userId: IdOrRef }>> = {}): RegistrationState => ({
  zohoId: REGISTRATION_ID,
  link: null,
  registration: registration(),
  userId: USER,
  dependencies: [],
  ...over,
});
const replacedSchedule = [
  { id: '9000000000000000001', ...installment(1, 2200, 'Paid', '2026-01-15', '2026-01-14') },
  { id: '9000000000000000002', ...installment(2, '1999.99', 'Pending', '2026-02-15') },
  { id: '9000000000000000003', ...installment(3, 200.01, 'Pending', '2026-03-15') },
];
const replacedRecord = {
  ...registrationRecord,
  installments: [
    { installmentno: 1, duedate: '2026-01-15', amount: '2200.00', status: 'Paid', paiddate: '2026-01-14' },
    { installmentno: 2, duedate: '2026-02-15', amount: '1999.99', status: 'Pending', paiddate: '' },
    { installmentno: 3, duedate: '2026-03-15', amount: '200.01', status: 'Pending', paiddate: '' },
  ],
};
const bareRegistrationRecord = {
  zohoid: REGISTRATION_ID,
  userid: USER,
  programname: '',
  registrationdate: '',
  status: '',
  studymode: '',
  currency: '',
  programprice: '',
  installments: [{ installmentno: 1, duedate: '', amount: '100.00', status: '', paiddate: '' }],
};
const registrationGone = `BTEC_Registrations ${REGISTRATION_ID} deleted in Zoho`;

const registrationCases: Case<RegistrationState>[] = [
  {
    name: 'a registration of a linked student: created with its whole schedule ("4400$" and "2200$" exact)',
    state: registrationState(),
    result: { entity: 'registration', zohoId: REGISTRATION_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('registration', registrationRecord),
      linkSaved('registration', REGISTRATION_ID, USER, fingerprint(registrationRecord)),
    ],
  },
  {
    name: 'the student not yet in Moodle: made first (a dependency), the registration names the new account',
    state: registrationState({ dependencies: [studentCreated] }),
    result: {
      entity: 'registration',
      zohoId: REGISTRATION_ID,
      ...answered,
      details: { userId: USER },
      dependencies: [studentCreated],
    },
    steps: [
      upsert('registration', registrationRecord),
      linkSaved('registration', REGISTRATION_ID, USER, fingerprint(registrationRecord)),
    ],
  },
  {
    name: 'dry run, the student would be made: the record names the account by ref, fingerprinted once it exists',
    state: registrationState({ userId: studentRef, dependencies: [studentWouldBeCreated] }),
    result: {
      entity: 'registration',
      zohoId: REGISTRATION_ID,
      ...answered,
      details: { userId: studentRef },
      dependencies: [studentWouldBeCreated],
    },
    steps: [
      upsert('registration', { ...registrationRecord, userid: studentRef }, { userId: null }),
      linkSaved('registration', REGISTRATION_ID, studentRef, { of: { ...registrationRecord, userid: studentRef } }),
    ],
  },
  {
    name: 'the schedule changed in Zoho: the whole record pushed again (would be updated)',
    state: registrationState({
      registration: registration({ Payment_Schedule: replacedSchedule }),
      link: dashLink('registration', REGISTRATION_ID, { fingerprint: fingerprint(registrationRecord) }),
    }),
    result: { entity: 'registration', zohoId: REGISTRATION_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('registration', replacedRecord, { wouldBe: 'updated' }),
      linkSaved('registration', REGISTRATION_ID, USER, fingerprint(replacedRecord)),
    ],
  },
  {
    name: 'a field the dashboard does not show changed (Intake): unchanged, no step at all',
    state: registrationState({
      registration: registration({ Intake: 'Jan 2026' }),
      link: dashLink('registration', REGISTRATION_ID, { fingerprint: fingerprint(registrationRecord) }),
    }),
    result: {
      entity: 'registration',
      zohoId: REGISTRATION_ID,
      action: 'unchanged',
      moodleId: ROW,
      details: { userId: USER },
    },
    steps: [],
  },
  {
    name: 'the account deleted by hand and made again (user 43): same Zoho data, another userid, so pushed again',
    state: registrationState({
      registration: registration({ Registration_Status: 'Freeze' }),
      userId: 43,
      dependencies: [{ ...studentCreated, moodleId: 43 }],
      link: dashLink('registration', REGISTRATION_ID, { fingerprint: fingerprint(registrationRecord) }),
    }),
    result: {
      entity: 'registration',
      zohoId: REGISTRATION_ID,
      ...answered,
      details: { userId: 43 },
      dependencies: [{ ...studentCreated, moodleId: 43 }],
    },
    steps: [
      upsert(
        'registration',
        { ...registrationRecord, userid: 43, status: 'Freeze' },
        { userId: 43, wouldBe: 'updated' },
      ),
      linkSaved(
        'registration',
        REGISTRATION_ID,
        43,
        fingerprint({ ...registrationRecord, userid: 43, status: 'Freeze' }),
      ),
    ],
  },
  {
    name: 'a bare registration (no program or price, one installment with only its amount): every field sent, empty',
    state: registrationState({
      registration: parseZohoRecord('BTEC_Registrations', {
        id: REGISTRATION_ID,
        Student_ID: lookup(STUDENT_ID),
        Payment_Schedule: [{ id: '9000000000000000004', Installment_Amount: 100 }],
      }),
    }),
    result: { entity: 'registration', zohoId: REGISTRATION_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('registration', bareRegistrationRecord),
      linkSaved('registration', REGISTRATION_ID, USER, fingerprint(bareRegistrationRecord)),
    ],
  },
  {
    name: 'deleted in Zoho: removed from the dashboard (with its installments), the link kept suspended',
    state: {
      zohoId: REGISTRATION_ID,
      link: dashLink('registration', REGISTRATION_ID, { fingerprint: fingerprint(registrationRecord) }),
      registration: null,
    },
    result: { entity: 'registration', zohoId: REGISTRATION_ID, ...removal },
    steps: [removed('registration', REGISTRATION_ID, registrationGone), linkSuspended('registration', REGISTRATION_ID)],
  },
  {
    name: 'the same delete again: unchanged, no step',
    state: {
      zohoId: REGISTRATION_ID,
      link: dashLink('registration', REGISTRATION_ID, { state: 'suspended' }),
      registration: null,
    },
    result: {
      entity: 'registration',
      zohoId: REGISTRATION_ID,
      action: 'unchanged',
      moodleId: ROW,
      reason: `${registrationGone}; already removed from the dashboard`,
    },
    steps: [],
  },
];

// Payments

const rawPayment = {
  id: PAYMENT_ID,
  Name: 'PAY-1',
  Registration_ID: lookup(REGISTRATION_ID),
  Payment_Amount: '4400$',
  Payment_Date: '2026-01-20',
  Payment_Method: 'Cash',
  Payment_Type: 'Study Fees',
  Installment_No: 1,
  SRM_Voucher_Number: 'V-1',
  SRM_Active: 'Yes',
  Note: 'Paid <in full>',
  Currency: 'USD',
};
const payment = (over: Record<string, unknown> = {}) => parseZohoRecord('BTEC_Payments', { ...rawPayment, ...over });
const paymentRecord = {
  zohoid: PAYMENT_ID,
  userid: USER,
  registrationzohoid: REGISTRATION_ID,
  paymentnumber: 'PAY-1',
  paymentdate: '2026-01-20',
  amount: '4400.00',
  currency: 'USD',
  method: 'Cash',
  paymenttype: 'Study Fees',
  installmentno: 1,
  voucher: 'V-1',
  note: 'Paid < in full>', // "<in" would read as a tag to Moodle's PARAM_TEXT
  voided: false,
};
const paymentState = (over: Partial<Extract<PaymentState, { userId: IdOrRef | null }>> = {}): PaymentState => ({
  zohoId: PAYMENT_ID,
  link: null,
  payment: payment(),
  userId: USER,
  dependencies: [],
  ...over,
});
const declinedRecord = {
  ...paymentRecord,
  paymentnumber: 'PAY-2',
  amount: '1699.50',
  voided: true,
};
const negativeRecord = { ...paymentRecord, installmentno: 0 };
const barePaymentRecord = {
  zohoid: PAYMENT_ID,
  userid: USER,
  registrationzohoid: '',
  paymentnumber: '',
  paymentdate: '',
  amount: '',
  currency: '',
  method: '',
  paymenttype: '',
  installmentno: 0,
  voucher: '',
  note: '',
  voided: false,
};
const paymentGone = `BTEC_Payments ${PAYMENT_ID} deleted in Zoho`;

const paymentCases: Case<PaymentState>[] = [
  {
    name: 'a payment whose student came through its registration: created, amount exact, the note made safe',
    state: paymentState(),
    result: { entity: 'payment', zohoId: PAYMENT_ID, ...answered, details: { userId: USER } },
    steps: [upsert('payment', paymentRecord), linkSaved('payment', PAYMENT_ID, USER, fingerprint(paymentRecord))],
  },
  {
    name: 'a declined payment (SRM_Active "Declined"): sent voided (struck through, not counted)',
    state: paymentState({
      payment: payment({
        Name: 'PAY-2',
        Student_ID: lookup(STUDENT_ID),
        Payment_Amount: 1699.5,
        SRM_Active: 'Declined',
      }),
    }),
    result: { entity: 'payment', zohoId: PAYMENT_ID, ...answered, details: { userId: USER } },
    steps: [upsert('payment', declinedRecord), linkSaved('payment', PAYMENT_ID, USER, fingerprint(declinedRecord))],
  },
  {
    name: 'a negative Installment_No: sent as 0 (none), with a warning in the result',
    state: paymentState({ payment: payment({ Installment_No: -2 }) }),
    result: {
      entity: 'payment',
      zohoId: PAYMENT_ID,
      ...answered,
      details: { userId: USER },
      warnings: [`BTEC_Payments ${PAYMENT_ID}: Installment_No is negative; sent as none`],
    },
    steps: [upsert('payment', negativeRecord), linkSaved('payment', PAYMENT_ID, USER, fingerprint(negativeRecord))],
  },
  {
    name: 'a bare payment (only its student): every field sent, empty; no installment (0)',
    state: paymentState({
      payment: parseZohoRecord('BTEC_Payments', { id: PAYMENT_ID, Student_ID: lookup(STUDENT_ID) }),
    }),
    result: { entity: 'payment', zohoId: PAYMENT_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('payment', barePaymentRecord),
      linkSaved('payment', PAYMENT_ID, USER, fingerprint(barePaymentRecord)),
    ],
  },
  {
    name: 'the same payment again (same fingerprint): unchanged, no step',
    state: paymentState({ link: dashLink('payment', PAYMENT_ID, { fingerprint: fingerprint(paymentRecord) }) }),
    result: { entity: 'payment', zohoId: PAYMENT_ID, action: 'unchanged', moodleId: ROW, details: { userId: USER } },
    steps: [],
  },
  {
    name: 'the amount corrected in Zoho: pushed again (would be updated)',
    state: paymentState({
      payment: payment({ Payment_Amount: '4000$' }),
      link: dashLink('payment', PAYMENT_ID, { fingerprint: fingerprint(paymentRecord) }),
    }),
    result: { entity: 'payment', zohoId: PAYMENT_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('payment', { ...paymentRecord, amount: '4000.00' }, { wouldBe: 'updated' }),
      linkSaved('payment', PAYMENT_ID, USER, fingerprint({ ...paymentRecord, amount: '4000.00' })),
    ],
  },
  {
    name: 'deleted in Zoho: removed (no longer counts or shows), the link kept suspended with its student',
    state: { zohoId: PAYMENT_ID, link: dashLink('payment', PAYMENT_ID), payment: null },
    result: { entity: 'payment', zohoId: PAYMENT_ID, ...removal },
    steps: [removed('payment', PAYMENT_ID, paymentGone), linkSuspended('payment', PAYMENT_ID, USER)],
  },
  {
    name: 'deleted in Zoho before it reached the dashboard (no link): the removal asked for, nothing linked',
    state: { zohoId: PAYMENT_ID, link: null, payment: null },
    result: { entity: 'payment', zohoId: PAYMENT_ID, ...removal },
    steps: [removed('payment', PAYMENT_ID, paymentGone)],
  },
];

// Zoho grades (the dashboard's copy)

const rawGrade = {
  id: GRADE_ID,
  Name: 'GR-1',
  Student: lookup(STUDENT_ID),
  Class: lookup(CLASS_ID, 'Networking g1'),
  Class_Name: 'Networking (the text field)',
  BTEC_Unit: 'Unit 2: Networking',
  BTEC_Grade_Name: 'Unit 2 assignment 1',
  Grade: 'M',
  Grade_Status: 'Released',
  Attempt_Number: 1,
  Attempt_Date: '2026-03-01',
  Feedback: 'Good design',
  Grader_Name: 'Dr. Example',
  Learning_Outcomes_Assessm: [
    {
      id: '9000000000000000021',
      LO_Code: 'P1',
      LO_Title: 'Explain',
      LO_Definition: 'Explain protocols',
      LO_Score: '1',
      LO_Feedback: 'Clear',
    },
    { id: '9000000000000000022', LO_Code: 'M1', LO_Title: 'Analyse', LO_Score: 'Yes' },
    { id: '9000000000000000023', LO_Code: 'D1', LO_Title: 'Evaluate', LO_Score: '0' },
  ],
};
const grade = (over: Record<string, unknown> = {}) => parseZohoRecord('BTEC_Grades', { ...rawGrade, ...over });
const outcome = (code: string, title: string, score: string, achieved: boolean, more = {}) => ({
  code,
  title,
  definition: '',
  score,
  feedback: '',
  achieved,
  ...more,
});
const gradeRecord = {
  zohoid: GRADE_ID,
  userid: USER,
  courseid: COURSE,
  classzohoid: CLASS_ID,
  classname: 'Networking g1', // the lookup's name first
  unitname: 'Unit 2: Networking',
  gradename: 'Unit 2 assignment 1',
  grade: 'M',
  gradestatus: 'Released',
  attemptno: 1,
  attemptdate: '2026-03-01',
  feedback: 'Good design',
  gradername: 'Dr. Example',
  ivname: '',
  learningoutcomes: [
    outcome('P1', 'Explain', '1', true, { definition: 'Explain protocols', feedback: 'Clear' }),
    outcome('M1', 'Analyse', 'Yes', true),
    outcome('D1', 'Evaluate', '0', false),
  ],
};
const gradeWithoutCourse = (record: Record<string, unknown>) => ({
  withoutCourse: {
    record: { ...record, courseid: 0 },
    warning: `course ${COURSE} of class ${CLASS_ID} no longer exists in Moodle; grade stored without a course`,
  },
});
const gradeState = (over: Partial<Extract<GradeState, { userId: IdOrRef }>> = {}): GradeState => ({
  zohoId: GRADE_ID,
  link: null,
  grade: grade(),
  userId: USER,
  courseId: COURSE,
  dependencies: [],
  ...over,
});
const onlyP1Record = { ...gradeRecord, learningoutcomes: [outcome('P1', '', '1', true)] };
const readyRecord = { ...gradeRecord, gradestatus: 'Ready for release' };
const noClassRecord = {
  ...gradeRecord,
  courseid: 0,
  classzohoid: CLASS_ID,
  classname: 'Networking (the text field)',
  grade: '',
  attemptno: 0,
  learningoutcomes: [outcome('P2', '', 'Passed', true), outcome('M2', '', '', false)],
};
const classlessRecord = {
  ...gradeRecord,
  courseid: 0,
  classzohoid: '',
  classname: '',
  gradestatus: '',
  attemptno: 0,
  attemptdate: '',
  learningoutcomes: [],
};
const classlessCourseRecord = { ...gradeRecord, classzohoid: '', classname: '' };
const gradeGone = `BTEC_Grades ${GRADE_ID} deleted in Zoho`;

const gradeCases: Case<GradeState>[] = [
  {
    name: "a grade in its class's course, the student made first: its outcomes with achieved flags, a course-less fallback",
    state: gradeState({ dependencies: [studentCreated] }),
    result: {
      entity: 'grade',
      zohoId: GRADE_ID,
      ...answered,
      details: { userId: USER },
      dependencies: [studentCreated],
    },
    steps: [
      upsert('grade', gradeRecord, gradeWithoutCourse(gradeRecord)),
      linkSaved('grade', GRADE_ID, USER, fingerprint(gradeRecord)),
    ],
  },
  {
    name: 'outcome rows replaced in Zoho: pushed again whole (would be updated)',
    state: gradeState({
      grade: grade({ Learning_Outcomes_Assessm: [{ id: '9000000000000000021', LO_Code: 'P1', LO_Score: '1' }] }),
      link: dashLink('grade', GRADE_ID, { fingerprint: fingerprint(gradeRecord) }),
    }),
    result: { entity: 'grade', zohoId: GRADE_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('grade', onlyP1Record, { wouldBe: 'updated', ...gradeWithoutCourse(onlyP1Record) }),
      linkSaved('grade', GRADE_ID, USER, fingerprint(onlyP1Record)),
    ],
  },
  {
    name: 'status changed (Ready for release) with the course deleted in Moodle: the same plan, the fallback for applySteps to use',
    state: gradeState({
      grade: grade({ Grade_Status: 'Ready for release' }),
      link: dashLink('grade', GRADE_ID, { fingerprint: fingerprint(gradeRecord) }),
    }),
    result: { entity: 'grade', zohoId: GRADE_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('grade', readyRecord, { wouldBe: 'updated', ...gradeWithoutCourse(readyRecord) }),
      linkSaved('grade', GRADE_ID, USER, fingerprint(readyRecord)),
    ],
  },
  {
    name: 'unchanged (same fingerprint): no step',
    state: gradeState({ link: dashLink('grade', GRADE_ID, { fingerprint: fingerprint(gradeRecord) }) }),
    result: { entity: 'grade', zohoId: GRADE_ID, action: 'unchanged', moodleId: ROW, details: { userId: USER } },
    steps: [],
  },
  {
    name: 'the class is no Moodle course (course 0): shown without a course, no fallback; odd rows warned about',
    state: gradeState({
      courseId: 0,
      grade: grade({
        Class: lookup(CLASS_ID), // a lookup without a name: Class_Name is used
        Grade: null,
        Attempt_Number: -1,
        Learning_Outcomes_Assessm: [
          { id: '9000000000000000024', LO_Outcome_Identification: 'P2', LO_Score: 'Passed' },
          { id: '9000000000000000025', LO_Title: 'No code at all' },
          { id: '9000000000000000026', LO_Code: ' M2 ', LO_Score: null },
        ],
      }),
    }),
    result: {
      entity: 'grade',
      zohoId: GRADE_ID,
      ...answered,
      details: { userId: USER },
      warnings: [`BTEC_Grades ${GRADE_ID}: Learning_Outcomes_Assessm[1] has no LO_Code; row left out`],
    },
    steps: [upsert('grade', noClassRecord), linkSaved('grade', GRADE_ID, USER, fingerprint(noClassRecord))],
  },
  {
    name: 'a grade with no class, status, date or outcomes (course 0): sent with those fields empty',
    state: gradeState({
      courseId: 0,
      grade: grade({
        Class: null,
        Class_Name: null,
        Grade_Status: null,
        Attempt_Number: null,
        Attempt_Date: null,
        Learning_Outcomes_Assessm: null,
      }),
    }),
    result: { entity: 'grade', zohoId: GRADE_ID, ...answered, details: { userId: USER } },
    steps: [upsert('grade', classlessRecord), linkSaved('grade', GRADE_ID, USER, fingerprint(classlessRecord))],
  },
  {
    // Not a state read gives (no class lookup → course 0), but the plan copes: the warning names no class.
    name: 'a course but no class lookup: the course-less fallback still offered, its warning naming no class',
    state: gradeState({ grade: grade({ Class: null, Class_Name: null }) }),
    result: { entity: 'grade', zohoId: GRADE_ID, ...answered, details: { userId: USER } },
    steps: [
      upsert('grade', classlessCourseRecord, {
        withoutCourse: {
          record: { ...classlessCourseRecord, courseid: 0 },
          warning: `course ${COURSE} of class  no longer exists in Moodle; grade stored without a course`,
        },
      }),
      linkSaved('grade', GRADE_ID, USER, fingerprint(classlessCourseRecord)),
    ],
  },
  {
    name: 'deleted in Zoho: removed with its outcome rows, the link kept suspended',
    state: { zohoId: GRADE_ID, link: dashLink('grade', GRADE_ID), grade: null },
    result: { entity: 'grade', zohoId: GRADE_ID, ...removal },
    steps: [removed('grade', GRADE_ID, gradeGone), linkSuspended('grade', GRADE_ID)],
  },
];

// Units (grading templates)

const rawUnit: Record<string, unknown> = {
  id: UNIT_ID,
  Name: 'Unit 9: Security',
  Unit_Code: 'U9',
  Unit_Level: 'Level 5',
  M1_description: 'Analyse risks',
  M2_description: 'Compare',
  D1_description: 'Evaluate',
  BTEC_Grading_Template_P1: [
    Object.fromEntries([
      ['id', '9000000000000000031'],
      ...Array.from({ length: 10 }, (_, i) => [`P${i + 11}_description`, `Pass ${i + 11}`]),
    ]),
  ],
};
for (let n = 1; n <= 10; n++) rawUnit[`P${n}_description`] = `Pass ${n}`;
const unit = (over: Record<string, unknown> = {}) => parseZohoRecord('BTEC', { ...rawUnit, ...over });
const unitRecord = {
  zohoid: UNIT_ID,
  name: 'Unit 9: Security',
  unitcode: 'U9',
  unitlevel: 'Level 5',
  criteria: [
    ...Array.from({ length: 20 }, (_, i) => ({ code: `P${i + 1}`, description: `Pass ${i + 1}` })),
    { code: 'M1', description: 'Analyse risks' },
    { code: 'M2', description: 'Compare' },
    { code: 'D1', description: 'Evaluate' },
  ],
};
const sparseUnitRecord = {
  zohoid: UNIT_ID,
  name: 'Unit 3',
  unitcode: '',
  unitlevel: '',
  criteria: [
    { code: 'P1', description: 'Describe' },
    { code: 'P12', description: 'From the second row' },
    { code: 'D6', description: 'Justify' },
  ],
};
const unitGone = `BTEC ${UNIT_ID} deleted in Zoho`;

const unitCases: Case<UnitState>[] = [
  {
    name: 'a unit with P1–P20 (P11+ from the subform), M and D: pushed in order; no student, so no details',
    state: { zohoId: UNIT_ID, link: null, unit: unit() },
    result: { entity: 'unit', zohoId: UNIT_ID, ...answered },
    steps: [upsert('unit', unitRecord, { userId: null }), linkSaved('unit', UNIT_ID, null, fingerprint(unitRecord))],
  },
  {
    name: 'unchanged (same fingerprint): no step',
    state: {
      zohoId: UNIT_ID,
      link: dashLink('unit', UNIT_ID, { moodle_user_id: null, fingerprint: fingerprint(unitRecord) }),
      unit: unit(),
    },
    result: { entity: 'unit', zohoId: UNIT_ID, action: 'unchanged', moodleId: ROW },
    steps: [],
  },
  {
    name: 'a criterion reworded: pushed again (would be updated)',
    state: {
      zohoId: UNIT_ID,
      link: dashLink('unit', UNIT_ID, { moodle_user_id: null, fingerprint: fingerprint(unitRecord) }),
      unit: unit({ M2_description: 'Compare two designs' }),
    },
    result: { entity: 'unit', zohoId: UNIT_ID, ...answered },
    steps: [
      upsert(
        'unit',
        { ...unitRecord, criteria: unitRecord.criteria.with(21, { code: 'M2', description: 'Compare two designs' }) },
        { userId: null, wouldBe: 'updated' },
      ),
      linkSaved(
        'unit',
        UNIT_ID,
        null,
        fingerprint({
          ...unitRecord,
          criteria: unitRecord.criteria.with(21, { code: 'M2', description: 'Compare two designs' }),
        }),
      ),
    ],
  },
  {
    name: 'empty and blank descriptions left out; in the subform the first filled row wins',
    state: {
      zohoId: UNIT_ID,
      link: null,
      unit: parseZohoRecord('BTEC', {
        id: UNIT_ID,
        Name: 'Unit 3',
        P1_description: 'Describe',
        P2_description: '   ',
        M1_description: '',
        D6_description: 'Justify',
        BTEC_Grading_Template_P1: [
          { id: '9000000000000000032', P12_description: null },
          { id: '9000000000000000033', P12_description: 'From the second row' },
          { id: '9000000000000000034', P12_description: 'From the third row' },
        ],
      }),
    },
    result: { entity: 'unit', zohoId: UNIT_ID, ...answered },
    steps: [
      upsert('unit', sparseUnitRecord, { userId: null }),
      linkSaved('unit', UNIT_ID, null, fingerprint(sparseUnitRecord)),
    ],
  },
  {
    name: 'deleted in Zoho: removed with its criteria (module BTEC), the link kept suspended',
    state: { zohoId: UNIT_ID, link: dashLink('unit', UNIT_ID, { moodle_user_id: null }), unit: null },
    result: { entity: 'unit', zohoId: UNIT_ID, ...removal },
    steps: [removed('unit', UNIT_ID, unitGone), linkSuspended('unit', UNIT_ID, null)],
  },
];

t.test('planDashboardPush / planDashboardRemoval: the shared helper', async (t) => {
  runCases(t, planDashboardPush, pushCases);
  runCases(t, (args: RemovalArgs) => planDashboardRemoval(...args), removalCases);
});
t.test('planRegistration: a registration and its installments', async (t) =>
  runCases(t, planRegistration, registrationCases),
);
t.test('planPayment: the payment history', async (t) => runCases(t, planPayment, paymentCases));
t.test("planDashboardGradeCopy: the dashboard's copy of a Zoho grade", async (t) =>
  runCases(t, planDashboardGradeCopy, gradeCases),
);
t.test('planUnit: the grading templates', async (t) => runCases(t, planUnit, unitCases));

t.test('SRM_Active decides voided: the not-accepted words (any case, trimmed), everything else paid', async (t) => {
  const values: [string | null, boolean][] = [
    ['Declined', true],
    [' void ', true],
    ['NO', true],
    ['cancelled', true],
    ['0', true],
    ['Yes', false],
    ['Accepted', false],
    ['', false],
    [null, false],
  ];
  for (const [accepted, voided] of values) {
    const record = { ...paymentRecord, voided };
    const planned = planPayment(paymentState({ payment: payment({ SRM_Active: accepted }) }));
    t.strictSame(
      planned,
      {
        result: { entity: 'payment', zohoId: PAYMENT_ID, ...answered, details: { userId: USER } },
        steps: [upsert('payment', record), linkSaved('payment', PAYMENT_ID, USER, fingerprint(record))],
      },
      `SRM_Active ${JSON.stringify(accepted)} → voided ${voided}`,
    );
  }
});

t.test('records the dashboard cannot show fail permanently, naming the record and field', async (t) => {
  t.throws(
    () => planPayment(paymentState({ payment: payment({ Registration_ID: null }), userId: null })),
    {
      code: 'dashboard.no_student',
      message: `BTEC_Payments ${PAYMENT_ID}: Student_ID is empty and Registration_ID gives no student; the dashboard shows a payment only to its student`,
    },
    'a payment with no student',
  );
  t.throws(
    () => planPayment(paymentState({ payment: payment({ Payment_Amount: '12345678901$' }) })),
    {
      code: 'dashboard.amount_too_large',
      message: `BTEC_Payments ${PAYMENT_ID}: Payment_Amount has more than 10 integer digits; the dashboard stores at most 9999999999.99`,
    },
    'a payment amount too large for the plugin',
  );
  t.throws(
    () => planRegistration(registrationState({ registration: registration({ Program_Price: '12345678901$' }) })),
    {
      code: 'dashboard.amount_too_large',
      message: `BTEC_Registrations ${REGISTRATION_ID}: Program_Price has more than 10 integer digits; the dashboard stores at most 9999999999.99`,
    },
    'a program price too large',
  );
  t.throws(
    () =>
      planRegistration(
        registrationState({
          registration: registration({
            Payment_Schedule: [{ id: '9000000000000000001', ...installment(0, 10, 'Pending', '2026-01-15') }],
          }),
        }),
      ),
    {
      code: 'dashboard.invalid_installment',
      message: `BTEC_Registrations ${REGISTRATION_ID}: Payment_Schedule[0].Installment_No is below 1`,
    },
    'an installment numbered 0',
  );
  t.throws(
    () =>
      planRegistration(
        registrationState({
          registration: registration({
            Payment_Schedule: [
              { id: '9000000000000000001', ...installment(2, 10, 'Pending', '2026-01-15') },
              // No number: numbered by position (2), which the first row already holds.
              { id: '9000000000000000002', ...installment(null, 10, 'Pending', '2026-02-15') },
            ],
          }),
        }),
      ),
    {
      code: 'dashboard.invalid_installment',
      message: `BTEC_Registrations ${REGISTRATION_ID}: Payment_Schedule has installment number 2 more than once`,
    },
    'an installment number twice (one of them by position)',
  );
  t.strictSame(
    planPayment({ zohoId: PAYMENT_ID, link: null, payment: null }).result.action,
    { ref: 'row:action' },
    'a deleted payment needs no student',
  );
});

t.test('the flows declare these plans, and settings do not change them', async (t) => {
  const other = parseSyncSettings({ 'moodle.roles': { student: 11 }, 'sync.directions': { finance: 'disabled' } });
  const flows: [string, { plan: unknown }, (state: never) => SyncPlan, unknown][] = [
    ['zohoRegistration', zohoRegistration, planRegistration, registrationState()],
    ['zohoPayment', zohoPayment, planPayment, paymentState()],
    ['zohoGrade', zohoGrade, planDashboardGradeCopy, gradeState()],
    ['zohoUnit', zohoUnit, planUnit, unitCases[0]!.state],
  ];
  for (const [name, flow, plan, state] of flows) {
    t.equal(flow.plan, plan, `${name}.plan is the pure plan`);
    const viaFlow = flow.plan as (state: unknown, s: typeof settings) => SyncPlan;
    t.strictSame(viaFlow(state, settings), viaFlow(state, other), `${name}: the same plan under other settings`);
  }
});

t.test('planning is pure: the same state plans the same, twice, and is not changed', async (t) => {
  const check = <S>(plan: (state: S) => SyncPlan, cases: Case<S>[]) => {
    for (const c of cases) {
      const before = structuredClone(c.state);
      t.strictSame(plan(c.state), plan(c.state), c.name);
      t.strictSame(c.state, before, `${c.name}: state untouched`);
    }
  };
  check(planDashboardPush, pushCases);
  check((args: RemovalArgs) => planDashboardRemoval(...args), removalCases);
  check(planRegistration, registrationCases);
  check(planPayment, paymentCases);
  check(planDashboardGradeCopy, gradeCases);
  check(planUnit, unitCases);
});
