import t from 'tap';
import type { PhpForm, PhpFormValue } from '../../../sandbox/parsePhpForm.ts';
import { createMoodleState } from '../../../sandbox/moodle/createMoodleState.ts';
import { fixtureSiteSeed } from '../../../sandbox/moodle/fixtureSiteSeed.ts';
import { handleRestRequest } from '../../../sandbox/moodle/handleRestRequest.ts';
import type { MoodleState } from '../../../sandbox/moodle/moodleState.ts';
import { seedMoodleState } from '../../../sandbox/moodle/seedMoodleState.ts';

/**
 * The local_zohosync plugin's ten dashboard functions in the simulator, against what its PHP
 * does (classes/local/ws_common.php, data_store.php, validator.php): whole-call errors,
 * per-record results in request order, idempotent upserts, child sets replaced, deletes.
 */

const NOW = 1795310900;
type Param = string | number | boolean | Param[] | { [key: string]: Param };
const form = (value: Param): PhpFormValue =>
  Array.isArray(value)
    ? value.map(form)
    : typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, form(v)]))
      : typeof value === 'boolean'
        ? value
          ? '1'
          : '0'
        : String(value);

function site(): MoodleState {
  const state = createMoodleState('tok', NOW);
  seedMoodleState(state, fixtureSiteSeed(), NOW);
  state.config.debug = true;
  return state;
}

function call(state: MoodleState, wsfunction: string, params: Record<string, Param> = {}, token = 'tok'): any {
  const fields: PhpForm = { wstoken: token, wsfunction, moodlewsrestformat: 'json', ...(form(params) as PhpForm) };
  return JSON.parse(handleRestRequest(state, fields, { now: NOW, wwwroot: 'http://moodle.test' }).response.body);
}

const STUDENT = 4; // jdoe on the recorded site
const COURSE = 2; // INT101

const registration = (
  installments: Param[] = [
    { installmentno: 1, duedate: '2026-09-01', amount: '2200', status: 'Paid', paiddate: '2026-08-30' },
    { installmentno: 2, duedate: '2027-01-15', amount: '2200.5' },
  ],
) => ({
  zohoid: '5843210000007890123',
  userid: STUDENT,
  programname: 'Level 5 Business',
  registrationdate: '2026-08-01',
  status: 'Active',
  currency: 'USD',
  programprice: '4400',
  installments,
});

t.test(
  'upsert registrations: created, then unchanged (one row), then updated when an installment changes; amounts exact',
  async (t) => {
    const state = site();
    const first = call(state, 'local_zohosync_upsert_registrations', { records: [registration()] });
    t.same(first, {
      results: [{ zohoid: '5843210000007890123', status: 'created', id: 1, errorcode: '', message: '' }],
    });
    const [row] = state.zohosync.local_zohosync_registration;
    t.match(row, {
      id: 1,
      zohoid: '5843210000007890123',
      userid: STUDENT,
      programprice: '4400.00',
      studymode: null,
      timecreated: NOW,
    });
    t.same(
      state.zohosync.local_zohosync_installment.map((i) => [
        i.installmentno,
        i.amount,
        i.status,
        i.paiddate,
        i.registrationid,
      ]),
      [
        [1, '2200.00', 'Paid', '2026-08-30', 1],
        [2, '2200.50', null, null, 1],
      ],
      'installments stored, amounts normalised to 2 decimals, empty = null',
    );

    t.match(call(state, 'local_zohosync_upsert_registrations', { records: [registration()] }), {
      results: [{ status: 'unchanged', id: 1 }],
    });
    t.equal(state.zohosync.local_zohosync_registration.length, 1, 'still one row');
    // The same amount written differently is the same amount.
    t.match(
      call(state, 'local_zohosync_upsert_registrations', { records: [{ ...registration(), programprice: '4400.00' }] }),
      { results: [{ status: 'unchanged' }] },
    );

    const changed = registration([
      { installmentno: 2, duedate: '2027-01-15', amount: '2200.50' },
      { installmentno: 1, duedate: '2026-09-01', amount: '2000', status: 'Paid', paiddate: '2026-08-30' },
    ]);
    t.match(call(state, 'local_zohosync_upsert_registrations', { records: [changed] }), {
      results: [{ status: 'updated', id: 1 }],
    });
    t.same(
      state.zohosync.local_zohosync_installment.map((i) => [i.installmentno, i.amount]),
      [
        [2, '2200.50'],
        [1, '2000.00'],
      ],
      'the child set was replaced',
    );
    t.match(
      call(state, 'local_zohosync_upsert_registrations', { records: [changed] }),
      { results: [{ status: 'unchanged' }] },
      'order of installments compared by number',
    );

    t.match(
      call(state, 'local_zohosync_upsert_registrations', { records: [{ ...registration(), installments: [] }] }),
      { results: [{ status: 'updated' }] },
    );
    t.equal(state.zohosync.local_zohosync_installment.length, 0, '[] empties the schedule');
  },
);

t.test('per-record validation: invalid records are reported and skipped, the others written', async (t) => {
  const state = site();
  const pay = (zohoid: string, extra: Record<string, Param> = {}) => ({
    zohoid,
    userid: STUDENT,
    amount: '4400.00',
    ...extra,
  });
  const answer = call(state, 'local_zohosync_upsert_payments', {
    records: [
      pay('1', { amount: '4400$' }),
      pay('2', { amount: '4400.005' }),
      pay('3', { paymentdate: '2026-02-30' }),
      pay('4', { registrationzohoid: 'abc' }),
      pay('5', { userid: 999 }),
      pay('6', { installmentno: -1 }),
      pay('7', { voided: true, note: 'a < b', currency: 'USD' }),
      pay('8', { paymentnumber: 'x'.repeat(121) }),
      pay('9'),
      pay('9'),
      pay('abc'),
    ],
  });
  t.same(
    answer.results.map((r: any) => [r.zohoid, r.status, r.errorcode, r.message]),
    [
      ['1', 'invalid', 'invalidfield', 'amount: not an amount like "4400.00"'],
      ['2', 'invalid', 'invalidfield', 'amount: not an amount like "4400.00"'],
      ['3', 'invalid', 'invalidfield', 'paymentdate: not a date YYYY-MM-DD'],
      ['4', 'invalid', 'invalidfield', 'registrationzohoid: not a Zoho record id'],
      ['5', 'invalid', 'usernotfound', 'userid: no such Moodle user'],
      ['6', 'invalid', 'invalidfield', 'installmentno: negative'],
      ['7', 'created', '', ''],
      ['8', 'invalid', 'invalidfield', 'paymentnumber: longer than 120'],
      ['9', 'invalid', 'duplicateinbatch', 'zohoid: appears more than once in this call'],
      ['9', 'invalid', 'duplicateinbatch', 'zohoid: appears more than once in this call'],
      ['abc', 'invalid', 'invalidfield', 'zohoid: not a Zoho record id (digits only)'],
    ],
  );
  t.same(
    state.zohosync.local_zohosync_payment.map((p) => [p.zohoid, p.voided, p.note, p.installmentno]),
    [['7', 1, 'a < b', null]],
  );

  const grade = (extra: Record<string, Param>) => ({ zohoid: '10', userid: STUDENT, ...extra });
  t.match(call(state, 'local_zohosync_upsert_grades', { records: [grade({ courseid: 999 })] }), {
    results: [{ status: 'invalid', errorcode: 'coursenotfound', message: 'courseid: no such Moodle course' }],
  });
  t.match(call(state, 'local_zohosync_upsert_grades', { records: [grade({ grade: 'Pass' })] }), {
    results: [{ errorcode: 'invalidfield', message: 'grade: not one of D, M, P, R, RR, F, Mapped' }],
  });
  t.match(
    call(state, 'local_zohosync_upsert_grades', {
      records: [grade({ learningoutcomes: [{ code: 'P1' }, { code: ' ' }] })],
    }),
    { results: [{ errorcode: 'invalidfield', message: 'learningoutcomes[1].code: required' }] },
    'an empty outcome code is refused (NOT NULL column)',
  );
  t.match(call(state, 'local_zohosync_upsert_units', { records: [{ zohoid: '11', name: ' ' }] }), {
    results: [{ message: 'name: required' }],
  });
  t.match(
    call(state, 'local_zohosync_upsert_units', {
      records: [{ zohoid: '11', name: 'U', criteria: [{ code: 'P1' }, { code: 'P1' }] }],
    }),
    { results: [{ message: 'criteria: code repeated' }] },
  );
  t.match(
    call(state, 'local_zohosync_upsert_units', { records: [{ zohoid: '11', name: 'U', criteria: [{ code: 'X1' }] }] }),
    { results: [{ message: 'criteria[0].code: not a criterion code (P1, M2, D3 …)' }] },
  );
  t.match(call(state, 'local_zohosync_upsert_registrations', { records: [registration([{ installmentno: 0 }])] }), {
    results: [{ message: 'installments[0].installmentno: must be 1 or more' }],
  });
  t.match(
    call(state, 'local_zohosync_upsert_registrations', {
      records: [registration([{ installmentno: 1 }, { installmentno: 1 }])],
    }),
    { results: [{ message: 'installments: installmentno repeated' }] },
  );
  t.match(
    call(state, 'local_zohosync_upsert_finance', {
      records: [{ zohoid: '12', userid: STUDENT, scholarshippct: '100.01' }],
    }),
    { results: [{ message: 'scholarshippct: not a percentage 0 to 100' }] },
  );
  t.match(
    call(state, 'local_zohosync_upsert_finance', {
      records: [{ zohoid: '12', userid: STUDENT, scholarshippct: '12.5', totalamount: '-12.5' }],
    }),
    { results: [{ status: 'created' }] },
  );
  t.match(state.zohosync.local_zohosync_finance[0], {
    scholarshippct: '12.50',
    totalamount: '-12.50',
    scholarship: null,
  });
  t.match(
    call(state, 'local_zohosync_upsert_grades', {
      records: [
        grade({
          courseid: COURSE,
          grade: 'M',
          learningoutcomes: [
            { code: 'P1', achieved: true },
            { code: 'M1', score: '0' },
          ],
        }),
      ],
    }),
    { results: [{ status: 'created' }] },
  );
  t.same(
    state.zohosync.local_zohosync_grade_lo.map((lo) => [lo.code, lo.achieved, lo.sortorder, lo.score]),
    [
      ['P1', 1, 1, null],
      ['M1', 0, 2, '0'],
    ],
  );
  t.match(
    call(state, 'local_zohosync_upsert_units', {
      records: [
        {
          zohoid: '11',
          name: 'Unit 4',
          criteria: [{ code: 'P1', description: 'Explain' }, { code: 'P11' }, { code: 'M1' }, { code: 'D1' }],
        },
      ],
    }),
    { results: [{ status: 'created' }] },
  );
  t.same(
    state.zohosync.local_zohosync_unit_crit.map((c) => [c.code, c.level, c.sortorder]),
    [
      ['P1', 'pass', 1],
      ['P11', 'pass', 2],
      ['M1', 'merit', 3],
      ['D1', 'distinction', 4],
    ],
  );
});

t.test(
  'whole-call errors: missing or mistyped parameters, tags in text, more than 500 records, no capability',
  async (t) => {
    const state = site();
    t.match(call(state, 'local_zohosync_upsert_payments', { records: [{ zohoid: '1' }] }), {
      exception: 'core\\exception\\invalid_parameter_exception',
      errorcode: 'invalidparameter',
      debuginfo: /Missing required key in single structure: userid/,
    });
    t.match(call(state, 'local_zohosync_upsert_payments', { records: [{ zohoid: '1', userid: 'four' }] }), {
      errorcode: 'invalidparameter',
    });
    t.match(
      call(state, 'local_zohosync_upsert_payments', {
        records: [{ zohoid: '1', userid: STUDENT, note: '<b>bold</b>' }],
      }),
      { errorcode: 'invalidparameter' },
      'PARAM_TEXT refuses a value with tags: the whole call',
    );
    t.match(
      call(state, 'local_zohosync_upsert_payments', { records: [{ zohoid: '1-2', userid: STUDENT }] }),
      { errorcode: 'invalidparameter' },
      'PARAM_ALPHANUM',
    );
    t.match(
      call(state, 'local_zohosync_upsert_registrations', { records: [registration([{ amount: '1' }])] }),
      { errorcode: 'invalidparameter', debuginfo: /installmentno/ },
      'installmentno is required',
    );
    t.match(
      call(state, 'local_zohosync_upsert_units', {
        records: [{ zohoid: '1', name: 'U', criteria: [{ description: 'd' }] }],
      }),
      { errorcode: 'invalidparameter', debuginfo: /code/ },
    );
    t.match(call(state, 'local_zohosync_upsert_units', {}), {
      errorcode: 'invalidparameter',
      debuginfo: /Missing required key in single structure: records/,
    });
    t.equal(state.zohosync.local_zohosync_payment.length, 0, 'nothing written');

    const units = Array.from({ length: 501 }, (_, i) => ({ zohoid: String(i + 1), name: `U${i}` }));
    t.match(call(state, 'local_zohosync_upsert_units', { records: units }), {
      errorcode: 'invalidparameter',
      debuginfo: 'At most 500 records per call',
    });
    t.equal(state.zohosync.local_zohosync_unit.length, 0, 'refused as a whole');
    t.match(call(state, 'local_zohosync_upsert_units', { records: units.slice(0, 500) }), { results: { length: 500 } });
    t.match(call(state, 'local_zohosync_delete_units', { zohoids: units.map((u) => u.zohoid) }), {
      errorcode: 'invalidparameter',
      debuginfo: 'At most 500 records per call',
    });

    state.tokens.push({ token: 'student-token', userid: STUDENT, restUse: true });
    t.same(call(state, 'local_zohosync_delete_units', { zohoids: ['1'] }, 'student-token'), {
      exception: 'core\\exception\\required_capability_exception',
      errorcode: 'nopermissions',
      message:
        'Sorry, but you do not currently have permissions to do that (Store dashboard data sent by the sync service).',
    });
    state.zohosync.managers.push(STUDENT);
    t.match(
      call(state, 'local_zohosync_delete_units', { zohoids: ['1'] }, 'student-token'),
      { results: [{ status: 'deleted' }] },
      'granted the capability, a non-admin may',
    );
  },
);

t.test('deletes: deleted with the child rows, then notfound; invalid ids reported', async (t) => {
  const state = site();
  call(state, 'local_zohosync_upsert_registrations', {
    records: [registration(), { ...registration(), zohoid: '77' }],
  });
  t.equal(state.zohosync.local_zohosync_installment.length, 4);
  t.same(
    call(state, 'local_zohosync_delete_registrations', {
      zohoids: ['5843210000007890123', '5843210000007890123', 'x', '404'],
    }),
    {
      results: [
        { zohoid: '5843210000007890123', status: 'deleted', id: 1, errorcode: '', message: '' },
        { zohoid: '5843210000007890123', status: 'notfound', id: 0, errorcode: '', message: '' },
        {
          zohoid: 'x',
          status: 'invalid',
          id: 0,
          errorcode: 'invalidfield',
          message: 'zohoid: not a Zoho record id (digits only)',
        },
        { zohoid: '404', status: 'notfound', id: 0, errorcode: '', message: '' },
      ],
    },
  );
  t.same(
    state.zohosync.local_zohosync_registration.map((r) => r.zohoid),
    ['77'],
  );
  t.same(
    state.zohosync.local_zohosync_installment.map((i) => i.registrationid),
    [2, 2],
    'only the other registration keeps installments',
  );
  t.match(
    call(state, 'local_zohosync_upsert_registrations', { records: [registration()] }),
    { results: [{ status: 'created', id: 3 }] },
    'ids are not reused',
  );
  for (const entity of ['finance', 'payments', 'grades', 'units']) {
    t.match(
      call(state, `local_zohosync_delete_${entity}`, { zohoids: ['1'] }),
      { results: [{ status: 'notfound' }] },
      `${entity}: delete of an unknown id is not an error`,
    );
  }
});
