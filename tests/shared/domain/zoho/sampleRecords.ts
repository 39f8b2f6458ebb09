/**
 * Realistic raw Zoho records (REST API shape) for every mapped module, built from the field
 * lists of docs/zoho-fields.md §1. All people are invented. Each call returns a fresh copy.
 */

export const IDS = {
  student: '5843210000001234567',
  teacher: '5843210000002345678',
  program: '5843210000003456789',
  unit: '5843210000004567890',
  class: '5843210000005678901',
  enrollment: '5843210000006789012',
  registration: '5843210000007890123',
  payment: '5843210000008901234',
  grade: '5843210000009012345',
} as const;

const SYSTEM = {
  Owner: { name: 'Admissions Office', id: '5843210000000000001', email: 'office@college.example' },
  Created_Time: '2026-01-05T09:12:44+03:00',
  Modified_Time: '2026-02-10T16:03:01+03:00',
  Tag: [],
  Locked__s: false,
  $approval_state: 'approved',
};

export function studentRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.student,
    Name: 'ST-2026-0042',
    First_Name: 'Leyla',
    Last_Name: 'Quahog',
    Display_Name: 'Leyla Quahog',
    Academic_Email: 'leyla.quahog@students.college.example',
    Email: 'leyla.private@mail.example',
    Phone_Number: '+90 555 010 2030',
    Address: '12 Example Street\nFlat 3',
    City: 'Istanbul',
    Country: 'Turkey',
    Nationality: 'Syria',
    Birth_Date: '2001-04-17',
    Gender: 'Female',
    National_Number: '99912345678',
    Emergency_Contact_Name: 'Omar Quahog',
    Emergency_Phone_Number: '+90 555 999 8877',
    Status: 'Active',
    Major: 'Computing',
    Sub_Major: 'Cyber Security',
    Student_Moodle_ID: '4242',
    Synced_to_Moodle: true,
    Last_Sync_Date: '2026-02-11T08:00:00+03:00',
    BTEC_Registration_Number: 'PX1234567',
    Academic_Program: 'Level 5',
    Study_Language: 'English',
    Study_Mode: 'Online',
    Registration_Date: '2025-09-01',
    Program: { name: 'HND in Computing', id: IDS.program },
    // fields the sync does not map: tolerated and ignored
    Classes: [{ name: 'Networking - T1', id: IDS.class }],
    Academic_Password: 'not-for-us',
    st_Payment: 1200,
    Networking: 'P',
    Frist_Name_Native: 'ليلى',
  };
}

export function teacherRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.teacher,
    Name: 'Dr. Selim Example',
    Email: 'selim@mail.example',
    Academic_Email: 'selim.example@college.example',
    Phone_Number: '+90 212 000 0000',
    Teacher_Moodle_ID: '77',
    Currency: 'USD',
    Exchange_Rate: 1,
  };
}

export function programRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.program,
    Product_Name: 'HND in Computing',
    Program_ID: 'PRG-0007',
    MoodleID: '12',
    crmnmoodle__Moodle_ID: 12,
    Program_Price: 4400,
    Unit_Price: 350.5,
    Status: 'Approved',
    Program_Type: 'fds',
    Program_Major: 'IT',
    Program_Sub_Major: 'Computer Science',
    Product_Sub_Category: 'None',
    Description: null,
  };
}

export function unitRecord(): Record<string, unknown> {
  const record: Record<string, unknown> = {
    ...SYSTEM,
    id: IDS.unit,
    Name: 'Unit 2: Networking',
    BTEC_Grading_Template_P1: [
      { id: '5843210000004560001', P11_description: 'Configure a VLAN', P12_description: 'Document the test plan' },
      { id: '5843210000004560002', P13_description: 'Evaluate the topology', P14_description: null },
    ],
    Moodle_Grading_Template: 'Synced',
    Last_Sync_with_Moodle: '2026-02-01T10:00:00+00:00',
    Unit_Code: 'H/618/7388',
    Unit_Number: '2',
    Unit_Credit: '15',
    Unit_Level: 'Level 5',
    Unit_Major: 'IT',
    Service_Type: 'BTEC',
    Program: { name: 'HND in Computing', id: IDS.program },
    Registered_Students: null,
  };
  for (let n = 1; n <= 10; n++) record[`P${n}_description`] = `Pass criterion ${n}`;
  for (let n = 1; n <= 9; n++) record[`M${n}_description`] = n <= 4 ? `Merit criterion ${n}` : null;
  for (let n = 1; n <= 6; n++) record[`D${n}_description`] = n <= 2 ? `Distinction criterion ${n}` : '';
  return record;
}

export function classRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.class,
    Name: 'CLS-00318',
    Class_Name: 'Networking - L5 - T1 2026',
    Class_Short_Name: 'NET-L5-T1-26',
    Moodle_Class_ID: null,
    Class_Status: 'Active',
    BTEC_Program: { name: 'HND in Computing', id: IDS.program },
    Unit: { name: 'Unit 2: Networking', id: IDS.unit },
    Teacher: { name: 'Dr. Selim Example', id: IDS.teacher },
    Start_Date: '2026-02-02',
    End_Date: '2026-05-29',
    Term: 'T1',
    Class_Study_Mode: 'Online',
    Enrolled_Students: [{ name: 'ST-2026-0042', id: IDS.student }],
    English_Teaching: true,
    Start_Hour: 'Monday',
    Intake: null,
  };
}

export function enrollmentRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.enrollment,
    Name: 'ENR-01933',
    Classes: { name: 'Networking - L5 - T1 2026', id: IDS.class },
    Enrolled_Students: { name: 'ST-2026-0042', id: IDS.student },
    Start_Date: '2026-02-02',
    End_Date: null,
    Enrollment_Type: 'Normal',
    Student_Name: 'Leyla Quahog',
    Class_Name: 'Networking - L5 - T1 2026',
    Enrolled_Program: 'HND in Computing',
    Class_Teacher: 'Dr. Selim Example',
    Moodle_Course_ID: '',
    Synced_to_Moodle: false,
    Last_Sync_Date: null,
    Recording_Attending_Term: null,
  };
}

export function registrationRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.registration,
    Name: 'REG-00211',
    Student_ID: { name: 'ST-2026-0042', id: IDS.student },
    Program: { name: 'HND in Computing', id: IDS.program },
    Registration_Date: '2025-09-01',
    Registration_Status: 'Active',
    Study_Mode: 'Online',
    Study_Language: 'English',
    Program_Price: '4400$',
    Remaining_Amount: '$1,200.50',
    Currency: 'USD',
    Discount: false,
    Discount_Percentage: '',
    Payment_Schedule: [
      {
        id: '5843210000007890001',
        Installment_No: 1,
        Due_Date: '2025-09-15',
        Installment_Amount: 1500,
        Installment_Status: 'Paid',
        Paid_Date: '2025-09-10',
      },
      {
        id: '5843210000007890002',
        Installment_No: 2,
        Due_Date: '2025-12-15',
        Installment_Amount: 1699.5,
        Installment_Status: 'Paid',
        Paid_Date: '2025-12-20',
      },
      {
        id: '5843210000007890003',
        Installment_No: 3,
        Due_Date: '2026-03-15',
        Installment_Amount: '1200.50',
        Installment_Status: 'Pending',
        Paid_Date: null,
      },
    ],
    Student_Status: 'Active',
    BTEC_Reg_No: 'PX1234567',
    Intake: 'Sep 2025',
    Void: null,
    Synced_to_Moodle: false,
    Last_Sync_Date: null,
    Exchange_Rate: 1,
  };
}

export function paymentRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.payment,
    Name: 'PAY-03310',
    Registration_ID: { name: 'REG-00211', id: IDS.registration },
    Student_ID: { name: 'ST-2026-0042', id: IDS.student },
    Payment_Amount: 1699.5,
    Payment_Date: '2025-12-20',
    Payment_Method: 'Bank Transfer',
    Payment_Type: 'Study Fees',
    Installment_No: 2,
    Note: 'Paid late, approved by finance',
    SRM_Voucher_Number: 'V-7781',
    SRM_Original_Amount: 55000,
    SRM_Original_Currency: 'TRY',
    SRM_Active: 'Yes',
    SRM_Decline_Reason: null,
    Currency: 'USD',
    Synced_to_Moodle: false,
    Last_Sync_Date: null,
  };
}

export function gradeRecord(): Record<string, unknown> {
  return {
    ...SYSTEM,
    id: IDS.grade,
    Name: 'GR-10020',
    Moodle_Grade_Composite_Key: '4242_318_977',
    Moodle_Grade_ID: '55123',
    BTEC_Grade_Name: 'Leyla Quahog - Networking - L5 - T1 2026 - M - 2026-03-01',
    Grade: 'M',
    Grade_Status: 'Released',
    Attempt_Number: 1,
    Attempt_Date: '2026-03-01',
    Feedback: 'Good network design; justify the VLAN choice.',
    Grader_Name: 'Dr. Selim Example',
    IV_Name: null,
    Student: { name: 'ST-2026-0042', id: IDS.student },
    Class: { name: 'Networking - L5 - T1 2026', id: IDS.class },
    Student_Name: 'Leyla Quahog',
    Class_Name: 'Networking - L5 - T1 2026',
    BTEC_Unit: 'Unit 2: Networking',
    Learning_Outcomes_Assessm: [
      {
        id: '5843210000009010001',
        LO_Code: 'P1',
        LO_Outcome_Identification: 'P1',
        LO_Title: 'Explain protocols',
        LO_Definition: 'Explain protocols',
        LO_Score: '1',
        LO_Feedback: 'Clear',
      },
      {
        id: '5843210000009010002',
        LO_Code: 'M1',
        LO_Outcome_Identification: 'M1',
        LO_Title: 'Analyse',
        LO_Definition: 'Analyse',
        LO_Score: 1,
        LO_Feedback: null,
      },
      {
        id: '5843210000009010003',
        LO_Code: 'D1',
        LO_Outcome_Identification: 'D1',
        LO_Title: 'Evaluate',
        LO_Definition: 'Evaluate',
        LO_Score: '0',
        LO_Feedback: '',
      },
    ],
  };
}
