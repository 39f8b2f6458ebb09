// `npm run chaos`: the fault script. Everything on loopback, on a PostgreSQL of its own
// (embedded, in a temporary folder), with the Zoho and Moodle simulators; not part of
// `npm test`. Prints its figures and exits 1 when a guarantee did not hold.
//
//   CHAOS_ONLY=restart,kill,zoho,fuzz,soak   which scenarios (default: all, in this order)
//   CHAOS_SEED=20261203                      the fuzz run's seed (printed; same seed, same requests)
//   FUZZ_REQUESTS=100000  SOAK_MINUTES=60  SOAK_RATE=40  (events a second)
import { describeLoad, describeMachine, envInt, printTable, runBenchmark } from '../bench/benchSupport.ts';
import { startChaosPostgres } from './chaosSupport.ts';
import { databaseRestart } from './databaseRestart.ts';
import { fuzzRoutes } from './fuzzRoutes.ts';
import { soak } from './soak.ts';
import { workerKill } from './workerKill.ts';
import { zohoOutage } from './zohoOutage.ts';

const SCENARIOS = ['restart', 'kill', 'zoho', 'fuzz', 'soak'] as const;
type Scenario = (typeof SCENARIOS)[number];
const only = (process.env.CHAOS_ONLY ?? SCENARIOS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
if (unknown.length > 0) {
  console.error(`CHAOS_ONLY: unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const selected = (name: Scenario) => only.includes(name);
const seed = envInt('CHAOS_SEED', 20_261_203, 0);
const fuzzRequests = envInt('FUZZ_REQUESTS', 100_000);
const soakMinutes = envInt('SOAK_MINUTES', 60);
const soakRate = envInt('SOAK_RATE', 40);

const verdicts: [string, boolean, string][] = [];
const expect = (what: string, ok: boolean, figure: string) => verdicts.push([what, ok, figure]);
/** One scenario's figures, a row each; fractions to two places. */
const printFigures = (figures: Record<string, unknown>) =>
  printTable(
    ['figure', 'value'],
    Object.entries(figures).map(([k, v]) => [
      k,
      typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v),
    ]),
  );
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'never');

await runBenchmark('chaos', async (cleanup) => {
  console.log(`chaos: ${describeMachine()}; scenarios ${only.join(', ')}`);
  const postgres = await startChaosPostgres(cleanup);

  if (selected('restart')) {
    console.log('\n## PostgreSQL restart under load (20 connections of signed webhooks; stopped 5 s)');
    const r = await databaseRestart(cleanup, postgres, {
      connections: 20,
      students: 300,
      loadSeconds: 20,
      stopAfterSeconds: 6,
      outageSeconds: 5,
    });
    printFigures(r);
    expect('restart: acknowledged events lost', r.lost === 0, String(r.lost));
    expect(
      'restart: 202 while the database was down',
      r.acknowledgedDuringOutage === 0,
      String(r.acknowledgedDuringOutage),
    );
    expect('restart: students applied twice', r.studentsWithTwoAccounts === 0, String(r.studentsWithTwoAccounts));
    expect('restart: ingress recovered ≤ 5 s', r.ingressRecoveredSeconds <= 5, `${fmt(r.ingressRecoveredSeconds)} s`);
    expect('restart: worker recovered ≤ 5 s', r.workerRecoveredSeconds <= 5, `${fmt(r.workerRecoveredSeconds)} s`);
    expect(
      'restart: both processes still running',
      r.ingressAlive && r.workerAlive,
      `ingress ${r.ingressAlive}, worker ${r.workerAlive}`,
    );
  }
  if (selected('kill')) {
    console.log('\n## Worker SIGKILL mid-job (200 student syncs into Moodle)');
    const r = await workerKill(cleanup, postgres, { students: 200, deadAfterSeconds: 10 });
    printFigures(r);
    expect('kill: events lost', r.lost === 0, String(r.lost));
    expect('kill: every event completed', r.completed === r.acknowledged, `${r.completed}/${r.acknowledged}`);
    expect('kill: students applied twice', r.studentsWithTwoAccounts === 0, String(r.studentsWithTwoAccounts));
  }
  if (selected('zoho')) {
    console.log('\n## Zoho outage (30 s: 429, then 500) while 100 student events arrive');
    const r = await zohoOutage(cleanup, postgres, { students: 100, outageSeconds: 30 });
    printFigures(r);
    expect('zoho: events lost', r.lost === 0, String(r.lost));
    expect('zoho: every event completed', r.completed === r.acknowledged, `${r.completed}/${r.acknowledged}`);
    expect('zoho: students applied twice', r.studentsWithTwoAccounts === 0, String(r.studentsWithTwoAccounts));
  }
  if (selected('fuzz')) {
    console.log(
      `\n## Fuzz of the routes: ${fuzzRequests.toLocaleString('en-US')} requests, seed ${seed} (CHAOS_SEED=${seed} reproduces it)`,
    );
    const { examples, ...r } = await fuzzRoutes(cleanup, postgres, { requests: fuzzRequests, seed });
    printFigures(r);
    for (const example of examples) console.log(JSON.stringify(example));
    expect('fuzz: rows written from invalid input', r.rowsFromInvalidInput === 0, String(r.rowsFromInvalidInput));
    expect(
      'fuzz: 5xx for input that can never succeed',
      r.serverErrorsForInvalidInput === 0,
      String(r.serverErrorsForInvalidInput),
    );
    expect(
      'fuzz: crashes (ingress gone or no answer)',
      r.ingressAlive && r.noAnswer === 0,
      `alive ${r.ingressAlive}, unanswered ${r.noAnswer}`,
    );
    expect('fuzz: answers other than the contract says', r.otherProblems === 0, String(r.otherProblems));
  }
  if (selected('soak')) {
    console.log(`\n## Soak: ${soakRate} events a second for ${soakMinutes} min`);
    const { samples, ...r } = await soak(cleanup, postgres, {
      minutes: soakMinutes,
      ratePerSecond: soakRate,
      students: 500,
      sampleSeconds: Math.max(10, Math.min(60, soakMinutes * 6)),
    });
    printTable(
      [
        'minute',
        'ingress RSS MiB',
        'ingress heap after GC / committed MB',
        'worker RSS MiB',
        'worker heap after GC / committed MB',
        'events sent',
      ],
      samples.map((s) => [
        s.minute.toFixed(1),
        s.apiMiB.toFixed(0),
        `${s.apiHeapMB.toFixed(1)} / ${s.apiCommittedMB.toFixed(0)}`,
        s.workerMiB.toFixed(0),
        `${s.workerHeapMB.toFixed(1)} / ${s.workerCommittedMB.toFixed(0)}`,
        s.sent,
      ]),
    );
    printFigures(r);
    // Flat: the last quarter's median within 20 % of the second quarter's (the first is warm-up).
    // The verdict is on the heap in use after full collections (what a leak grows); RSS is shown
    // beside it, because V8 and the allocator keep freed memory for reuse and RSS plateaus late.
    const median = (xs: number[]) => {
      const known = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      return known[Math.floor(known.length / 2)] ?? Number.NaN;
    };
    const quarter = (q: number, key: Exclude<keyof (typeof samples)[number], 'minute' | 'sent'>) =>
      median(
        samples
          .filter((s) => s.minute >= (soakMinutes * q) / 4 && s.minute < (soakMinutes * (q + 1)) / 4)
          .map((s) => s[key]),
      );
    for (const [name, heap, rss] of [
      ['ingress', 'apiHeapMB', 'apiMiB'],
      ['worker', 'workerHeapMB', 'workerMiB'],
    ] as const) {
      const growth = quarter(3, heap) / quarter(1, heap);
      const rssGrowth = quarter(3, rss) / quarter(1, rss);
      expect(
        `soak: ${name} heap after GC flat (last quarter / second quarter)`,
        growth < 1.2,
        `${growth.toFixed(2)}× (RSS ${rssGrowth.toFixed(2)}×)`,
      );
    }
    expect('soak: events lost', r.lost === 0, String(r.lost));
  }

  console.log(`\n## Verdicts (${describeLoad()})`);
  printTable(
    ['guarantee', 'held', 'figure'],
    verdicts.map(([what, ok, figure]) => [what, ok ? 'yes' : 'NO', figure]),
  );
  if (verdicts.some(([, ok]) => !ok)) process.exitCode = 1;
});
// Simulators and pools are closed by now; exit with the verdict even if a handle lingers.
process.exit(process.exitCode ?? 0);
