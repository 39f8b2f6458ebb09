// The runner itself, with a flow declared here: gate, dry run (plan without apply), refs resolved
// from what the writes made, one re-plan when the write meets what the read did not see, and the
// plan recorded in the result. Real PostgreSQL; the Moodle client is a stand-in that answers as
// Moodle does for the calls this flow makes.
import t from 'tap';
import { sql } from 'slonik';
import { changeSetting } from '../../../shared/db/queries/appSettings.ts';
import { getLink } from '../../../shared/db/queries/syncLinks.ts';
import { createDbPool } from '../../../shared/db/createDbPool.ts';
import { SyncError } from '../../../shared/domain/errors.ts';
import { ref } from '../../../shared/domain/sync/syncPlan.ts';
import { createLogger } from '../../../shared/logging/createLogger.ts';
import { defineFlow } from '../../../worker/pipeline/flow.ts';
import { runFlow } from '../../../worker/pipeline/runFlow.ts';
import { testRunContext } from '../../helpers/runContext.ts';
import { createTestDatabase } from '../../helpers/testDatabase.ts';
import { addTestEvent, eventById } from '../../helpers/testEvents.ts';

const db = await createDbPool(await createTestDatabase(t));
t.teardown(() => db.end());
const log = createLogger({ service: 'test', level: 'silent' });

/** A Moodle that knows users by idnumber; `createUsers` can be told to answer "duplicate" once. */
function fakeMoodle() {
  const users: { id: number; idnumber: string }[] = [];
  const calls: string[] = [];
  let duplicateOnce = false;
  return {
    users,
    calls,
    raceWith(user: { id: number; idnumber: string }) {
      duplicateOnce = true;
      users.push(user);
    },
    client: {
      async findUser(_field: string, value: string) {
        calls.push('findUser');
        return users.find((u) => u.idnumber === value) ?? null;
      },
      async createUsers(list: { idnumber: string }[]) {
        calls.push('createUsers');
        if (duplicateOnce) {
          duplicateOnce = false;
          throw new SyncError('moodle.duplicate', 'username already exists');
        }
        const user = { id: 100 + users.length, idnumber: list[0]!.idnumber };
        users.push(user);
        return [user];
      },
    },
  };
}

let reads = 0;
/** One Moodle account per record, linked: the smallest flow with a create, a ref and a link. */
const accountFlow = defineFlow<{ zohoId: string; user: { id: number } | null }>({
  kind: 'zoho.teacher',
  gate: { module: 'BTEC_Teachers', direction: null, needs: ['moodle'] },
  async read(io, { recordId }) {
    reads++;
    return { zohoId: recordId, user: await io.moodle.findUser('idnumber', recordId) };
  },
  plan({ zohoId, user }) {
    if (user) {
      return {
        result: { entity: 'teacher', zohoId, action: 'unchanged', moodleId: user.id },
        steps: [{ op: 'link.save', entity: 'teacher', zohoId, moodleId: user.id, fingerprint: 'f' }],
      };
    }
    return {
      result: { entity: 'teacher', zohoId, action: 'created', moodleId: ref('user') },
      steps: [
        {
          op: 'moodle.create_user',
          ref: 'user',
          user: {
            username: zohoId,
            email: `${zohoId}@x.example`,
            firstname: 'A',
            lastname: 'B',
            idnumber: zohoId,
            auth: 'manual',
          },
        },
        { op: 'link.save', entity: 'teacher', zohoId, moodleId: ref('user'), fingerprint: 'f' },
      ],
    };
  },
});
const flows = { 'zoho.teacher': accountFlow };

async function run(moodle: ReturnType<typeof fakeMoodle>, recordId: string, payload: Record<string, unknown> = {}) {
  const id = await addTestEvent(db, {
    entity: 'teacher',
    module: 'BTEC_Teachers',
    taskIdentifier: 'zoho_teacher',
    recordId,
    payload,
  });
  const ctx = testRunContext(db, log, { moodle: moodle.client as never });
  return runFlow(flows, ctx, await eventById(db, id));
}

t.test('applied: the writes run in order, refs become the ids they made, the plan is in the result', async (t) => {
  const moodle = fakeMoodle();
  const outcome = await run(moodle, '111');
  t.equal(outcome.status, 'completed');
  t.match(outcome.result, { action: 'created', moodleId: 100 });
  t.match(
    outcome.result.plan,
    [
      { op: 'moodle.create_user', ref: 'user' },
      { op: 'link.save', moodleId: 100 },
    ],
    'the plan as applied: with the ids made',
  );
  t.equal((await getLink(db, 'teacher', '111'))?.moodle_id, 100, 'the link names the id the create made');
});

t.test('dry run (system.dry_run): read and plan, nothing applied, the plan shown with its refs', async (t) => {
  await changeSetting(db, 'system.dry_run', { enabled: true, modules: ['BTEC_Teachers'] }, 'test');
  t.teardown(() => changeSetting(db, 'system.dry_run', { enabled: false, modules: [] }, 'test'));
  const moodle = fakeMoodle();
  const outcome = await run(moodle, '222');
  t.match(outcome, {
    status: 'skipped',
    result: { dryRun: true, action: 'created', moodleId: null, reason: /^dry run: would be created/ },
  });
  t.match(outcome.result.plan, [{ op: 'moodle.create_user' }, { op: 'link.save', moodleId: { ref: 'user' } }]);
  t.strictSame(moodle.calls, ['findUser'], 'no write reached Moodle');
  t.equal(await getLink(db, 'teacher', '222'), null, 'no link saved');
});

t.test('bin/sync --dry-run events (payload dry_run) are dry runs too', async (t) => {
  const moodle = fakeMoodle();
  const outcome = await run(moodle, '333', { dry_run: true });
  t.match(outcome, { status: 'skipped', result: { dryRun: true } });
  t.notOk(moodle.calls.includes('createUsers'));
});

t.test('a create answered "duplicate" (made meanwhile): read and planned again, the account adopted', async (t) => {
  const moodle = fakeMoodle();
  const before = reads;
  // The account appears only after the first read: the read sees none, the create collides.
  const racing = { id: 555, idnumber: '444' };
  const original = moodle.client.findUser;
  let first = true;
  moodle.client.findUser = async (field, value) => {
    const found = await original(field, value);
    if (first) {
      first = false;
      moodle.raceWith(racing);
      return null;
    }
    return found;
  };
  const outcome = await run(moodle, '444');
  t.equal(reads - before, 2, 'read twice');
  t.match(outcome.result, { action: 'unchanged', moodleId: 555 });
  t.equal((await getLink(db, 'teacher', '444'))?.moodle_id, 555);
});

t.test('a gate that says no: skipped with the setting named, nothing read', async (t) => {
  await changeSetting(db, 'modules.enabled', { BTEC_Teachers: false }, 'test');
  t.teardown(() => db.query(sql.unsafe`delete from app_settings where key = 'modules.enabled'`));
  const before = reads;
  const outcome = await run(fakeMoodle(), '666');
  t.match(outcome, {
    status: 'skipped',
    result: { reason: 'module disabled (modules.enabled.BTEC_Teachers is false)' },
  });
  t.equal(reads, before, 'not read');
});

t.test('a kind with no flow fails permanently, naming it', async (t) => {
  const id = await addTestEvent(db, { entity: 'unit', module: 'BTEC', taskIdentifier: 'zoho_unit' });
  const ctx = testRunContext(db, log, {});
  await t.rejects(runFlow(flows, ctx, await eventById(db, id)), {
    code: 'handler.missing',
    message: /no flow for zoho\.unit/,
  });
});

t.test(
  'a flow that needs Moodle, without Moodle configured: the configuration error, with the variables',
  async (t) => {
    const id = await addTestEvent(db, { entity: 'teacher', module: 'BTEC_Teachers', taskIdentifier: 'zoho_teacher' });
    await t.rejects(runFlow(flows, testRunContext(db, log, {}), await eventById(db, id)), {
      code: 'moodle.not_configured',
      message: /MOODLE_URL, MOODLE_TOKEN/,
    });
  },
);
