// The person flows' plans as data: states (what read found) → result and steps. Pure: no database, no simulators.
import t from 'tap';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import type { SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import type { DesiredMoodleUser } from '../../../shared/domain/sync/mapPersonToMoodleUser.ts';
import type { SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import { planPerson, type PersonState } from '../../../worker/flows/zohoPerson.ts';

const settings = parseSyncSettings({});
const ZOHO_ID = '5843210000000100001';
const desired: DesiredMoodleUser = {
  username: 'ann.lee@college.example',
  email: 'ann.lee@college.example',
  firstname: 'Ann',
  lastname: 'Lee',
  idnumber: ZOHO_ID,
  city: 'Leeds',
  country: 'GB',
  suspended: false,
  unknownCountry: null,
};
const print = fingerprint(desired);
const moodleUser = (over: Record<string, unknown> = {}) => ({
  id: 42,
  username: desired.username,
  email: desired.email,
  firstname: 'Ann',
  lastname: 'Lee',
  idnumber: ZOHO_ID,
  city: 'Leeds',
  country: 'GB',
  suspended: false,
  ...over,
});
const link = (over: Partial<SyncLink> = {}): SyncLink => ({
  entity: 'student',
  zoho_id: ZOHO_ID,
  moodle_id: 42,
  moodle_user_id: null,
  fingerprint: print,
  state: 'active',
  synced_at: new Date(0),
  ...over,
});

function state(
  over: Partial<Extract<PersonState, { record: object }>> & { moodleIdInZoho?: string | null } = {},
): PersonState {
  const { moodleIdInZoho = '42', ...rest } = over;
  return {
    entity: 'student',
    zohoId: ZOHO_ID,
    link: null,
    record: { id: ZOHO_ID, moodleId: moodleIdInZoho } as never,
    desired,
    print,
    lookups: [],
    writeBackField: 'Student_Moodle_ID',
    ...rest,
  } as PersonState;
}

const linkSaved = (moodleId: unknown, extra: Partial<Extract<SyncStep, { op: 'link.save' }>> = {}): SyncStep =>
  ({
    op: 'link.save',
    entity: 'student',
    zohoId: ZOHO_ID,
    moodleId,
    fingerprint: print,
    state: 'active',
    ...extra,
  }) as SyncStep;
const writeBack = (value: unknown): SyncStep => ({
  op: 'zoho.update',
  module: 'BTEC_Students',
  recordId: ZOHO_ID,
  values: { moodleId: value },
});

const cases: { name: string; state: PersonState; result: Record<string, unknown>; steps: SyncStep[] }[] = [
  {
    name: 'linked and unchanged (same fingerprint): nothing to write, nothing looked up',
    state: state({ link: link() }),
    result: { action: 'unchanged', moodleId: 42 },
    steps: [],
  },
  {
    name: 'linked and unchanged, but Zoho lacks the Moodle id: only the write-back',
    state: state({ link: link(), moodleIdInZoho: null }),
    result: { action: 'unchanged', moodleId: 42, writeBack: 'Student_Moodle_ID' },
    steps: [writeBack('42')],
  },
  {
    name: 'no account anywhere: created, linked, its id written back (refs until made)',
    state: state({
      moodleIdInZoho: null,
      lookups: [
        { way: 'idnumber', user: null },
        { way: 'email', user: null },
        { way: 'username', user: null },
      ],
    }),
    result: {
      action: 'created',
      moodleId: { ref: 'user' },
      changes: ['username', 'email', 'firstname', 'lastname', 'idnumber', 'city', 'country'],
      writeBack: 'Student_Moodle_ID',
    },
    steps: [
      {
        op: 'moodle.create_user',
        ref: 'user',
        user: {
          username: desired.username,
          email: desired.email,
          firstname: 'Ann',
          lastname: 'Lee',
          idnumber: ZOHO_ID,
          auth: settings['moodle.new_users'].auth,
          city: 'Leeds',
          country: 'GB',
        },
      },
      linkSaved({ ref: 'user' }),
      writeBack({ ref: 'user', asString: true }),
    ],
  },
  {
    name: 'found by idnumber with a changed name: updated and linked, no link kept before',
    state: state({ lookups: [{ way: 'idnumber', user: moodleUser({ firstname: 'Anne' }) }] }),
    result: { action: 'updated', moodleId: 42, linkedBy: 'idnumber', changes: ['firstname'] },
    steps: [{ op: 'moodle.update_user', userId: 42, changes: { firstname: 'Ann' } }, linkSaved(42)],
  },
  {
    name: 'found by e-mail with an empty idnumber: adopted (idnumber set)',
    state: state({
      lookups: [
        { way: 'idnumber', user: null },
        { way: 'email', user: moodleUser({ idnumber: '' }) },
      ],
    }),
    result: { action: 'updated', linkedBy: 'email', changes: ['idnumber'] },
    steps: [{ op: 'moodle.update_user', userId: 42, changes: { idnumber: ZOHO_ID } }, linkSaved(42)],
  },
  {
    name: 'the link still names the account: linked by the link (no linkedBy), unchanged, link refreshed',
    state: state({ link: link({ fingerprint: 'old' }), lookups: [{ way: 'link', user: moodleUser() }] }),
    result: { action: 'unchanged', moodleId: 42 },
    steps: [linkSaved(42)],
  },
  {
    name: 'status means suspended on an existing account: suspended, link saved suspended',
    state: state({
      desired: { ...desired, suspended: true },
      print: fingerprint({ ...desired, suspended: true }),
      lookups: [{ way: 'idnumber', user: moodleUser() }],
    }),
    result: { action: 'suspended', changes: ['suspended'], linkedBy: 'idnumber' },
    steps: [
      { op: 'moodle.update_user', userId: 42, changes: { suspended: true } },
      linkSaved(42, { state: 'suspended', fingerprint: fingerprint({ ...desired, suspended: true }) }),
    ],
  },
  {
    name: 'status means suspended and no account: skipped, none created',
    state: state({ desired: { ...desired, suspended: true }, lookups: [{ way: 'username', user: null }] }),
    result: { action: 'skipped', moodleId: null, reason: /none created/ },
    steps: [],
  },
  {
    name: 'a country Zoho names with no ISO code: a warning, the rest applied',
    state: state({
      desired: { ...desired, country: null, unknownCountry: 'Atlantis' },
      lookups: [{ way: 'idnumber', user: moodleUser() }],
    }),
    result: {
      action: 'unchanged',
      linkedBy: 'idnumber',
      warnings: ['Country "Atlantis" has no ISO code; Moodle\'s country left as it is'],
    },
    steps: [linkSaved(42, { fingerprint: print })],
  },
  {
    name: 'deleted in Zoho with a live account: suspended, never deleted; link without fingerprint',
    state: { entity: 'student', zohoId: ZOHO_ID, link: link(), record: null, deleted: { user: moodleUser() as never } },
    result: { action: 'suspended', moodleId: 42, changes: ['suspended'], reason: 'deleted in Zoho' },
    steps: [
      { op: 'moodle.update_user', userId: 42, changes: { suspended: true } },
      linkSaved(42, { fingerprint: null, state: 'suspended' }),
    ],
  },
  {
    name: 'deleted in Zoho, account already suspended: unchanged',
    state: {
      entity: 'student',
      zohoId: ZOHO_ID,
      link: link(),
      record: null,
      deleted: { user: moodleUser({ suspended: true }) as never },
    },
    result: { action: 'unchanged', reason: /already suspended/ },
    steps: [],
  },
  {
    name: 'deleted in Zoho with no account: skipped',
    state: { entity: 'teacher', zohoId: ZOHO_ID, link: null, record: null, deleted: { user: null } },
    result: {
      action: 'skipped',
      reason: `BTEC_Teachers ${ZOHO_ID} no longer exists in Zoho and has no Moodle account`,
    },
    steps: [],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const plan = planPerson(c.state, settings);
    t.match(plan.result, c.result);
    // The fields a case does not name must not appear by accident.
    if (!('linkedBy' in c.result)) t.notOk('linkedBy' in plan.result, 'no linkedBy');
    t.strictSame(plan.steps, c.steps);
  });
}

t.test('an account found by e-mail that belongs to another Zoho record is a conflict, naming both', async (t) => {
  const conflicted = state({
    lookups: [
      { way: 'idnumber', user: null },
      { way: 'email', user: moodleUser({ idnumber: '999' }) },
    ],
  });
  t.throws(() => planPerson(conflicted, settings), {
    code: 'moodle.conflict',
    message: /Moodle user 42 \(found by e-mail\).*999/,
  });
});

t.test('the Moodle id in Zoho names someone else (another e-mail): not adopted, the lookups go on', async (t) => {
  const other = state({
    lookups: [
      { way: 'idnumber', user: null },
      { way: 'zoho_moodle_id', user: moodleUser({ idnumber: '', email: 'someone@else.example' }) },
      { way: 'email', user: null },
      { way: 'username', user: null },
    ],
  });
  t.equal(planPerson(other, settings).result.action, 'created');
});

t.test('planning is pure: the same state plans the same, twice', async (t) => {
  for (const c of cases) t.strictSame(planPerson(c.state, settings), planPerson(c.state, settings), c.name);
});
