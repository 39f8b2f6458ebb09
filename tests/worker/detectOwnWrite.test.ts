import t from 'tap';
import { createZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import { findOwnWrite, pruneOwnWrites, saveOwnWrites } from '../../shared/db/queries/zohoOwnWrites.ts';
import type { NotificationPayload } from '../../shared/domain/zoho/zohoNotifications.ts';
import { detectOwnWrite } from '../../worker/pipeline/detectOwnWrite.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startZohoTestSetup } from '../helpers/zohoTestSetup.ts';

let clock = Date.parse('2026-12-04T10:00:00Z');
const { zoho, tokens, log, db } = await startZohoTestSetup(t, { now: () => clock });
const calls = () => zoho.calls.filter((c) => c.path.startsWith('/crm/')).length;
// As createZohoClientFromConfig builds it: every write remembered in zoho_own_writes.
const client = createZohoClient({
  tokens,
  log,
  apiUrl: zoho.apiUrl,
  onOwnWrites: (module, writes) => saveOwnWrites(db, module, writes),
});
const [studentId] = zoho.seed('BTEC_Students', [
  { Name: 'Ada', Academic_Email: 'ada@college.example', Status: 'Active' },
]);

const notified = async (recordId: string, payload: Partial<NotificationPayload> = {}, eventType = 'updated') =>
  eventById(
    db,
    await addTestEvent(db, {
      recordId,
      eventType,
      dedupe: 'coalesce',
      jobKey: `zoho:BTEC_Students:${recordId}`,
      payload: {
        via: 'zoho_notification',
        channel_id: '1',
        operation: 'update',
        server_time: String(clock),
        affected_fields: null,
        ...payload,
      },
    }),
  );

t.test('the client remembers the Modified_Time Zoho answered each write with', async (t) => {
  clock += 60_000;
  await client.updateOne('BTEC_Students', { id: studentId!, Student_Moodle_ID: '42' });
  const own = await findOwnWrite(db, 'BTEC_Students', studentId!);
  t.equal(
    own?.modified_time,
    zoho.record('BTEC_Students', studentId!)?.Modified_Time,
    "the record's own Modified_Time after our write",
  );
  t.same(own?.fields, ['Student_Moodle_ID'], 'and the fields written');
});

t.test('a callback naming only fields the service writes is skipped without any call', async (t) => {
  const before = calls();
  const event = await notified(studentId!, { affected_fields: ['Student_Moodle_ID', 'Modified_Time'] });
  t.match(
    await detectOwnWrite(db, client, event),
    /^own write: only Student_Moodle_ID changed, which this service writes$/,
  );
  t.equal(calls(), before, 'no Zoho call');
});

t.test('a record still at our write is our own write; a later edit by a person is not', async (t) => {
  const ours = await notified(studentId!);
  t.match(
    await detectOwnWrite(db, client, ours),
    /own write: BTEC_Students \d+ is as this service wrote it \(Modified_Time /,
  );
  const sameSecond = await notified(studentId!, { affected_fields: ['Status'] });
  t.equal(
    await detectOwnWrite(db, client, sameSecond),
    null,
    "a field we did not write changed: someone else's edit, even within the same second",
  );
  clock += 60_000;
  zoho.edit('BTEC_Students', studentId!, { Status: 'Passive' });
  t.equal(await detectOwnWrite(db, client, ours), null, "Modified_Time moved on: the change is a person's");
});

t.test('events that are not notifications, deletions and records we never wrote run as usual', async (t) => {
  t.equal(
    await detectOwnWrite(db, client, await eventById(db, await addTestEvent(db, { recordId: studentId! }))),
    null,
    'a workflow webhook',
  );
  t.equal(
    await detectOwnWrite(db, client, await notified(studentId!, { affected_fields: ['Student_Moodle_ID'] }, 'deleted')),
    null,
    'a deletion',
  );
  const [other] = zoho.seed('BTEC_Students', [{ Name: 'Bo', Academic_Email: 'bo@college.example' }]);
  const before = calls();
  t.equal(await detectOwnWrite(db, client, await notified(other!)), null);
  t.equal(calls(), before, 'nothing of ours to compare with: no Zoho call');
});

t.test('old own writes are pruned', async (t) => {
  t.equal(await pruneOwnWrites(db, 48), 0, 'a fresh one stays');
  t.equal(await pruneOwnWrites(db, 0), 1, 'with no hours to keep, it goes');
  t.equal(await findOwnWrite(db, 'BTEC_Students', studentId!), null);
});
