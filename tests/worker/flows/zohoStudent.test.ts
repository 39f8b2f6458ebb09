// The student flow's plan as data: the account (zohoPerson.test.ts covers it), then the finance summary.
import t from 'tap';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import type { SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { isEmptyFinance, mapFinance } from '../../../shared/domain/dashboard/mapFinance.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import type { SyncPlan } from '../../../shared/domain/sync/syncPlan.ts';
import { mapStudentToMoodleUser } from '../../../shared/domain/sync/mapPersonToMoodleUser.ts';
import type { ZohoStudent } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { zohoStudent } from '../../../worker/flows/zohoPerson.ts';
import type { PersonState } from '../../../worker/flows/zohoPerson.ts';
import type { StudentState } from '../../../worker/flows/zohoPerson.ts';

const settings = parseSyncSettings({});
const ZOHO_ID = '5843210000000100001';
const student = {
  id: ZOHO_ID,
  academicEmail: 'ann.lee@college.example',
  firstName: 'Ann',
  lastName: 'Lee',
  displayName: 'Ann Lee',
  status: 'Active',
  city: null,
  country: null,
  moodleId: '42',
  amountTransferred: '4400.00',
  scholarship: null,
  scholarshipPercentage: null,
  currency: null,
  paymentMethod: null,
  paymentMode: null,
  bankName: null,
  bankHolderName: null,
  registrationFees: null,
  invoiceRegFees: null,
  totalAmount: null,
  discountAmount: null,
} as unknown as ZohoStudent;
const desired = mapStudentToMoodleUser(student, { suspendWhenStatus: [] });
const print = fingerprint(desired);
const accountLink: SyncLink = {
  entity: 'student',
  zoho_id: ZOHO_ID,
  moodle_id: 42,
  moodle_user_id: null,
  fingerprint: print,
  state: 'active',
  synced_at: new Date(0),
};
const person = (over: Partial<PersonState> = {}): PersonState =>
  ({
    entity: 'student',
    zohoId: ZOHO_ID,
    link: accountLink,
    record: student,
    desired,
    print,
    lookups: [],
    writeBackField: 'Student_Moodle_ID',
    ...over,
  }) as PersonState;
const financeRecord = { ...mapFinance(student, 0).record, userid: 42 };
const financeLink = (over: Partial<SyncLink> = {}): SyncLink => ({
  ...accountLink,
  entity: 'finance',
  moodle_id: 7,
  moodle_user_id: 42,
  fingerprint: fingerprint(financeRecord),
  ...over,
});
const plan = (state: StudentState): SyncPlan =>
  (zohoStudent.plan as (s: StudentState, x: typeof settings) => SyncPlan)(state, settings);

t.test('finance not flowing Zoho → Moodle (not read): the account plan alone', async (t) => {
  const planned = plan({ person: person(), finance: null });
  t.equal(planned.result.action, 'unchanged');
  t.notOk(planned.result.details, 'no finance details');
  t.strictSame(planned.steps, []);
});

t.test('summary never on the dashboard: upserted for the account, then linked', async (t) => {
  const planned = plan({ person: person(), finance: { link: null } });
  t.match(planned.result.details, {
    finance: { entity: 'finance', action: { ref: 'row:action' }, details: { userId: 42 } },
  });
  t.match(planned.steps, [
    { op: 'dashboard.upsert', entity: 'finance', ref: 'row', userId: 42, wouldBe: 'created', record: { userid: 42 } },
    {
      op: 'link.save',
      entity: 'finance',
      moodleId: { ref: 'row' },
      moodleUserId: 42,
      fingerprint: fingerprint(financeRecord),
    },
  ]);
});

t.test('summary unchanged since the last push (same fingerprint): no step at all', async (t) => {
  const planned = plan({ person: person(), finance: { link: financeLink() } });
  t.match(planned.result.details, { finance: { action: 'unchanged', moodleId: 7 } });
  t.strictSame(planned.steps, []);
});

t.test('an account this run creates: the summary names its ref, fingerprinted once the id exists', async (t) => {
  const planned = plan({
    person: person({ link: null, lookups: [{ way: 'username', user: null }] } as never),
    finance: { link: null },
  });
  t.equal(planned.result.action, 'created');
  const upsert = planned.steps.find((s) => s.op === 'dashboard.upsert');
  t.match(
    upsert,
    { userId: null, record: { userid: { ref: 'user' } } },
    'no stale-link check on an account not made yet',
  );
  const linkStep = planned.steps.findLast((s) => s.op === 'link.save');
  t.match(linkStep, {
    entity: 'finance',
    moodleUserId: { ref: 'user' },
    fingerprint: { of: { userid: { ref: 'user' } } },
  });
});

t.test('every finance field emptied in Zoho: removed from the dashboard when it was there', async (t) => {
  const empty = { ...student, amountTransferred: null } as unknown as ZohoStudent;
  t.ok(isEmptyFinance(mapFinance(empty, 0).record), 'every finance field is empty');
  const planned = plan({ person: person({ record: empty } as never), finance: { link: financeLink() } });
  t.match(planned.result.details, { finance: { action: { ref: 'row:action' }, reason: { ref: 'row:reason' } } });
  t.match(planned.steps, [
    { op: 'dashboard.remove', entity: 'finance', zohoId: ZOHO_ID, reason: /finance fields emptied in Zoho/ },
    { op: 'link.save', entity: 'finance', state: 'suspended', fingerprint: null },
  ]);
  const never = plan({ person: person({ record: empty } as never), finance: { link: null } });
  t.notOk(never.result.details, 'never on the dashboard: nothing to do, nothing reported');
});

t.test('the student deleted in Zoho: account suspended and summary removed', async (t) => {
  const planned = plan({
    person: {
      entity: 'student',
      zohoId: ZOHO_ID,
      link: accountLink,
      record: null,
      deleted: { user: { id: 42, username: 'x' } as never },
    },
    finance: { link: financeLink() },
  });
  t.equal(planned.result.action, 'suspended');
  t.same(
    planned.steps.map((s) => s.op),
    ['moodle.update_user', 'link.save', 'dashboard.remove', 'link.save'],
  );
});

t.test('no Moodle account (status suspended, none made): the summary is skipped with the reason', async (t) => {
  const planned = plan({
    person: person({
      link: null,
      desired: { ...desired, suspended: true },
      lookups: [{ way: 'username', user: null }],
    } as never),
    finance: { link: null },
  });
  t.match(planned.result, {
    action: 'skipped',
    details: { finance: { action: 'skipped', reason: /no Moodle account/ } },
  });
  t.strictSame(planned.steps, []);
});
