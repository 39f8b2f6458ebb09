import t from 'tap';
import {
  batches,
  createDashboardClient,
  DashboardRecordError,
  DASHBOARD_MAX_FIELDS,
} from '../../../../shared/clients/moodle/createDashboardClient.ts';
import { createMoodleClient } from '../../../../shared/clients/moodle/createMoodleClient.ts';
import type { DashboardFinance, DashboardUnit } from '../../../../shared/domain/dashboard/dashboardRecords.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';
import { createMoodleSimulator } from '../../../../sandbox/moodleSimulator.ts';

/** The plugin's dashboard functions through the real transport against the simulated plugin. */

const moodle = await createMoodleSimulator();
t.teardown(() => moodle.close());
const log = createLogger({ service: 'test', level: 'silent' });
const dashboard = createDashboardClient(
  createMoodleClient({ url: moodle.url, token: moodle.token, timeoutMs: 2000, log }).call,
);
t.beforeEach(() => moodle.reset());

const unit = (n: number): DashboardUnit => ({
  zohoid: String(1000 + n),
  name: `Unit ${n}`,
  unitcode: '',
  unitlevel: '',
  criteria: [{ code: 'P1', description: 'Explain' }],
});
const finance = (zohoid: string, userid: number): DashboardFinance => ({
  zohoid,
  userid,
  scholarship: '',
  scholarshipreason: '',
  scholarshippct: '',
  currency: 'USD',
  amounttransferred: '4400.00',
  paymentmethod: '',
  paymentmode: '',
  bankname: '',
  bankholder: '',
  registrationfees: '',
  invoiceregfees: '',
  totalamount: '',
  discountamount: '',
});

t.test('upsertOne and removeOne: created, unchanged, deleted, notfound', async (t) => {
  t.same(await dashboard.upsertOne('unit', unit(1)), { status: 'created', id: 1 });
  t.same(await dashboard.upsertOne('unit', unit(1)), { status: 'unchanged', id: 1 });
  t.same(await dashboard.removeOne('unit', '1001'), { status: 'deleted', id: 1 });
  t.same(await dashboard.removeOne('unit', '1001'), { status: 'notfound', id: 0 });
});

t.test('a refused record is a permanent error naming the module, record and field, never the value', async (t) => {
  const error = await dashboard.upsertOne('finance', finance('5843210000001234567', 999)).catch((e: unknown) => e);
  t.type(error, DashboardRecordError);
  t.match(error, {
    code: 'moodle.dashboard_user_not_found',
    errorcode: 'usernotfound',
    message:
      'local_zohosync_upsert_finance: BTEC_Students 5843210000001234567 refused (usernotfound): userid: no such Moodle user',
  });
  const invalid = await dashboard
    .upsertOne('finance', { ...finance('5843210000001234567', 2), scholarshippct: '250' })
    .catch((e: unknown) => e);
  t.match(invalid, { code: 'moodle.dashboard_invalid', message: /scholarshippct: not a percentage 0 to 100$/ });
  t.notMatch((invalid as Error).message, /250/, 'the value is not in the message');
});

t.test('many records: split into calls of at most 500 records and 4,000 form fields, results in order', async (t) => {
  const units = Array.from({ length: 1201 }, (_, i) => unit(i));
  const results = await dashboard.upsert('unit', units);
  t.equal(results.length, 1201);
  t.ok(results.every((r, i) => r.status === 'created' && r.zohoid === units[i]!.zohoid));
  const calls = moodle.calls.filter((c) => c.wsfunction === 'local_zohosync_upsert_units');
  t.ok(calls.length >= 3, `${calls.length} calls`);
  t.ok(calls.every((c) => Object.keys(c.params.records as object).length <= 500));
  t.same(
    batches(Array.from({ length: 1001 }, () => 'x')),
    [
      [0, 500],
      [500, 1000],
      [1000, 1001],
    ],
    'ids: 500 a call',
  );
  const wide = batches(Array.from({ length: 10 }, () => Array.from({ length: 1500 }, () => 1)));
  t.ok(
    wide.every(([start, end]) => end - start === 1 || (end - start) * 1500 <= DASHBOARD_MAX_FIELDS),
    'fields bound the batch',
  );
  t.same(await dashboard.upsert('unit', []), [], 'nothing to send: no call');
});

t.test("whole-call errors are the transport's: no capability is permanent, a lost answer retryable", async (t) => {
  moodle.failNext('local_zohosync_upsert_units', {
    exception: 'core\\exception\\required_capability_exception',
    errorcode: 'nopermissions',
    message: 'Sorry',
  });
  await t.rejects(dashboard.upsertOne('unit', unit(1)), PermanentError);
  moodle.failNext('local_zohosync_upsert_units', 'http503');
  await t.rejects(dashboard.upsertOne('unit', unit(1)), RetryableError);
  moodle.failNext('local_zohosync_delete_units', { exception: 'x', errorcode: 'x', message: 'x' }, { when: 'after' });
  await t.rejects(dashboard.removeOne('unit', '1'), PermanentError);
});
