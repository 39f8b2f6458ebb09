import { randomUUID } from 'node:crypto';
import t from 'tap';
import { SETUP_CAPABILITIES } from '../../sandbox/integrationRequirements.ts';
import { retryEvents } from '../../shared/db/queries/eventOperations.ts';
import { startSyncStack, type SyncStack } from '../helpers/startSyncStack.ts';
import { waitFor } from '../helpers/waitFor.ts';

/**
 * The integration user's role, end to end: with exactly the setup script's capabilities every
 * Zoho → Moodle step of a student works; with one capability taken away the event fails naming
 * it (never a schema error), and after the fix a retry completes. The simulated Moodle hides
 * fields as the real one does under each role (tests/fixtures/moodle-capabilities).
 */
const SETUP = SETUP_CAPABILITIES;

async function send(stack: SyncStack, recordId: string, eventType = 'updated') {
  const eventId = randomUUID();
  const answer = await stack.sendZoho('student', {
    event_id: eventId,
    event_type: eventType,
    module: 'BTEC_Students',
    record_id: recordId,
  });
  if (answer.status !== 202) throw new Error(`ingress answered ${answer.status}`);
  return stack.settled(eventId);
}

t.test("students with the setup script's role, and without one of its capabilities", async (t) => {
  const stack = await startSyncStack(t);
  stack.moodle.state.config.integrationCapabilities = SETUP;
  stack.moodle.state.config.assignableRoles = [5, 3, 4];
  const [id] = stack.zoho.seed('BTEC_Students', [
    {
      Name: 'ST-CAP',
      First_Name: 'Deniz',
      Last_Name: 'Kaya',
      Academic_Email: 'deniz.kaya@college.example',
      Status: 'Active',
    },
  ]);

  const created = await send(stack, id!, 'created');
  t.equal(created.status, 'completed', String(created.last_error));
  stack.zoho.edit('BTEC_Students', id!, { Last_Name: 'Kaya-Arslan' });
  const updated = await send(stack, id!);
  t.equal(updated.status, 'completed', `an update works with the setup role (${String(updated.last_error)})`);
  t.equal(stack.moodle.state.users.find((u) => u.idnumber === id)?.lastname, 'Kaya-Arslan');

  stack.moodle.state.config.integrationCapabilities = SETUP.filter((c) => c !== 'moodle/user:viewalldetails');
  stack.zoho.edit('BTEC_Students', id!, { Last_Name: 'Arslan' });
  const refused = await send(stack, id!);
  t.equal(refused.status, 'failed');
  t.equal(refused.error_code, 'moodle.capability_missing', 'the code says what kind of problem it is');
  t.match(
    refused.last_error,
    /moodle\/user:viewalldetails.*setup_integration\.php/,
    'the message names the capability and the fix',
  );
  t.notMatch(refused.last_error, /unexpected shape|Invalid input/, 'not a schema error');
  t.equal(stack.moodle.state.users.filter((u) => u.idnumber === id).length, 1, 'no second account was attempted');

  stack.moodle.state.config.integrationCapabilities = SETUP;
  await retryEvents(stack.db, [refused.id]);
  const retried = await waitFor(
    async () => {
      const row = await stack.settled(refused.event_id);
      return row.status === 'completed' ? row : undefined;
    },
    30_000,
    'the retried event',
  );
  t.equal(retried.status, 'completed', 'after the fix, bin/jobs retry completes it');
  t.equal(stack.moodle.state.users.find((u) => u.idnumber === id)?.lastname, 'Arslan');
});
