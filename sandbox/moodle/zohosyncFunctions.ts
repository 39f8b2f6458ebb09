import { PLUGIN_VERSION, type CallContext, type MoodleFunction } from './MoodleFunction.ts';
import { invalidParameter, MoodleException } from './MoodleException.ts';
import { isSiteAdmin, takeId, type MoodleState, type ZohosyncTable } from './moodleState.ts';
import { multiple, single, value, type ParamDesc } from './validateParameters.ts';

/**
 * The local_zohosync plugin's ten dashboard-data functions, answering exactly as its PHP does
 * (moodle-plugin/zohosync/classes/external/*.php → local/ws_common.php, data_store.php,
 * validator.php, money.php): parameters built from the same SPECS, `validate_parameters`
 * first (a wrong type or missing required field refuses the whole call), then the
 * `local/zohosync:managedata` capability (nopermissions), then the 500-record limit, then one
 * result per record in request order. Invalid records are reported and skipped; the valid
 * ones are written in one transaction (the REST handler's snapshot rolls a failed call back).
 */

type FieldType =
  | `text:${number}`
  | 'textarea'
  | 'money'
  | 'percent'
  | 'date'
  | 'int'
  | 'posint'
  | 'bool'
  | 'grade'
  | 'zohoid'
  | 'courseid'
  | 'criterion';

interface ChildSpec {
  param: string;
  table: ZohosyncTable;
  parent: string;
  key: string | null;
  fields: Record<string, FieldType>;
}

interface EntitySpec {
  table: ZohosyncTable;
  student: boolean;
  fields: Record<string, FieldType>;
  children: ChildSpec | null;
}

/** data_store::MAX_BATCH. */
export const ZOHOSYNC_MAX_BATCH = 500;

/** data_store::SPECS, field for field. */
export const ZOHOSYNC_SPECS = {
  finance: {
    table: 'local_zohosync_finance',
    student: true,
    fields: {
      scholarship: 'text:100',
      scholarshipreason: 'text:255',
      scholarshippct: 'percent',
      currency: 'text:10',
      amounttransferred: 'money',
      paymentmethod: 'text:50',
      paymentmode: 'text:50',
      bankname: 'text:255',
      bankholder: 'text:255',
      registrationfees: 'money',
      invoiceregfees: 'text:100',
      totalamount: 'money',
      discountamount: 'money',
    },
    children: null,
  },
  registration: {
    table: 'local_zohosync_registration',
    student: true,
    fields: {
      programname: 'text:255',
      registrationdate: 'date',
      status: 'text:50',
      studymode: 'text:50',
      currency: 'text:10',
      programprice: 'money',
    },
    children: {
      param: 'installments',
      table: 'local_zohosync_installment',
      parent: 'registrationid',
      key: 'installmentno',
      fields: { installmentno: 'posint', duedate: 'date', amount: 'money', status: 'text:50', paiddate: 'date' },
    },
  },
  payment: {
    table: 'local_zohosync_payment',
    student: true,
    fields: {
      registrationzohoid: 'zohoid',
      paymentnumber: 'text:120',
      paymentdate: 'date',
      amount: 'money',
      currency: 'text:10',
      method: 'text:50',
      paymenttype: 'text:100',
      installmentno: 'int',
      voucher: 'text:100',
      note: 'textarea',
      voided: 'bool',
    },
    children: null,
  },
  grade: {
    table: 'local_zohosync_grade',
    student: true,
    fields: {
      courseid: 'courseid',
      classzohoid: 'zohoid',
      classname: 'text:255',
      unitname: 'text:255',
      gradename: 'text:255',
      grade: 'grade',
      gradestatus: 'text:50',
      attemptno: 'int',
      attemptdate: 'date',
      feedback: 'textarea',
      gradername: 'text:255',
      ivname: 'text:255',
    },
    children: {
      param: 'learningoutcomes',
      table: 'local_zohosync_grade_lo',
      parent: 'gradeid',
      key: null,
      fields: {
        code: 'text:20',
        title: 'textarea',
        definition: 'textarea',
        score: 'text:20',
        feedback: 'textarea',
        achieved: 'bool',
      },
    },
  },
  unit: {
    table: 'local_zohosync_unit',
    student: false,
    fields: { name: 'text:255', unitcode: 'text:50', unitlevel: 'text:50' },
    children: {
      param: 'criteria',
      table: 'local_zohosync_unit_crit',
      parent: 'unitid',
      key: 'code',
      fields: { code: 'criterion', description: 'textarea' },
    },
  },
} as const satisfies Record<string, EntitySpec>;
export type ZohosyncEntity = keyof typeof ZOHOSYNC_SPECS;

const specOf = (entity: ZohosyncEntity): EntitySpec => ZOHOSYNC_SPECS[entity];

// ---- ws_common: parameters ---------------------------------------------------------------

function fieldParam(type: FieldType, required: boolean): ParamDesc {
  switch (type) {
    case 'int':
    case 'posint':
    case 'courseid':
      return value('int', required ? 'required' : { default: 0 });
    case 'bool':
      return value('bool', required ? 'required' : { default: false });
    default:
      return value('text', required ? 'required' : { default: '' });
  }
}

/** ws_common::upsert_parameters(). */
function upsertParams(entity: ZohosyncEntity): Record<string, ParamDesc> {
  const spec = specOf(entity);
  const fields: Record<string, ParamDesc> = { zohoid: value('alphanum') };
  if (spec.student) fields.userid = value('int');
  for (const [name, type] of Object.entries(spec.fields)) fields[name] = fieldParam(type, false);
  if (spec.children) {
    const child: Record<string, ParamDesc> = {};
    for (const [name, type] of Object.entries(spec.children.fields)) {
      child[name] = fieldParam(type, name === spec.children.key || type === 'criterion' || name === 'code');
    }
    fields[spec.children.param] = multiple(single(child), { default: [] });
  }
  return { records: multiple(single(fields)) };
}

// ---- validator / money ---------------------------------------------------------------------

const MONEY = /^(-)?(\d{1,10})(?:\.(\d{1,2}))?$/;
const GRADE_LETTERS = ['', 'D', 'M', 'P', 'R', 'RR', 'F', 'Mapped'];

const isZohoId = (text: string) => /^\d{1,20}$/.test(text);

function toCents(amount: string): number {
  const m = MONEY.exec(amount)!;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/** money::normalise(): "4400.5" → "4400.50" (integer cents: exact up to 10 integer digits). */
export function normaliseMoney(amount: string): string {
  const cents = toCents(amount);
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** validator::is_date_or_empty() for a non-empty value: YYYY-MM-DD passing PHP's checkdate(). */
function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && days !== undefined && day >= 1 && day <= days;
}

/** PHP's (int) cast of a stored value. */
function phpInt(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const m = /^\s*([+-]?\d+)/.exec(String(value ?? ''));
  return m ? Number(m[1]) : 0;
}

/** data_store::check_value(). */
function checkValue(type: FieldType, raw: unknown): string | null {
  const text = raw === null || raw === undefined ? '' : typeof raw === 'boolean' ? (raw ? '1' : '') : String(raw);
  if (type.startsWith('text:')) {
    const max = Number(type.slice(5));
    return [...text].length > max ? `longer than ${max}` : null;
  }
  switch (type) {
    case 'money':
      return text === '' || MONEY.test(text) ? null : 'not an amount like "4400.00"';
    case 'percent':
      return text === '' || (/^\d{1,3}(\.\d{1,2})?$/.test(text) && toCents(text) <= 10000)
        ? null
        : 'not a percentage 0 to 100';
    case 'date':
      return text === '' || isCalendarDate(text) ? null : 'not a date YYYY-MM-DD';
    case 'grade':
      return GRADE_LETTERS.includes(text) ? null : 'not one of D, M, P, R, RR, F, Mapped';
    case 'zohoid':
      return text === '' || isZohoId(text) ? null : 'not a Zoho record id';
    case 'criterion':
      return /^[PMD][1-9]\d?$/.test(text) ? null : 'not a criterion code (P1, M2, D3 …)';
    case 'int':
    case 'courseid':
      return phpInt(raw) < 0 ? 'negative' : null;
    case 'posint':
      return phpInt(raw) < 1 ? 'must be 1 or more' : null;
    default:
      return null;
  }
}

type InputRecord = Record<string, unknown>;

/** data_store::check(): the first problem of a record as [errorcode, message], or null. */
function checkRecord(state: MoodleState, entity: ZohosyncEntity, record: InputRecord): [string, string] | null {
  const spec = specOf(entity);
  if (!isZohoId(String(record.zohoid))) return ['invalidfield', 'zohoid: not a Zoho record id (digits only)'];
  for (const [field, type] of Object.entries(spec.fields)) {
    const problem = checkValue(type, record[field]);
    if (problem !== null) return ['invalidfield', `${field}: ${problem}`];
  }
  if (entity === 'unit' && String(record.name).trim() === '') return ['invalidfield', 'name: required'];
  if (spec.children) {
    const child = spec.children;
    const keys: string[] = [];
    for (const [index, row] of ((record[child.param] ?? []) as InputRecord[]).entries()) {
      for (const [field, type] of Object.entries(child.fields)) {
        const problem = checkValue(type, row[field]);
        if (problem !== null) return ['invalidfield', `${child.param}[${index}].${field}: ${problem}`];
        // The outcome code column is NOT NULL: an empty code is refused here rather than
        // failing the whole call's insert (data_store::check, same rule).
        if (field === 'code' && String(row[field] ?? '').trim() === '')
          return ['invalidfield', `${child.param}[${index}].code: required`];
      }
      if (child.key !== null) keys.push(String(row[child.key]));
    }
    if (new Set(keys).size !== keys.length) return ['invalidfield', `${child.param}: ${child.key} repeated`];
  }
  if (spec.student && !state.users.some((u) => u.id === phpInt(record.userid) && !u.deleted))
    return ['usernotfound', 'userid: no such Moodle user'];
  if (
    'courseid' in spec.fields &&
    phpInt(record.courseid) > 0 &&
    !state.courses.some((c) => c.id === phpInt(record.courseid))
  ) {
    return ['coursenotfound', 'courseid: no such Moodle course'];
  }
  return null;
}

// ---- data_store: storage -------------------------------------------------------------------

/** data_store::to_db(). */
function toDb(type: FieldType, raw: unknown): string | number | null {
  switch (type) {
    case 'money':
    case 'percent':
      return raw === null || raw === undefined || String(raw) === '' ? null : normaliseMoney(String(raw));
    case 'bool':
      return raw ? 1 : 0;
    case 'courseid':
    case 'posint':
      return phpInt(raw);
    case 'int':
      return phpInt(raw) > 0 ? phpInt(raw) : null;
    default:
      return raw === null || raw === undefined || String(raw) === '' ? null : String(raw);
  }
}

/** data_store::comparable(): equal values compare equal whatever form they are stored in. */
function comparable(type: FieldType, stored: unknown): string | null {
  if (stored === null || stored === undefined || stored === '') return null;
  switch (type) {
    case 'money':
    case 'percent':
      return MONEY.test(String(stored)) ? normaliseMoney(String(stored)) : String(stored);
    case 'bool':
    case 'int':
    case 'posint':
    case 'courseid':
      return String(phpInt(stored));
    default:
      return String(stored);
  }
}

function childRow(entity: ZohosyncEntity, child: InputRecord, index: number): Record<string, string | number | null> {
  const spec = specOf(entity).children!;
  const row: Record<string, string | number | null> = {};
  for (const [field, type] of Object.entries(spec.fields)) row[field] = toDb(type, child[field]);
  if (entity === 'grade' || entity === 'unit') row.sortorder = index + 1;
  if (entity === 'unit')
    row.level = ({ P: 'pass', M: 'merit', D: 'distinction' } as Record<string, string>)[String(row.code)[0]!]!;
  return row;
}

function childrenDiffer(
  state: MoodleState,
  spec: ChildSpec,
  parentId: number,
  rows: Record<string, string | number | null>[],
): boolean {
  const order = spec.key === 'installmentno' ? 'installmentno' : 'sortorder';
  const existing = state.zohosync[spec.table]
    .filter((r) => r[spec.parent] === parentId)
    .sort((a, b) => phpInt(a[order]) - phpInt(b[order]) || a.id - b.id);
  const wanted =
    spec.key === 'installmentno' ? [...rows].sort((a, b) => phpInt(a.installmentno) - phpInt(b.installmentno)) : rows;
  if (existing.length !== wanted.length) return true;
  return wanted.some((row, i) =>
    Object.entries(row).some(([field, v]) => {
      const type = spec.fields[field] ?? 'int';
      return comparable(type, existing[i]![field]) !== comparable(type, v);
    }),
  );
}

function replaceChildren(
  state: MoodleState,
  spec: ChildSpec,
  parentId: number,
  rows: Record<string, string | number | null>[],
): void {
  state.zohosync[spec.table] = state.zohosync[spec.table].filter((r) => r[spec.parent] !== parentId);
  for (const row of rows)
    state.zohosync[spec.table].push({ id: takeId(state, spec.table), ...row, [spec.parent]: parentId });
}

/** data_store::upsert(). */
function upsertRecord(
  ctx: CallContext,
  entity: ZohosyncEntity,
  record: InputRecord,
): ['created' | 'updated' | 'unchanged', number] {
  const { state } = ctx;
  const spec = specOf(entity);
  const row: Record<string, string | number | null> = { zohoid: String(record.zohoid) };
  if (spec.student) row.userid = phpInt(record.userid);
  for (const [field, type] of Object.entries(spec.fields)) row[field] = toDb(type, record[field]);
  const children = spec.children
    ? ((record[spec.children.param] ?? []) as InputRecord[]).map((child, index) => childRow(entity, child, index))
    : null;

  const table = state.zohosync[spec.table];
  const existing = table.find((r) => r.zohoid === row.zohoid);
  if (!existing) {
    const id = takeId(state, spec.table);
    table.push({ id, ...row, timecreated: ctx.now, timemodified: ctx.now });
    if (children && spec.children) replaceChildren(state, spec.children, id, children);
    return ['created', id];
  }
  const changed = Object.entries(row).some(([field, v]) => {
    if (field === 'zohoid') return false;
    const type: FieldType = (spec.fields as Record<string, FieldType>)[field] ?? 'int';
    return comparable(type, existing[field]) !== comparable(type, v);
  });
  const childrenChanged =
    children !== null && spec.children !== null && childrenDiffer(state, spec.children, existing.id, children);
  if (!changed && !childrenChanged) return ['unchanged', existing.id];
  Object.assign(existing, row, { timemodified: ctx.now });
  if (childrenChanged && spec.children && children) replaceChildren(state, spec.children, existing.id, children);
  return ['updated', existing.id];
}

/** data_store::delete(). */
function deleteRecord(state: MoodleState, entity: ZohosyncEntity, zohoid: string): ['deleted' | 'notfound', number] {
  const spec = specOf(entity);
  const existing = state.zohosync[spec.table].find((r) => r.zohoid === zohoid);
  if (!existing) return ['notfound', 0];
  if (spec.children)
    state.zohosync[spec.children.table] = state.zohosync[spec.children.table].filter(
      (r) => r[spec.children!.parent] !== existing.id,
    );
  state.zohosync[spec.table] = state.zohosync[spec.table].filter((r) => r.id !== existing.id);
  return ['deleted', existing.id];
}

// ---- the functions ------------------------------------------------------------------------

const result = (zohoid: string, status: string, id: number, errorcode = '', message = '') => ({
  zohoid,
  status,
  id,
  errorcode,
  message,
});

/** require_capability('local/zohosync:managedata', system context). */
function requireManageData(ctx: CallContext): void {
  if (isSiteAdmin(ctx.state, ctx.userid) || ctx.state.zohosync.managers.includes(ctx.userid)) return;
  throw new MoodleException(
    'core\\exception\\required_capability_exception',
    'nopermissions',
    'Sorry, but you do not currently have permissions to do that (Store dashboard data sent by the sync service).',
  );
}

function checkBatchSize(count: number): void {
  if (count > ZOHOSYNC_MAX_BATCH) throw invalidParameter(`At most ${ZOHOSYNC_MAX_BATCH} records per call`);
}

function upsertFunction(name: string, entity: ZohosyncEntity): MoodleFunction {
  return {
    name,
    version: PLUGIN_VERSION,
    params: upsertParams(entity),
    run(ctx, params) {
      requireManageData(ctx);
      const records = params.records as InputRecord[];
      checkBatchSize(records.length);
      const ids = records.map((r) => String(r.zohoid));
      const duplicates = new Set(ids.filter((id, i) => ids.indexOf(id) !== i));
      return {
        results: records.map((record) => {
          const zohoid = String(record.zohoid);
          if (duplicates.has(zohoid))
            return result(zohoid, 'invalid', 0, 'duplicateinbatch', 'zohoid: appears more than once in this call');
          const problem = checkRecord(ctx.state, entity, record);
          if (problem) return result(zohoid, 'invalid', 0, ...problem);
          return result(zohoid, ...upsertRecord(ctx, entity, record));
        }),
      };
    },
  };
}

function deleteFunction(name: string, entity: ZohosyncEntity): MoodleFunction {
  return {
    name,
    version: PLUGIN_VERSION,
    params: { zohoids: multiple(value('alphanum')) },
    run(ctx, params) {
      requireManageData(ctx);
      const zohoids = (params.zohoids as string[]).map(String);
      checkBatchSize(zohoids.length);
      return {
        results: zohoids.map((zohoid) =>
          isZohoId(zohoid)
            ? result(zohoid, ...deleteRecord(ctx.state, entity, zohoid))
            : result(zohoid, 'invalid', 0, 'invalidfield', 'zohoid: not a Zoho record id (digits only)'),
        ),
      };
    },
  };
}

export const zohosyncFunctions: MoodleFunction[] = [
  upsertFunction('local_zohosync_upsert_finance', 'finance'),
  deleteFunction('local_zohosync_delete_finance', 'finance'),
  upsertFunction('local_zohosync_upsert_registrations', 'registration'),
  deleteFunction('local_zohosync_delete_registrations', 'registration'),
  upsertFunction('local_zohosync_upsert_payments', 'payment'),
  deleteFunction('local_zohosync_delete_payments', 'payment'),
  upsertFunction('local_zohosync_upsert_grades', 'grade'),
  deleteFunction('local_zohosync_delete_grades', 'grade'),
  upsertFunction('local_zohosync_upsert_units', 'unit'),
  deleteFunction('local_zohosync_delete_units', 'unit'),
];

export const ZOHOSYNC_FUNCTION_NAMES = zohosyncFunctions.map((fn) => fn.name);
