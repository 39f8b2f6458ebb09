/**
 * Our canonical property names → Zoho CRM field API names, per module, as data.
 * Authority: the college org's field export of 2026-02-12 (docs/zoho-fields.md
 * §1). Only fields a sync uses are listed, and only names the export contains:
 * names the predecessor used that are absent from the export (`Total_Fees`, `Paid_Amount`,
 * `Payment_Status`, `Enrollment_Status`, `Class_Major`, `IV_Moodle_ID`, …) are NOT here.
 *
 * Conventions:
 *   - `id` (the 19-digit record id) is implicit in every module and not part of a mapping.
 *   - `required` = Zoho "system mandatory" as exported; layout-level mandatory is unknown.
 *   - A `picklist`'s values are this org's export: the default only. The worker checks values
 *     against the org's own lists (Zoho's fields metadata, fetched and cached) and keeps a value
 *     it does not know, with a warning — Zoho admins add values whenever they like. Only a field
 *     with `decidedBy` (a setting decides what its values mean, e.g. which statuses suspend)
 *     fails its event on an unknown value, naming the field, the value and the setting.
 *     A picklist without values (e.g. `Nationality`, 246 countries) is checked only against the
 *     org's list.
 *   - `-None-` is Zoho's empty picklist choice; it is read as null, never listed as a value.
 *   - `type` is what we parse, which is not always the Zoho type: registration `Program_Price`
 *     and `Remaining_Amount` are Zoho *text* holding amounts like `4400$` and are read as money.
 *   - Subform columns are NOT in the export (§6); their names come from the predecessor's code
 *     and their types are our choice, as each subform's comment says.
 */

export const ZOHO_FIELD_TYPES = [
  'text',
  'textarea',
  'autonumber',
  'email',
  'phone',
  'url',
  'date',
  'datetime',
  'picklist',
  'multiselect',
  'lookup',
  'money',
  'number',
  'integer',
  'boolean',
  'textOrNumber',
  'subform',
] as const;
export type ZohoFieldType = (typeof ZOHO_FIELD_TYPES)[number];
export type ZohoScalarFieldType = Exclude<ZohoFieldType, 'subform'>;

export interface ZohoScalarFieldSpec {
  readonly apiName: string;
  readonly type: ZohoScalarFieldType;
  /** Known values (exact, case-sensitive): the default when the org's own list is unknown. */
  readonly picklist?: readonly string[];
  /** The setting that gives this picklist's values their meaning: an unknown value fails the event. */
  readonly decidedBy?: string;
  readonly required?: boolean;
  /** Max characters, when the export states one. */
  readonly maxLength?: number;
  /** Target module of a lookup (documentation; Zoho sends only `{ name, id }`). */
  readonly lookupModule?: string;
}

/** Canonical row property → column spec (scalar columns only). */
export type ZohoSubformRowMapping = Readonly<Record<string, ZohoScalarFieldSpec>>;

export interface ZohoSubformFieldSpec {
  readonly apiName: string;
  readonly type: 'subform';
  readonly required?: boolean;
  readonly subform: ZohoSubformRowMapping;
}

export type ZohoFieldSpec = ZohoScalarFieldSpec | ZohoSubformFieldSpec;
/** Canonical property → field spec for one module. */
export type ZohoModuleMapping = Readonly<Record<string, ZohoFieldSpec>>;

const CURRENCIES = ['USD', 'TRY', 'EUR', 'GBP'] as const;
const STUDY_MODES = ['Onsite', 'Online', 'Blended'] as const;

/** `Created_Time` / `Modified_Time` exist on every module (§1 "Common to every module"). */
const SYSTEM_TIMES = {
  createdTime: { apiName: 'Created_Time', type: 'datetime' },
  modifiedTime: { apiName: 'Modified_Time', type: 'datetime' },
} as const;

const textarea = <A extends string>(apiName: A) => ({ apiName, type: 'textarea' }) as const;

export const ZOHO_FIELD_MAPPINGS = {
  BTEC_Students: {
    studentNumber: { apiName: 'Name', type: 'autonumber' }, // label "Student ID"
    firstName: { apiName: 'First_Name', type: 'text' },
    lastName: { apiName: 'Last_Name', type: 'text' },
    displayName: { apiName: 'Display_Name', type: 'text' },
    academicEmail: { apiName: 'Academic_Email', type: 'email' },
    email: { apiName: 'Email', type: 'email' },
    phone: { apiName: 'Phone_Number', type: 'phone', maxLength: 30 },
    address: { apiName: 'Address', type: 'textarea' },
    city: { apiName: 'City', type: 'text' },
    country: { apiName: 'Country', type: 'picklist' },
    nationality: { apiName: 'Nationality', type: 'picklist' },
    birthDate: { apiName: 'Birth_Date', type: 'date' },
    gender: { apiName: 'Gender', type: 'picklist', picklist: ['Male', 'Female'] },
    nationalNumber: { apiName: 'National_Number', type: 'text' },
    emergencyContactName: { apiName: 'Emergency_Contact_Name', type: 'text' },
    emergencyPhone: { apiName: 'Emergency_Phone_Number', type: 'text' }, // text, not phone, in the export
    status: {
      apiName: 'Status',
      type: 'picklist',
      decidedBy: 'students.suspend_when_status',
      picklist: [
        'Pending',
        'Passive',
        'Enrollment Form',
        'approved',
        'approved-conditional',
        'Active',
        'Freezed',
        'Withdraw',
        'Graduated',
        'Blocked',
        'Revive',
        'Welcome Letter Sent',
        'Student Certificate Sent',
        'Graduate Form Sent',
        'Account Creation',
        'Registered',
        'Unregistered',
      ],
    },
    major: {
      apiName: 'Major',
      type: 'picklist',
      picklist: [
        'Business',
        'Computing',
        'Art & Design',
        'Applied Science',
        'Subsidiary + (Level 5)',
        'Subsidiary + (Level 5 BUS)',
        'Subsidiary + (Level 5 Art)',
        'Strategic Management and Leadership',
      ],
    },
    subMajor: { apiName: 'Sub_Major', type: 'picklist' }, // 23 values, not listed by the contract
    moodleId: { apiName: 'Student_Moodle_ID', type: 'text', maxLength: 255 },
    syncedToMoodle: { apiName: 'Synced_to_Moodle', type: 'boolean' },
    lastSyncDate: { apiName: 'Last_Sync_Date', type: 'datetime' },
    btecRegistrationNumber: { apiName: 'BTEC_Registration_Number', type: 'text' },
    academicProgram: {
      apiName: 'Academic_Program',
      type: 'picklist',
      picklist: ['Level 3', 'Level 5', 'Level 7', "Bachelor's Degree", 'PhD', 'MBA'],
    },
    studyLanguage: { apiName: 'Study_Language', type: 'picklist', picklist: ['English', 'Arabic'] },
    studyMode: { apiName: 'Study_Mode', type: 'picklist', picklist: STUDY_MODES },
    registrationDate: { apiName: 'Registration_Date', type: 'date' },
    program: { apiName: 'Program', type: 'lookup', lookupModule: 'Products' },
    // The finance summary shown on the student dashboard (contract §1.1 "51 finance fields",
    // the ones the plugin's local_zohosync_upsert_finance takes). Picklists are read unchecked:
    // the contract's value lists are paraphrased ("Partial Scholarship %"), and a finance value
    // must never stop the profile sync. Scholarship_Reason is not in the export: not mapped.
    scholarship: { apiName: 'Scholarship', type: 'picklist' },
    scholarshipPercentage: { apiName: 'Scholarship_Percentage', type: 'number' }, // Zoho type: double
    currency: { apiName: 'Currency', type: 'picklist' },
    amountTransferred: { apiName: 'Amount_Transferred', type: 'money' },
    paymentMethod: { apiName: 'Payment_Method', type: 'picklist' },
    paymentMode: { apiName: 'Payment_Mode', type: 'picklist' },
    bankName: { apiName: 'Bank_Name', type: 'text' },
    bankHolderName: { apiName: 'Bank_Holder_Name', type: 'text' },
    registrationFees: { apiName: 'Registration_Fees', type: 'money' },
    invoiceRegFees: { apiName: 'Invoice_Reg_Fees', type: 'text' },
    totalAmount: { apiName: 'Total_Amount', type: 'money' }, // a Zoho formula
    discountAmount: { apiName: 'Discount_Amount', type: 'money' },
    ...SYSTEM_TIMES,
  },
  BTEC_Teachers: {
    name: { apiName: 'Name', type: 'text', required: true, maxLength: 120 },
    email: { apiName: 'Email', type: 'email' },
    academicEmail: { apiName: 'Academic_Email', type: 'email' },
    phone: { apiName: 'Phone_Number', type: 'phone' },
    moodleId: { apiName: 'Teacher_Moodle_ID', type: 'text' },
    ...SYSTEM_TIMES,
  },
  Products: {
    name: { apiName: 'Product_Name', type: 'text', required: true, maxLength: 255 },
    programNumber: { apiName: 'Program_ID', type: 'autonumber' },
    moodleCategoryId: { apiName: 'MoodleID', type: 'text' }, // used as the Moodle course-category id
    extensionMoodleId: { apiName: 'crmnmoodle__Moodle_ID', type: 'integer' },
    price: { apiName: 'Program_Price', type: 'money' },
    unitPrice: { apiName: 'Unit_Price', type: 'money' },
    status: { apiName: 'Status', type: 'picklist', picklist: ['Draft', 'Approved', 'Sent'] },
    programType: {
      apiName: 'Program_Type',
      type: 'picklist',
      picklist: ['fds', 'Option 2', 'Level 7', "Bachelor's Degree", 'MBA', 'PhD'],
    },
    major: {
      apiName: 'Program_Major',
      type: 'picklist',
      picklist: ['Business', 'IT', 'Art & Design', 'Applied Science', 'Subsidiary + (Level 5)', 'Extended Diploma'],
    },
    subMajor: { apiName: 'Program_Sub_Major', type: 'picklist' }, // 22 values, not listed
    award: { apiName: 'Product_Sub_Category', type: 'picklist', picklist: ['None', 'Advanced', 'Qualifi'] },
    description: { apiName: 'Description', type: 'textarea' },
    ...SYSTEM_TIMES,
  },
  BTEC: {
    name: { apiName: 'Name', type: 'text', required: true, maxLength: 120 }, // unit name
    p1Description: textarea('P1_description'),
    p2Description: textarea('P2_description'),
    p3Description: textarea('P3_description'),
    p4Description: textarea('P4_description'),
    p5Description: textarea('P5_description'),
    p6Description: textarea('P6_description'),
    p7Description: textarea('P7_description'),
    p8Description: textarea('P8_description'),
    p9Description: textarea('P9_description'),
    p10Description: textarea('P10_description'),
    m1Description: textarea('M1_description'),
    m2Description: textarea('M2_description'),
    m3Description: textarea('M3_description'),
    m4Description: textarea('M4_description'),
    m5Description: textarea('M5_description'),
    m6Description: textarea('M6_description'),
    m7Description: textarea('M7_description'),
    m8Description: textarea('M8_description'),
    m9Description: textarea('M9_description'),
    d1Description: textarea('D1_description'),
    d2Description: textarea('D2_description'),
    d3Description: textarea('D3_description'),
    d4Description: textarea('D4_description'),
    d5Description: textarea('D5_description'),
    d6Description: textarea('D6_description'),
    // Subform holding Pass criteria P11–P20. Columns are NOT in the export: the names come from
    // the predecessor's template service (§1.4), the type (textarea) is our assumption. Whether
    // Zoho keeps them as one row with ten columns or one column per row is unknown, so every
    // column is optional and rows are kept in order.
    gradingTemplateP1: {
      apiName: 'BTEC_Grading_Template_P1',
      type: 'subform',
      subform: {
        p11Description: textarea('P11_description'),
        p12Description: textarea('P12_description'),
        p13Description: textarea('P13_description'),
        p14Description: textarea('P14_description'),
        p15Description: textarea('P15_description'),
        p16Description: textarea('P16_description'),
        p17Description: textarea('P17_description'),
        p18Description: textarea('P18_description'),
        p19Description: textarea('P19_description'),
        p20Description: textarea('P20_description'),
      },
    },
    moodleGradingTemplate: { apiName: 'Moodle_Grading_Template', type: 'text' }, // "Synced" / "Failed"
    lastSyncWithMoodle: { apiName: 'Last_Sync_with_Moodle', type: 'datetime' },
    unitCode: { apiName: 'Unit_Code', type: 'text' },
    unitNumber: { apiName: 'Unit_Number', type: 'text' },
    unitCredit: { apiName: 'Unit_Credit', type: 'text' },
    unitLevel: { apiName: 'Unit_Level', type: 'picklist', picklist: ['Level 3', 'Level 5', 'Level 7'] },
    unitMajor: {
      apiName: 'Unit_Major',
      type: 'picklist',
      picklist: ['IT', 'BUS', 'AD', 'L3', 'Strategic Management and Leadership'],
    },
    serviceType: { apiName: 'Service_Type', type: 'picklist', picklist: ['BTEC', 'Qualifi'] },
    program: { apiName: 'Program', type: 'lookup', lookupModule: 'Products' },
    ...SYSTEM_TIMES,
  },
  BTEC_Classes: {
    recordNumber: { apiName: 'Name', type: 'autonumber' }, // label "Zoho ID"
    name: { apiName: 'Class_Name', type: 'text', maxLength: 255 }, // = Moodle course fullname
    shortName: { apiName: 'Class_Short_Name', type: 'text', maxLength: 255 },
    status: {
      apiName: 'Class_Status',
      type: 'picklist',
      decidedBy: 'classes.create_when_status',
      picklist: [
        'Pending',
        'Active',
        'Initial Evaluation',
        'Final Evaluation',
        'Waiting Submission',
        'Waiting Resubmission',
        'End',
      ],
    },
    program: { apiName: 'BTEC_Program', type: 'lookup', lookupModule: 'Products' },
    teacher: { apiName: 'Teacher', type: 'lookup', lookupModule: 'BTEC_Teachers' },
    unit: { apiName: 'Unit', type: 'lookup', lookupModule: 'BTEC' },
    startDate: { apiName: 'Start_Date', type: 'date' },
    endDate: { apiName: 'End_Date', type: 'date' },
    moodleClassId: { apiName: 'Moodle_Class_ID', type: 'text', maxLength: 255 },
    term: { apiName: 'Term', type: 'picklist', picklist: ['T1', 'T2', 'T3', 'T4'] },
    studyMode: { apiName: 'Class_Study_Mode', type: 'picklist', picklist: STUDY_MODES },
    ...SYSTEM_TIMES,
  },
  BTEC_Enrollments: {
    recordNumber: { apiName: 'Name', type: 'autonumber' }, // label "Enrollment ID"
    student: { apiName: 'Enrolled_Students', type: 'lookup', lookupModule: 'BTEC_Students', required: true },
    class: { apiName: 'Classes', type: 'lookup', lookupModule: 'BTEC_Classes', required: true },
    startDate: { apiName: 'Start_Date', type: 'date' },
    endDate: { apiName: 'End_Date', type: 'date' },
    enrollmentType: {
      apiName: 'Enrollment_Type',
      type: 'picklist',
      picklist: ['Normal', 'Recording', 'Self-Study', 'Not Graded'],
    },
    studentName: { apiName: 'Student_Name', type: 'text' },
    className: { apiName: 'Class_Name', type: 'text' },
    enrolledProgram: { apiName: 'Enrolled_Program', type: 'text' },
    classTeacher: { apiName: 'Class_Teacher', type: 'text' },
    moodleCourseId: { apiName: 'Moodle_Course_ID', type: 'text' },
    syncedToMoodle: { apiName: 'Synced_to_Moodle', type: 'boolean' },
    lastSyncDate: { apiName: 'Last_Sync_Date', type: 'datetime' },
    ...SYSTEM_TIMES,
  },
  BTEC_Registrations: {
    recordNumber: { apiName: 'Name', type: 'autonumber' }, // label "Registration ID"
    student: { apiName: 'Student_ID', type: 'lookup', lookupModule: 'BTEC_Students' },
    program: { apiName: 'Program', type: 'lookup', lookupModule: 'Products' },
    registrationDate: { apiName: 'Registration_Date', type: 'date' },
    registrationStatus: {
      apiName: 'Registration_Status',
      type: 'picklist',
      picklist: ['New', 'Active', 'Graduated', 'Freeze', 'Blocked', 'Withdraw', 'Special'],
    },
    studyMode: { apiName: 'Study_Mode', type: 'picklist', picklist: ['Online', 'Onsite', 'Blended'] },
    studyLanguage: { apiName: 'Study_Language', type: 'picklist', picklist: ['Arabic', 'English', 'Turkish'] },
    programPrice: { apiName: 'Program_Price', type: 'money' }, // Zoho type: text ("4400$")
    remainingAmount: { apiName: 'Remaining_Amount', type: 'money' }, // Zoho type: text
    currency: { apiName: 'Currency', type: 'picklist', picklist: CURRENCIES },
    discount: { apiName: 'Discount', type: 'boolean' },
    discountPercentage: { apiName: 'Discount_Percentage', type: 'text' }, // Zoho type: text
    // One row per installment. Columns are NOT in the export (§1.7, §6): names from the
    // predecessor's code; types chosen from how it used them (Installment_Status is free text
    // because no picklist is known; Installment_No is read as an integer).
    paymentSchedule: {
      apiName: 'Payment_Schedule',
      type: 'subform',
      subform: {
        installmentNumber: { apiName: 'Installment_No', type: 'integer' },
        dueDate: { apiName: 'Due_Date', type: 'date' },
        amount: { apiName: 'Installment_Amount', type: 'money' },
        status: { apiName: 'Installment_Status', type: 'text' },
        paidDate: { apiName: 'Paid_Date', type: 'date' },
      },
    },
    studentStatus: { apiName: 'Student_Status', type: 'text' },
    btecRegistrationNumber: { apiName: 'BTEC_Reg_No', type: 'text' },
    intake: { apiName: 'Intake', type: 'text' },
    void: { apiName: 'Void', type: 'text' }, // Zoho type: text (a flag stored as text)
    syncedToMoodle: { apiName: 'Synced_to_Moodle', type: 'boolean' },
    lastSyncDate: { apiName: 'Last_Sync_Date', type: 'datetime' },
    ...SYSTEM_TIMES,
  },
  BTEC_Payments: {
    paymentNumber: { apiName: 'Name', type: 'autonumber' }, // label "Payment ID"
    registration: { apiName: 'Registration_ID', type: 'lookup', lookupModule: 'BTEC_Registrations' },
    student: { apiName: 'Student_ID', type: 'lookup', lookupModule: 'BTEC_Students' },
    amount: { apiName: 'Payment_Amount', type: 'money' },
    paymentDate: { apiName: 'Payment_Date', type: 'date' },
    method: { apiName: 'Payment_Method', type: 'picklist', picklist: ['Cash', 'Bank Transfer'] },
    paymentType: {
      apiName: 'Payment_Type',
      type: 'picklist',
      picklist: ['Registration Fees', 'Study Fees', 'Assignment Remark Fees', 'Certificate Fees', 'Books Fees'],
    },
    installmentNumber: { apiName: 'Installment_No', type: 'integer' },
    note: { apiName: 'Note', type: 'textarea' },
    voucherNumber: { apiName: 'SRM_Voucher_Number', type: 'text' },
    originalAmount: { apiName: 'SRM_Original_Amount', type: 'money' },
    originalCurrency: { apiName: 'SRM_Original_Currency', type: 'text' },
    accepted: { apiName: 'SRM_Active', type: 'text' }, // label "Accepted"; closest to a status
    declineReason: { apiName: 'SRM_Decline_Reason', type: 'text' },
    currency: { apiName: 'Currency', type: 'picklist', picklist: CURRENCIES },
    syncedToMoodle: { apiName: 'Synced_to_Moodle', type: 'boolean' },
    lastSyncDate: { apiName: 'Last_Sync_Date', type: 'datetime' },
    ...SYSTEM_TIMES,
  },
  BTEC_Grades: {
    recordNumber: { apiName: 'Name', type: 'autonumber' }, // label "Grade Record ID"
    compositeKey: { apiName: 'Moodle_Grade_Composite_Key', type: 'text', maxLength: 255 },
    moodleGradeId: { apiName: 'Moodle_Grade_ID', type: 'text' },
    gradeName: { apiName: 'BTEC_Grade_Name', type: 'text', maxLength: 255 },
    grade: { apiName: 'Grade', type: 'picklist', picklist: ['D', 'M', 'P', 'R', 'RR', 'F', 'Mapped'] },
    gradeStatus: {
      apiName: 'Grade_Status',
      type: 'picklist',
      picklist: ['Not Marked', 'In Marking', 'Marking completed', 'In review', 'Ready for release', 'Released'],
    },
    attemptNumber: { apiName: 'Attempt_Number', type: 'integer' },
    attemptDate: { apiName: 'Attempt_Date', type: 'date' },
    feedback: { apiName: 'Feedback', type: 'textarea', maxLength: 2000 },
    graderName: { apiName: 'Grader_Name', type: 'text' },
    ivName: { apiName: 'IV_Name', type: 'text' },
    student: { apiName: 'Student', type: 'lookup', lookupModule: 'BTEC_Students' },
    class: { apiName: 'Class', type: 'lookup', lookupModule: 'BTEC_Classes' },
    studentName: { apiName: 'Student_Name', type: 'text' },
    className: { apiName: 'Class_Name', type: 'text' },
    unitName: { apiName: 'BTEC_Unit', type: 'text' },
    // One row per BTEC criterion. Columns are NOT in the export (§1.9.1, §6): names from the
    // predecessor's writer; types are our choice. LO_Score is written as text but read as a
    // number, so it accepts either and is kept as text.
    learningOutcomes: {
      apiName: 'Learning_Outcomes_Assessm',
      type: 'subform',
      subform: {
        code: { apiName: 'LO_Code', type: 'text' },
        outcomeIdentification: { apiName: 'LO_Outcome_Identification', type: 'text' },
        title: { apiName: 'LO_Title', type: 'textarea' },
        definition: { apiName: 'LO_Definition', type: 'textarea' },
        score: { apiName: 'LO_Score', type: 'textOrNumber' },
        feedback: { apiName: 'LO_Feedback', type: 'textarea' },
      },
    },
    ...SYSTEM_TIMES,
  },
} as const satisfies Readonly<Record<string, ZohoModuleMapping>>;

export type ZohoFieldMappings = typeof ZOHO_FIELD_MAPPINGS;
export type ZohoModuleName = keyof ZohoFieldMappings;
export const ZOHO_MODULE_NAMES = Object.keys(ZOHO_FIELD_MAPPINGS) as ZohoModuleName[];

/**
 * Per-module renames of Zoho API names, for another college's org: module API name →
 * canonical property → that org's API name. A subform column is addressed as
 * `<subformProperty>.<rowProperty>`, e.g. `{ BTEC_Registrations: { 'paymentSchedule.amount': 'Amount' } }`.
 */
export type ZohoFieldOverrides = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A field override names something the mapping does not have, or an unusable API name. */
export class ZohoFieldOverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZohoFieldOverrideError';
  }
}

const API_NAME = /^\$?[A-Za-z][A-Za-z0-9_]*$/;

/**
 * A copy of `mappings` with API names renamed; types, picklists and properties are unchanged.
 * @throws {ZohoFieldOverrideError} naming the unknown module / property, an invalid API name,
 * or two properties of one module (or one subform) that would read the same API name.
 */
export function withFieldOverrides<M extends Readonly<Record<string, ZohoModuleMapping>>>(
  mappings: M,
  overrides: ZohoFieldOverrides,
): M {
  const result: Record<string, Record<string, ZohoFieldSpec>> = {};
  for (const [module, mapping] of Object.entries(mappings)) result[module] = { ...mapping };
  for (const [module, renames] of Object.entries(overrides)) {
    const mapping = result[module];
    if (!mapping) throw new ZohoFieldOverrideError(`unknown Zoho module in field overrides: ${module}`);
    for (const [path, apiName] of Object.entries(renames)) {
      if (typeof apiName !== 'string' || !API_NAME.test(apiName)) {
        throw new ZohoFieldOverrideError(`${module}.${path}: override is not a valid Zoho API name`);
      }
      applyRename(module, mapping, path, apiName);
    }
    assertDistinctApiNames(module, mapping);
  }
  return result as M;
}

function applyRename(module: string, mapping: Record<string, ZohoFieldSpec>, path: string, apiName: string): void {
  const [property = '', rowProperty, ...rest] = path.split('.');
  const spec = Object.hasOwn(mapping, property) ? mapping[property] : undefined;
  if (!spec || rest.length > 0)
    throw new ZohoFieldOverrideError(`unknown property in field overrides: ${module}.${path}`);
  if (rowProperty === undefined) {
    mapping[property] = { ...spec, apiName };
    return;
  }
  const column =
    spec.type === 'subform' && Object.hasOwn(spec.subform, rowProperty) ? spec.subform[rowProperty] : undefined;
  if (spec.type !== 'subform' || !column) {
    throw new ZohoFieldOverrideError(`unknown property in field overrides: ${module}.${path}`);
  }
  mapping[property] = { ...spec, subform: { ...spec.subform, [rowProperty]: { ...column, apiName } } };
}

function assertDistinctApiNames(module: string, mapping: ZohoModuleMapping): void {
  const check = (where: string, specs: readonly { apiName: string }[]) => {
    const seen = new Set<string>(['id']);
    for (const { apiName } of specs) {
      if (seen.has(apiName)) throw new ZohoFieldOverrideError(`${where}: two properties read the API name ${apiName}`);
      seen.add(apiName);
    }
  };
  check(module, Object.values(mapping));
  for (const [property, spec] of Object.entries(mapping)) {
    if (spec.type === 'subform') check(`${module}.${property}`, Object.values(spec.subform));
  }
}
