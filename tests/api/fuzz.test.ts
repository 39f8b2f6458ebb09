// Property / fuzz test of the two event routes: whatever arrives, the ingress answers a
// 4xx JSON error and writes nothing, unless the generator built a valid event on
// purpose (then 202 with exactly one row and one job). Reproduce a run with
// FUZZ_SEED=<seed printed below>; FUZZ_RUNS sets how many random requests follow the
// fixed corpus (every variant of every category once). `npm run chaos` runs 100,000.
import { randomInt } from 'node:crypto';
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { countRows } from '../helpers/eventRows.ts';
import { startTestApp } from '../helpers/startTestApp.ts';
import { createFuzzChecker, type Outcome } from '../fuzz/checkFuzzCase.ts';
import { CATEGORIES, createFuzzStream } from '../fuzz/webhookCases.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : randomInt(2 ** 31);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 300;

const app = await startTestApp(t);
const { check, describe, serverError, close } = createFuzzChecker({
  port: Number(new URL(app.url).port),
  db: app.db,
  logs: app.logs,
});
t.teardown(close);

const stream = createFuzzStream(SEED);
t.comment(`fuzz seed ${SEED} (reproduce with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})`);

const outcomes: Outcome[] = [];
const initial = await countRows(app.db);
const started = Date.now();

// 1. The corpus: every variant of every category once, in order.
for (const { category, cases } of stream.corpus()) {
  for (const c of cases) outcomes.push(await check(category.name, c));
}
const corpusSize = outcomes.length;
// 2. Random requests: weighted category, random variant.
for (let i = 0; i < RUNS; i++) {
  const { category, cases } = stream.random();
  for (const c of cases) outcomes.push(await check(category.name, c));
}
t.comment(
  `${outcomes.length} requests (${corpusSize} corpus + ${outcomes.length - corpusSize} random) in ${Date.now() - started} ms`,
);

for (const category of CATEGORIES) {
  const mine = outcomes.filter((o) => o.category === category.name);
  t.test(`${category.name}: ${category.behaviour}`, async (t) => {
    for (const o of mine.filter((m) => m.problems.length > 0)) {
      t.fail(`${o.case.description}: ${o.problems.join('; ')}`, { diagnostic: true, ...describe(o) });
    }
    for (const o of mine.filter((m) => m.case.expect === 'acceptOrReject' && m.problems.length === 0)) {
      t.comment(`either outcome allowed: ${o.case.description} → ${o.status}`);
    }
    const good = mine.filter((m) => m.problems.length === 0).length;
    t.pass(`${good} of ${mine.length} requests behaved`);
  });
}

const serverErrors = outcomes.filter((o) => (o.status ?? 0) >= 500);
if (serverErrors.length > 0) {
  const causes = new Map<string, string[]>();
  for (const o of serverErrors) {
    // One line per kind of failure: drop JSON paths, sizes and decoded values from the message.
    const logged = serverError(o.requestId) ?? '(no error line found)';
    const split = logged.indexOf(': ');
    const cause =
      split < 0
        ? logged
        : logged.slice(0, split + 2) +
          logged
            .slice(split + 2)
            .replace(/ at \$\S*/, ' at $…')
            .replace(/'[^']*'/g, "'…'")
            .replace(/(?<!U\+)\b\d{3,}\b/g, 'N');
    causes.set(cause, [...(causes.get(cause) ?? []), `${o.category}: ${o.case.description}`]);
  }
  t.comment(`${serverErrors.length} requests were answered 5xx; distinct causes logged by the ingress:`);
  for (const [cause, cases] of causes) t.comment(`  ${cases.length}× ${cause}  (e.g. ${cases[0]})`);
}

t.test(
  'after the whole stream, rows and jobs grew by exactly the accepted events, each with one row and one job',
  async (t) => {
    const accepted = outcomes.filter((o) => o.status === 202);
    const final = await countRows(app.db);
    t.same(
      final,
      { events: initial.events + accepted.length, jobs: initial.jobs + accepted.length },
      `${accepted.length} events accepted`,
    );
    const orphans = await app.db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from integration_events_log e
     where not exists (select 1 from graphile_worker.jobs j
                        where j.key = case when e.dedupe = 'coalesce' then 'zoho:' || e.module || ':' || e.record_id else 'event:' || e.id end)
  `);
    t.equal(orphans, 0, 'no row without its job');
    t.ok(accepted.length > 10, 'the stream included valid events');
  },
);
