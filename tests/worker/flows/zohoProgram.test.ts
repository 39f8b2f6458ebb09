// The program flow's plan as data: states (what read found) → result and steps. Pure: no database, no simulators.
import t from 'tap';
import type { MoodleCategory } from '../../../shared/clients/moodle/moodleSchemas.ts';
import type { SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { parseSyncSettings } from '../../../shared/domain/settings/syncSettings.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { mapProgramToCategory, type DesiredCategory } from '../../../shared/domain/sync/mapProgramToCategory.ts';
import type { EntityResult, SyncPlan, SyncStep } from '../../../shared/domain/sync/syncPlan.ts';
import type { ZohoProgram } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { planProgram, zohoProgram, type ProgramState } from '../../../worker/flows/zohoProgram.ts';

const ZOHO_ID = '5843210000000300001';
const OTHER_ZOHO_ID = '5843210000000300999';
const desired: DesiredCategory = { name: 'Level 5 Business', idnumber: ZOHO_ID, existingCategoryId: null };
const print = fingerprint(desired);
const renamed: DesiredCategory = { ...desired, name: 'Level 5 Business & Management' };
const renamedPrint = fingerprint(renamed);

const category = (over: Partial<MoodleCategory> = {}): MoodleCategory => ({
  id: 700,
  name: desired.name,
  idnumber: ZOHO_ID,
  parent: 0,
  ...over,
});
const link = (over: Partial<SyncLink> = {}): SyncLink => ({
  entity: 'program',
  zoho_id: ZOHO_ID,
  moodle_id: 700,
  moodle_user_id: null,
  fingerprint: print,
  state: 'active',
  synced_at: new Date(0),
  ...over,
});

type LiveState = Extract<ProgramState, { deleted: false }>;
/** What read returns for a program still in Zoho: nothing found in Moodle unless the case says so. */
function state(over: Partial<LiveState> = {}): ProgramState {
  return {
    zohoId: ZOHO_ID,
    link: null,
    deleted: false,
    desired,
    print,
    byLink: null,
    byIdnumber: null,
    byMoodleId: null,
    ...over,
  };
}
const deleted = (linked: SyncLink | null): ProgramState => ({ zohoId: ZOHO_ID, link: linked, deleted: true });

const linkSaved = (moodleId: unknown, fp: string = print): SyncStep =>
  ({ op: 'link.save', entity: 'program', zohoId: ZOHO_ID, moodleId, fingerprint: fp }) as SyncStep;
const updated = (changes: { name?: string; idnumber?: string }): SyncStep => ({
  op: 'moodle.update_category',
  categoryId: 700,
  changes,
});
const created: SyncStep[] = [
  {
    op: 'moodle.create_category',
    ref: 'category',
    category: { name: desired.name, idnumber: ZOHO_ID },
  },
  linkSaved({ ref: 'category' }),
];
const createdResult: EntityResult = {
  entity: 'program',
  zohoId: ZOHO_ID,
  action: 'created',
  moodleId: { ref: 'category' },
  changes: ['name', 'idnumber'],
};
const DELETED_REASON = 'deleted in Zoho; the Moodle category is kept (its courses and grades live in it)';

interface Case {
  name: string;
  state: ProgramState;
  result: EntityResult;
  steps: SyncStep[];
}

const groups: { name: string; cases: Case[] }[] = [
  {
    name: 'a program with no category yet',
    cases: [
      {
        name: 'nothing in Moodle (no link, no idnumber, no MoodleID): category created with idnumber = Zoho id, then linked',
        state: state(),
        result: createdResult,
        steps: created,
      },
      {
        name: 'the name is taken as mapped (trimmed by the mapping), the idnumber is always the Zoho id',
        state: state({
          desired: mapProgramToCategory({
            id: ZOHO_ID,
            name: '  Level 5 Business ',
            moodleCategoryId: ' ',
          } as ZohoProgram),
        }),
        result: createdResult,
        steps: created,
      },
    ],
  },
  {
    name: 'linked and unchanged',
    cases: [
      {
        name: "the link's fingerprint matches: unchanged, no step at all (nothing written, nothing looked up)",
        state: state({ link: link() }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700 },
        steps: [],
      },
      {
        name: 'fingerprint matches: what Moodle has is not even looked at (a renamed category is left alone)',
        state: state({ link: link(), byLink: category({ name: 'Renamed by hand' }) }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700 },
        steps: [],
      },
      {
        name: 'a suspended link with a matching fingerprint is unchanged too (programs have no state)',
        state: state({ link: link({ state: 'suspended' }) }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700 },
        steps: [],
      },
      {
        name: 'stale fingerprint, the category already as desired: unchanged, only the link refreshed (no linkedBy)',
        state: state({ link: link({ fingerprint: 'old' }), byLink: category() }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700 },
        steps: [linkSaved(700)],
      },
      {
        name: 'a link without fingerprint is never "unchanged" by itself: the category is compared',
        state: state({ link: link({ fingerprint: null }), byLink: category() }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700 },
        steps: [linkSaved(700)],
      },
    ],
  },
  {
    name: 'updates only what changed',
    cases: [
      {
        name: 'renamed in Zoho: the linked category renamed, nothing else, link saved with the new fingerprint',
        state: state({ desired: renamed, print: renamedPrint, link: link(), byLink: category() }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'updated', moodleId: 700, changes: ['name'] },
        steps: [updated({ name: renamed.name }), linkSaved(700, renamedPrint)],
      },
      {
        name: 'the linked category lost its idnumber: it is set again',
        state: state({ link: link({ fingerprint: 'old' }), byLink: category({ idnumber: '' }) }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'updated', moodleId: 700, changes: ['idnumber'] },
        steps: [updated({ idnumber: ZOHO_ID }), linkSaved(700)],
      },
      {
        name: 'renamed and no idnumber (null): both set in one update',
        state: state({ desired: renamed, print: renamedPrint, link: link(), byLink: category({ idnumber: null }) }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'updated', moodleId: 700, changes: ['name', 'idnumber'] },
        steps: [updated({ name: renamed.name, idnumber: ZOHO_ID }), linkSaved(700, renamedPrint)],
      },
      {
        name: "the linked category carries another record's idnumber: kept as it is (no conflict check on the link)",
        state: state({ link: link({ fingerprint: 'old' }), byLink: category({ idnumber: OTHER_ZOHO_ID }) }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700 },
        steps: [linkSaved(700)],
      },
    ],
  },
  {
    name: 'an existing category adopted',
    cases: [
      {
        name: 'found by idnumber = Zoho id (no link): linked, linkedBy idnumber, nothing to change',
        state: state({ byIdnumber: category() }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700, linkedBy: 'idnumber' },
        steps: [linkSaved(700)],
      },
      {
        name: 'found by idnumber with another name: renamed and linked',
        state: state({ byIdnumber: category({ name: 'Old name' }) }),
        result: {
          entity: 'program',
          zohoId: ZOHO_ID,
          action: 'updated',
          moodleId: 700,
          changes: ['name'],
          linkedBy: 'idnumber',
        },
        steps: [updated({ name: desired.name }), linkSaved(700)],
      },
      {
        name: "the program's MoodleID names a hand-made category without idnumber: adopted, named and given the idnumber",
        state: state({
          desired: { ...desired, existingCategoryId: 700 },
          print: fingerprint({ ...desired, existingCategoryId: 700 }),
          byMoodleId: { id: 700, category: category({ name: 'Business (made by hand)', idnumber: '' }) },
        }),
        result: {
          entity: 'program',
          zohoId: ZOHO_ID,
          action: 'updated',
          moodleId: 700,
          changes: ['name', 'idnumber'],
          linkedBy: 'zoho_moodle_id',
        },
        steps: [
          updated({ name: desired.name, idnumber: ZOHO_ID }),
          linkSaved(700, fingerprint({ ...desired, existingCategoryId: 700 })),
        ],
      },
      {
        name: "MoodleID names a category that already has this program's idnumber: linked, nothing to change",
        state: state({ byMoodleId: { id: 700, category: category() } }),
        result: {
          entity: 'program',
          zohoId: ZOHO_ID,
          action: 'unchanged',
          moodleId: 700,
          linkedBy: 'zoho_moodle_id',
        },
        steps: [linkSaved(700)],
      },
      {
        name: 'MoodleID names a category whose idnumber is null: adopted (null is no owner)',
        state: state({ byMoodleId: { id: 700, category: category({ idnumber: null }) } }),
        result: {
          entity: 'program',
          zohoId: ZOHO_ID,
          action: 'updated',
          moodleId: 700,
          changes: ['idnumber'],
          linkedBy: 'zoho_moodle_id',
        },
        steps: [updated({ idnumber: ZOHO_ID }), linkSaved(700)],
      },
      {
        name: 'the link wins over idnumber: the linked category is the one updated (no linkedBy)',
        state: state({
          link: link({ fingerprint: 'old' }),
          byLink: category(),
          byIdnumber: category({ id: 701, name: 'Another' }),
        }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700 },
        steps: [linkSaved(700)],
      },
      {
        name: 'idnumber wins over MoodleID: a MoodleID naming nothing is not looked at once idnumber found one',
        state: state({ byIdnumber: category(), byMoodleId: { id: 999, category: null } }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700, linkedBy: 'idnumber' },
        steps: [linkSaved(700)],
      },
    ],
  },
  {
    name: 'stale links',
    cases: [
      {
        name: 'the linked category was deleted by hand and nothing else matches: made again, the link overwritten',
        state: state({ desired: renamed, print: renamedPrint, link: link() }),
        result: createdResult,
        steps: [
          { op: 'moodle.create_category', ref: 'category', category: { name: renamed.name, idnumber: ZOHO_ID } },
          linkSaved({ ref: 'category' }, renamedPrint),
        ],
      },
      {
        name: 'the linked category is gone but one carries the idnumber: that one is linked instead',
        state: state({ link: link({ fingerprint: 'old', moodle_id: 650 }), byIdnumber: category() }),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'unchanged', moodleId: 700, linkedBy: 'idnumber' },
        steps: [linkSaved(700)],
      },
    ],
  },
  {
    name: 'deleted in Zoho',
    cases: [
      {
        name: 'with a category: skipped, the category kept (courses and grades live in it), nothing written',
        state: deleted(link()),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'skipped', moodleId: 700, reason: DELETED_REASON },
        steps: [],
      },
      {
        name: 'never synced: skipped, no Moodle id',
        state: deleted(null),
        result: { entity: 'program', zohoId: ZOHO_ID, action: 'skipped', moodleId: null, reason: DELETED_REASON },
        steps: [],
      },
    ],
  },
];

for (const group of groups) {
  t.test(group.name, async (t) => {
    for (const c of group.cases) {
      t.test(c.name, async (t) => {
        const plan = planProgram(c.state);
        t.strictSame(plan.result, c.result, 'the whole result');
        t.strictSame(plan.steps, c.steps, 'every step, in order');
      });
    }
  });
}

t.test('conflicts a person must resolve: PermanentError with its code, naming the record', async (t) => {
  const throwing: { name: string; state: ProgramState; code: string; message: string }[] = [
    {
      name: 'MoodleID names no category',
      state: state({ byMoodleId: { id: 700, category: null } }),
      code: 'moodle.not_found',
      message: `Products ${ZOHO_ID}: MoodleID 700 names no Moodle course category; correct or clear it`,
    },
    {
      name: 'MoodleID names a category that belongs to another program',
      state: state({ byMoodleId: { id: 700, category: category({ idnumber: OTHER_ZOHO_ID }) } }),
      code: 'moodle.conflict',
      message: `Products ${ZOHO_ID}: MoodleID 700 is a category that belongs to Zoho record ${OTHER_ZOHO_ID}`,
    },
    {
      name: 'a stale link does not hide the conflict: the link finds nothing, MoodleID another program',
      state: state({
        link: link({ fingerprint: 'old' }),
        byMoodleId: { id: 700, category: category({ idnumber: OTHER_ZOHO_ID }) },
      }),
      code: 'moodle.conflict',
      message: `Products ${ZOHO_ID}: MoodleID 700 is a category that belongs to Zoho record ${OTHER_ZOHO_ID}`,
    },
  ];
  for (const c of throwing) {
    t.test(c.name, async (t) => {
      t.throws(() => planProgram(c.state), new PermanentError(c.code, c.message), 'the exact error');
      t.throws(() => planProgram(c.state), { name: 'PermanentError', code: c.code }, `code ${c.code}`);
    });
  }
});

t.test('plans know nothing of dry runs, and are pure', async (t) => {
  const all = groups.flatMap((g) => g.cases);
  const asFlow = zohoProgram.plan as (s: ProgramState, x: ReturnType<typeof parseSyncSettings>) => SyncPlan;
  const dry = parseSyncSettings({ 'system.dry_run': { enabled: true, modules: ['Products'] } });
  for (const c of all) {
    t.strictSame(planProgram(c.state), planProgram(c.state), `${c.name}: the same state plans the same, twice`);
    t.strictSame(asFlow(c.state, dry), planProgram(c.state), `${c.name}: the flow's plan ignores system.dry_run`);
  }
  t.equal(zohoProgram.plan, planProgram, 'the flow plans with planProgram');
});
