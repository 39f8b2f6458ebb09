import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { listZohoChannels } from '../../shared/db/queries/zohoChannels.ts';
import { eventRowSchema, type EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import { PROJECT_ROOT, runProcess } from '../helpers/spawnProcess.ts';
import { startSyncStack } from '../helpers/startSyncStack.ts';
import { waitFor } from '../helpers/waitFor.ts';

/**
 * Zoho → Moodle with no workflow rule: `bin/zoho connect` subscribes the simulated org's
 * notification channels, then people create, edit and delete records in Zoho; the simulator
 * posts Zoho's callbacks to the real ingress, the real worker syncs Moodle, and the service's
 * own write-backs (which notifications report too) do not come back as work.
 */

const stack = await startSyncStack(t);
const { zoho, moodle, db } = stack;
const BIN_ZOHO = `${PROJECT_ROOT}bin/zoho.ts`;
const env = {
  PATH: process.env.PATH ?? '',
  DATABASE_URL: stack.databaseUrl,
  LOG_LEVEL: 'warn',
  ZOHO_ACCOUNTS_URL: zoho.accountsUrl,
  ZOHO_CLIENT_ID: zoho.clientId,
  ZOHO_CLIENT_SECRET: zoho.clientSecret,
  ZOHO_REFRESH_TOKEN: zoho.refreshToken,
  ZOHO_API_URL: zoho.apiUrl,
  ENCRYPTION_KEY: stack.encryptionKey,
  PUBLIC_URL: stack.url,
};
const binZoho = (args: string[], extra: Record<string, string> = {}) =>
  runProcess(process.execPath, [BIN_ZOHO, ...args], { env: { ...env, ...extra } });

/** Moodle calls that change something (reads are free to repeat). */
const moodleWrites = () =>
  moodle.calls.filter((c) => !/_get_|_search|get_site_info|_view_/.test(String(c.wsfunction))).length;

/** Every event of a record, once none is waiting or running. */
async function settledEvents(module: string, recordId: string, atLeast = 1): Promise<readonly EventRow[]> {
  return waitFor(
    async () => {
      await zoho.flushNotifications();
      const rows = await db.any(
        sql.type(
          eventRowSchema,
        )`select * from integration_events_log where module = ${module} and record_id = ${recordId} order by id`,
      );
      return rows.length >= atLeast &&
        rows.every((r) => ['completed', 'failed', 'skipped', 'cancelled'].includes(r.status))
        ? rows
        : undefined;
    },
    30_000,
    `${module} ${recordId}'s events to settle`,
  );
}

/** Waits until the queue is empty (every callback's event has run). */
async function quiet(): Promise<void> {
  await waitFor(
    async () => {
      await zoho.flushNotifications();
      const busy = await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
      select count(*) as n from integration_events_log where status in ('pending', 'processing', 'retrying')`);
      return busy === 0 ? true : undefined;
    },
    30_000,
    'the queue to empty',
  );
}

t.test('bin/zoho connect subscribes one channel per module at PUBLIC_URL; status lists them', async (t) => {
  const noUrl = await binZoho(['connect'], { PUBLIC_URL: '' });
  t.equal(noUrl.code, 1);
  t.match(noUrl.stderr, /PUBLIC_URL is not set: set it to the address Zoho reaches this service at/);
  const badUrl = await binZoho(['connect'], { PUBLIC_URL: 'sync.example.ac.uk' });
  t.equal(badUrl.code, 1);
  t.match(badUrl.stderr, /PUBLIC_URL must be an https:\/\/ URL/);

  const connect = await binZoho(['connect']);
  t.equal(connect.code, 0, connect.stderr);
  t.match(connect.stdout, new RegExp(`notify URL: ${stack.url}/v1/notifications/zoho`));
  t.match(connect.stdout, /ok {3}BTEC_Students +subscribed \(channel \d+\) until /);
  const rows = await listZohoChannels(db);
  t.equal(rows.length, 9, 'one channel per synced module');
  const channels = zoho.channels();
  t.equal(channels.length, 9, 'Zoho has them too');
  for (const channel of channels) {
    t.equal(channel.notifyUrl, `${stack.url}/v1/notifications/zoho`);
    t.same(
      [...channel.events].sort(),
      ['create', 'delete', 'edit'].map((op) => `${channel.module}.${op}`),
      `${channel.module}: create, edit, delete`,
    );
    t.ok((channel.token as string).length <= 50, "the token fits Zoho's 50 characters");
  }
  const expiry = rows[0]!.expires_at.getTime() - Date.now();
  t.ok(expiry > 6.9 * 86_400_000 && expiry < 7 * 86_400_000, 'a week ahead, inside the limit');
  const stored = await db.anyFirst(
    sql.type(z.object({ t: z.string() }))`select encode(token_sha256, 'hex') as t from zoho_notification_channels`,
  );
  t.notOk(
    channels.some((c) => stored.includes(String(c.token))),
    'only digests are stored, never the tokens',
  );

  const status = await binZoho(['status']);
  t.equal(status.code, 0, status.stdout);
  t.match(status.stdout, /BTEC_Classes +live +channel \d+, expires .*last delivery never \(0 in all\)/);
});

t.test(
  'a student, class and enrollment created, edited and deleted in Zoho sync Moodle with no workflow rule',
  async (t) => {
    const [programId] = zoho.seed('Products', [{ Product_Name: 'Level 5 Business n1' }]);
    const [teacherId] = zoho.seed('BTEC_Teachers', [
      { Name: 'Leila Haddad n1', Academic_Email: 'leila.n1@college.example' },
    ]);
    const classId = zoho.create('BTEC_Classes', {
      Name: 'CL-n1',
      Class_Name: 'Unit 4 Marketing n1',
      Class_Short_Name: 'U4-MKT-n1',
      Class_Status: 'Active',
      BTEC_Program: { id: programId, name: 'x' },
      Teacher: { id: teacherId, name: 'x' },
      Start_Date: '2026-09-01',
      End_Date: '2027-01-31',
    });
    const studentId = zoho.create('BTEC_Students', {
      Name: 'ST-n1',
      First_Name: 'Zeynep',
      Last_Name: 'Çelik',
      Academic_Email: 'zeynep.n1@college.example',
      Status: 'Active',
    });
    await quiet();
    const course = moodle.state.courses.find((c) => c.idnumber === classId);
    t.match(course, { fullname: 'Unit 4 Marketing n1' }, 'the class became a course');
    const user = () => moodle.state.users.find((u) => u.idnumber === studentId)!;
    t.match(user(), { username: 'zeynep.n1@college.example', suspended: false }, 'the student became a user');
    t.equal(
      zoho.record('BTEC_Students', studentId)?.Student_Moodle_ID,
      String(user().id),
      'Student_Moodle_ID written back',
    );
    t.equal(zoho.record('BTEC_Classes', classId)?.Moodle_Class_ID, String(course!.id), 'Moodle_Class_ID written back');

    const enrollmentId = zoho.create('BTEC_Enrollments', {
      Name: 'EN-n1',
      Enrolled_Students: { id: studentId, name: 'x' },
      Classes: { id: classId, name: 'x' },
    });
    await quiet();
    t.ok(
      moodle.state.enrolments.some((e) => e.courseid === course!.id && e.userid === user().id && e.status === 0),
      'enrolled',
    );

    zoho.edit('BTEC_Students', studentId, { Last_Name: 'Çelik-Yılmaz' });
    await quiet();
    t.equal(user().lastname, 'Çelik-Yılmaz', 'an edit in Zoho reaches Moodle');

    zoho.edit('BTEC_Classes', classId, { Class_Name: 'Unit 4 Marketing (evening) n1' });
    await quiet();
    t.equal(
      moodle.state.courses.find((c) => c.id === course!.id)?.fullname,
      'Unit 4 Marketing (evening) n1',
      'a class renamed in Zoho renames the course',
    );

    zoho.remove('BTEC_Enrollments', enrollmentId);
    await quiet();
    t.ok(
      moodle.state.enrolments.some((e) => e.courseid === course!.id && e.userid === user().id && e.status === 1),
      'a deleted enrollment suspends the enrolment',
    );
    zoho.remove('BTEC_Students', studentId);
    await quiet();
    t.equal(user().suspended, true, 'a deleted student is suspended');

    zoho.remove('BTEC_Classes', classId);
    await quiet();
    t.match(
      moodle.state.courses.find((c) => c.id === course!.id),
      { visible: 0 },
      'a deleted class hides the course',
    );

    const events = await settledEvents('BTEC_Students', studentId, 3);
    t.ok(
      events.every((e) => (e.payload as { via?: string }).via === 'zoho_notification'),
      'every event came from a channel',
    );
    t.notOk(
      events.some((e) => e.status === 'failed'),
      'none failed',
    );
    const channel = (await listZohoChannels(db)).find((c) => c.module === 'BTEC_Students');
    t.ok(channel && channel.deliveries >= 3 && channel.last_delivery_at, 'the channel counts its deliveries');
  },
);

t.test(
  "the service's write-backs come back as callbacks and end skipped: own write, with no Moodle write",
  async (t) => {
    const studentId = zoho.create('BTEC_Students', {
      Name: 'ST-n2',
      First_Name: 'Ada',
      Last_Name: 'Lovelace',
      Academic_Email: 'ada.n2@college.example',
      Status: 'Active',
    });
    await quiet();
    const events = await settledEvents('BTEC_Students', studentId, 2);
    t.match(events[0], {
      event_type: 'created',
      status: 'completed',
      result: { action: 'created', writeBack: 'Student_Moodle_ID' },
    });
    const echo = events.find((e) => e.event_type === 'updated');
    t.match(
      echo,
      { status: 'skipped', result: { reason: /^own write: / } },
      'the write-back came back and was recognised',
    );
    const writes = moodleWrites();
    const before = events.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await quiet();
    t.equal((await settledEvents('BTEC_Students', studentId)).length, before, 'nothing more came back: no loop');
    t.equal(moodleWrites(), writes, 'no Moodle write since');
  },
);

t.test('a forged callback with a wrong token writes nothing', async (t) => {
  const [channel] = zoho.channels();
  const count = () =>
    db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from integration_events_log`);
  const before = await count();
  const forged = await fetch(`${stack.url}/v1/notifications/zoho`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      server_time: Date.now(),
      module: channel!.module,
      ids: ['1'],
      operation: 'update',
      channel_id: channel!.channelId,
      token: 'not-the-token',
    }),
  });
  t.equal(forged.status, 401);
  t.equal(await count(), before);
});

t.test('bin/zoho disconnect disables every channel; Zoho sends nothing more', async (t) => {
  const disconnect = await binZoho(['disconnect']);
  t.equal(disconnect.code, 0, disconnect.stderr);
  t.match(disconnect.stdout, /ok {3}BTEC_Students +disabled/);
  t.equal(zoho.channels().length, 0);
  t.same(await listZohoChannels(db), []);
  const sent = zoho.notifications.length;
  zoho.create('BTEC_Students', {
    Name: 'ST-n3',
    First_Name: 'Bo',
    Last_Name: 'B',
    Academic_Email: 'bo.n3@college.example',
    Status: 'Active',
  });
  await zoho.flushNotifications();
  t.equal(zoho.notifications.length, sent, 'no callback after disconnect');
  const status = await binZoho(['status']);
  t.match(status.stdout, /no channels: run bin\/zoho connect/);
});
