import t from 'tap';
import { getGradePush } from '../../shared/db/queries/gradePushes.ts';
import { flows } from '../../worker/flows/index.ts';
import { btecRuleSchema, type BtecRuleEvent } from '../../worker/flows/moodleBtecRule.ts';
import { runFlow } from '../../worker/pipeline/runFlow.ts';
import { testRunContext } from '../helpers/runContext.ts';
import { addTestEvent, eventById } from '../helpers/testEvents.ts';
import { startZohoTestSetup } from '../helpers/zohoTestSetup.ts';

/**
 * The nightly F applies only where nobody has graded: a grade that Zoho already holds for the
 * composite key (entered in Zoho, or written by the predecessor, so not in our pushes table)
 * must not be overwritten with F. A retry of our own F (crash after the Zoho write) still
 * completes and records the push.
 */

const { zoho: zohoSim, client: zoho, db: db, log } = await startZohoTestSetup(t);

const DUE = 1_790_000_000;
const [student] = zohoSim.seed('BTEC_Students', [
  { First_Name: 'Rami', Last_Name: 'Aziz', Academic_Email: 'rami@college.example', Student_Moodle_ID: '70' },
]);

async function apply(userId: number, assignmentId: number, decidedAt?: number) {
  const payload: BtecRuleEvent = btecRuleSchema.parse({
    btec_rule: {
      rule: 'F',
      compositeKey: `${userId}_80_${assignmentId}`,
      userId,
      courseId: 80,
      assignmentId,
      assignmentName: 'Finance report',
      dueDate: DUE,
      ...(decidedAt ? { decidedAt } : {}),
    },
  });
  // As the nightly rules queue it: a moodle grade event of type btec_rule, the action as its payload.
  const id = await addTestEvent(db, {
    source: 'moodle',
    entity: 'grade',
    module: 'BTEC_Grades',
    eventType: 'btec_rule',
    recordId: payload.btec_rule.compositeKey,
    taskIdentifier: 'moodle_grade',
    payload,
  });
  return runFlow(flows, testRunContext(db, log, { zoho }), await eventById(db, id));
}

t.test('a grade Zoho already holds for the key is not overwritten with F', async (t) => {
  const [existing] = zohoSim.seed('BTEC_Grades', [
    { Moodle_Grade_Composite_Key: '70_80_90', Grade: 'P', Student: { id: student } },
  ]);
  const outcome = await apply(70, 90);
  t.match(outcome, { status: 'skipped', result: { rule: 'F', reason: /Zoho already has/ } });
  t.equal(zohoSim.record('BTEC_Grades', existing!)!.Grade, 'P', 'the grade in Zoho stays');
  t.equal(await getGradePush(db, '70_80_90'), null);
});

t.test('no grade in Zoho: F is created; our own F found again on a retry completes', async (t) => {
  const first = await apply(70, 91);
  t.match(first, { status: 'completed', result: { rule: 'F', action: 'created', letter: 'F' } });
  const zohoId = (first.result as { zohoId: string }).zohoId;
  t.equal(zohoSim.record('BTEC_Grades', zohoId)!.Grade, 'F');
  // As after a crash between the Zoho write and the push row.
  await db.query((await import('slonik')).sql.unsafe`delete from moodle_grade_pushes where composite_key = '70_80_91'`);
  const again = await apply(70, 91);
  t.match(again, { status: 'completed', result: { rule: 'F', letter: 'F', zohoId } });
  t.match(await getGradePush(db, '70_80_91'), { letter: 'F', zoho_grade_id: zohoId });
});

t.test(
  'the F is dated when the nightly rules decided, so a grade given after that wins even when it runs later',
  async (t) => {
    const decidedAt = Math.floor(Date.now() / 1000) - 3600;
    await apply(70, 92, decidedAt);
    t.match(await getGradePush(db, '70_80_92'), { letter: 'F', origin: 'btec_rules', graded_at: decidedAt });
    // The pure check the grade flow makes (worker/flows/moodleGrade.ts isOlderGrade) against that row:
    const { isOlderGrade } = await import('../../worker/flows/moodleGrade.ts');
    const push = (await getGradePush(db, '70_80_92'))!;
    t.equal(
      isOlderGrade({ attempt_number: 1, graded_at: decidedAt + 60 }, push),
      false,
      'graded after the read: it wins',
    );
    t.equal(
      isOlderGrade({ attempt_number: 1, graded_at: decidedAt - 60 }, push),
      true,
      'graded before the read: older',
    );
  },
);
