import { sql, type DatabasePool } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import type { MoodleGradeData } from '../../shared/domain/moodle/moodleEventData.ts';
import { flows } from '../../worker/flows/index.ts';
import { runFlow } from '../../worker/pipeline/runFlow.ts';
import { testRunContext } from '../helpers/runContext.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startZohoTestSetup } from '../helpers/zohoTestSetup.ts';
import { sampleMoodleGrade } from '../helpers/sampleMoodleGrade.ts';

/**
 * A grade written to Zoho queues its dashboard copy (our write fires no Zoho workflow). If the
 * worker dies after recording the push but before queueing the copy, the retry finds the grade
 * "unchanged" and would never queue it: the push and the copy's event commit together.
 */

const { zoho: zohoSim, client: zoho, db: pool, log } = await startZohoTestSetup(t);
zohoSim.seed('BTEC_Students', [
  { First_Name: 'Layla', Last_Name: 'Hassan', Academic_Email: 'layla@college.example', Student_Moodle_ID: '45' },
]);

/** The pool, except that the first statement touching integration_events_log fails (the "crash"). */
function failingOnce(db: DatabasePool): DatabasePool {
  let armed = true;
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property, object) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'transaction')
          return (fn: (tx: unknown) => unknown) =>
            (value as (f: unknown) => unknown).call(object, (tx: object) => fn(wrap(tx)));
        if (['query', 'maybeOne', 'one', 'any'].includes(String(property))) {
          return (query: { sql: string }) => {
            if (armed && query.sql.includes('integration_events_log')) {
              armed = false;
              return Promise.reject(new Error('Connection terminated unexpectedly'));
            }
            return (value as (q: unknown) => unknown).call(object, query);
          };
        }
        return (value as (...args: unknown[]) => unknown).bind(object);
      },
    });
  return wrap(db);
}

const grade: MoodleGradeData = sampleMoodleGrade({ feedback: 'Good' });

t.test('a crash before the dashboard copy is queued: the retry still queues it', async (t) => {
  const eventId = await addTestEvent(pool, {
    source: 'moodle',
    entity: 'grade',
    module: 'assign_grades',
    taskIdentifier: 'moodle_grade',
    recordId: '500',
    payload: {
      event_id: 'graded-500',
      event_type: '\\mod_assign\\event\\submission_graded',
      entity_type: 'grade',
      entity_id: 500,
      user_id: 45,
      course_id: 6,
      timestamp: 1_790_100_000,
      data: grade,
    },
  });
  const db = failingOnce(pool);
  const event = await eventById(pool, eventId);
  const run = () => runFlow(flows, testRunContext(db, log, { zoho }), event);
  await t.rejects(run(), /Connection terminated/, 'the first attempt dies');
  const retry = await run();
  t.match(retry, { status: 'completed', result: { letter: 'M' } });
  const copies = await pool.anyFirst(sql.type(z.object({ event_id: z.string() }))`
    select event_id from integration_events_log where source = 'zoho' and entity = 'grade' and event_id like 'moodle-grade:%'`);
  t.equal(copies.length, 1, 'the dashboard copy is queued once');
  t.equal(
    zohoSim.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/BTEC_Grades')).length,
    1,
    'one Zoho create',
  );
});
