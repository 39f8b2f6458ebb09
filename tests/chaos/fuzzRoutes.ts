import type { Cleanup } from '../bench/benchSupport.ts';
import { createFuzzChecker, type Outcome } from '../fuzz/checkFuzzCase.ts';
import { createFuzzStream } from '../fuzz/webhookCases.ts';
import { isRunning, startChaosStack, type ChaosPostgres } from './chaosSupport.ts';

/**
 * The fuzz test's generator at volume against the real ingress process (no worker, so rows
 * and jobs stay as written): the corpus, then random cases up to `requests`, seeded.
 * Outcomes are counted, not kept (some bodies are hundreds of kilobytes).
 */
export async function fuzzRoutes(
  cleanup: Cleanup,
  postgres: ChaosPostgres,
  options: { requests: number; seed: number },
) {
  const stack = await startChaosStack(cleanup, postgres, 'fuzz', { withWorker: false });
  const { check, describe, close } = createFuzzChecker({
    port: Number(new URL(stack.url).port),
    db: stack.db,
    logs: stack.logs.api,
  });
  cleanup.defer(close);
  const stream = createFuzzStream(options.seed);
  const figures = {
    requests: 0,
    accepted: 0,
    duplicates: 0,
    refused4xx: 0,
    rowsFromInvalidInput: 0,
    serverErrorsForInvalidInput: 0,
    serverErrors: 0,
    noAnswer: 0,
    otherProblems: 0,
  };
  const examples: ReturnType<typeof describe>[] = [];
  const record = (o: Outcome) => {
    figures.requests++;
    const status = o.status ?? 0;
    if (status === 202) figures.accepted++;
    else if (status === 200) figures.duplicates++;
    else if (status >= 400 && status < 500) figures.refused4xx++;
    if (status >= 500) {
      figures.serverErrors++;
      if (o.case.expect === 'reject') figures.serverErrorsForInvalidInput++;
    }
    if (o.problems.some((p) => p.startsWith('refused request wrote rows'))) figures.rowsFromInvalidInput++;
    if (o.problems.some((p) => p.startsWith('no HTTP response'))) figures.noAnswer++;
    if (o.problems.length > 0) {
      figures.otherProblems++;
      if (examples.length < 5) examples.push(describe(o));
    }
  };
  const started = Date.now();
  for (const { category, cases } of stream.corpus()) {
    for (const c of cases) record(await check(category.name, c));
  }
  while (figures.requests < options.requests) {
    const { category, cases } = stream.random();
    for (const c of cases) record(await check(category.name, c));
    if (figures.requests % 10_000 < cases.length) {
      process.stderr.write(`  fuzz: ${figures.requests.toLocaleString('en-US')} requests\n`);
      // One log line per request: keep the recent ones (what a 5xx report needs), not 100,000.
      stack.logs.api.splice(0, Math.max(0, stack.logs.api.length - 5000));
    }
  }
  return {
    seed: options.seed,
    ...figures,
    seconds: (Date.now() - started) / 1000,
    ingressAlive: isRunning(stack.api),
    examples,
  };
}
