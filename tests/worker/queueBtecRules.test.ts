import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { createMoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { createDbPool } from '../../shared/db/createDbPool.ts';
import { saveSetting } from '../../shared/db/queries/appSettings.ts';
import { createLogger } from '../../shared/logging/createLogger.ts';
import { queueBtecRules } from '../../worker/flows/nightlyBtecRules.ts';
import { createMoodleSimulator } from '../../sandbox/moodleSimulator.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

/**
 * The nightly BTEC rules plan F only for students who are (still) in the class: an enrolment
 * suspended in Moodle (the Zoho enrollment was deleted, or staff suspended it) gets no F. And
 * the student role is recognised however `moodle.roles.student` names it (shortname or id).
 */

const DAY = 86_400;
const log = createLogger({ service: 'test', level: 'silent' });

const moodle = await createMoodleSimulator();
t.teardown(() => moodle.close());
const client = createMoodleClient({ url: moodle.url, token: moodle.token, timeoutMs: 5000, log });

const db = await createDbPool(await createTestDatabase(t));
t.teardown(() => db.end());

const now = Math.floor(Date.now() / 1000);
moodle.seed({
  users: [
    { id: 70, username: 'active@college.example' },
    { id: 71, username: 'left@college.example' },
  ],
  courses: [{ id: 80, shortname: 'U9-FIN', idnumber: '5725767000000900001' }],
  enrolments: [
    { userid: 70, courseid: 80 },
    { userid: 71, courseid: 80, suspended: true },
  ],
  assignments: [{ id: 90, courseid: 80, name: 'Finance report', duedate: now - 2 * DAY }],
});
await db.query(
  sql.unsafe`insert into sync_links (entity, zoho_id, moodle_id) values ('class', '5725767000000900001', 80)`,
);

const queuedKeys = async () =>
  db.anyFirst(
    sql.type(
      z.object({ record_id: z.string() }),
    )`select record_id from integration_events_log where event_type = 'btec_rule' order by record_id`,
  );

t.test('no F for a student whose enrolment is suspended', async (t) => {
  const report = await queueBtecRules({ db, log, moodle: client, now });
  t.same(report.planned, { F: 1, RR: 0 });
  t.same(await queueKeysAndClear(), ['70_80_90'], 'only the actively enrolled student');
});

t.test('moodle.roles.student given as a numeric id in a string ("5") still finds the students', async (t) => {
  await saveSetting(db, 'moodle.roles', { student: '5', teacher: 'editingteacher', non_editing_teacher: 'teacher' });
  t.teardown(() =>
    saveSetting(db, 'moodle.roles', { student: 'student', teacher: 'editingteacher', non_editing_teacher: 'teacher' }),
  );
  const report = await queueBtecRules({ db, log, moodle: client, now: now + 1 });
  t.same(report.planned, { F: 1, RR: 0 });
  t.same(await queueKeysAndClear(), ['70_80_90']);
});

async function queueKeysAndClear(): Promise<readonly string[]> {
  const keys = await queuedKeys();
  await db.query(sql.unsafe`delete from integration_events_log where event_type = 'btec_rule'`);
  await db.query(sql.unsafe`delete from graphile_worker._private_jobs`);
  return keys;
}
