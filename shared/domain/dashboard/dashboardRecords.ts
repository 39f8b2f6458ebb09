/**
 * The records the Moodle plugin's web-service functions take (moodle-plugin/README.md
 * "Service → Moodle"), as the service sends them: complete (every optional field given, ''
 * / 0 / false for none), so a value cleared in Zoho is cleared on the dashboard too and the
 * fingerprint of a record covers everything the plugin stores. Pure types.
 */

export const DASHBOARD_ENTITIES = ['finance', 'registration', 'payment', 'grade', 'unit'] as const;
export type DashboardEntity = (typeof DASHBOARD_ENTITIES)[number];

/** A student's finance summary, keyed by the BTEC_Students id. */
export interface DashboardFinance {
  zohoid: string;
  userid: number;
  scholarship: string;
  scholarshipreason: string;
  /** "0"–"100", at most 2 decimals; '' for none. */
  scholarshippct: string;
  currency: string;
  amounttransferred: string;
  paymentmethod: string;
  paymentmode: string;
  bankname: string;
  bankholder: string;
  registrationfees: string;
  invoiceregfees: string;
  totalamount: string;
  discountamount: string;
}

export interface DashboardInstallment {
  installmentno: number;
  duedate: string;
  amount: string;
  status: string;
  paiddate: string;
}

export interface DashboardRegistration {
  zohoid: string;
  userid: number;
  programname: string;
  registrationdate: string;
  status: string;
  studymode: string;
  currency: string;
  programprice: string;
  installments: DashboardInstallment[];
}

export interface DashboardPayment {
  zohoid: string;
  userid: number;
  registrationzohoid: string;
  paymentnumber: string;
  paymentdate: string;
  amount: string;
  currency: string;
  method: string;
  paymenttype: string;
  installmentno: number;
  voucher: string;
  note: string;
  voided: boolean;
}

export interface DashboardLearningOutcome {
  code: string;
  title: string;
  definition: string;
  score: string;
  feedback: string;
  achieved: boolean;
}

export interface DashboardGrade {
  zohoid: string;
  userid: number;
  /** The class's Moodle course; 0 when not known. */
  courseid: number;
  classzohoid: string;
  classname: string;
  unitname: string;
  gradename: string;
  grade: string;
  gradestatus: string;
  attemptno: number;
  attemptdate: string;
  feedback: string;
  gradername: string;
  ivname: string;
  learningoutcomes: DashboardLearningOutcome[];
}

export interface DashboardUnitCriterion {
  code: string;
  description: string;
}

export interface DashboardUnit {
  zohoid: string;
  name: string;
  unitcode: string;
  unitlevel: string;
  criteria: DashboardUnitCriterion[];
}

export interface DashboardRecordOf {
  finance: DashboardFinance;
  registration: DashboardRegistration;
  payment: DashboardPayment;
  grade: DashboardGrade;
  unit: DashboardUnit;
}
export type DashboardRecord = DashboardRecordOf[DashboardEntity];

/** What a mapper gives: the record, and what it had to leave out (reported in the event's result). */
export interface MappedDashboardRecord<E extends DashboardEntity> {
  record: DashboardRecordOf[E];
  warnings: string[];
}
