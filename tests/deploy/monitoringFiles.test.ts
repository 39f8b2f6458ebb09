import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '../../shared/metrics/createMetrics.ts';
import { PROJECT_ROOT } from '../helpers/spawnProcess.ts';

/**
 * The shipped alert rules and Grafana dashboard may only query metrics that the ingress or the
 * worker export: a renamed metric would otherwise leave an alert that can never fire.
 */
const read = (path: string) => readFileSync(new URL(path, `file://${PROJECT_ROOT}/`), 'utf8');

async function exportedNames(): Promise<{ all: Set<string>; ours: string[] }> {
  const readQueue = async () => ({
    events: { pending: 0, processing: 0, retrying: 0, failed: 0 },
    oldestWaitingSeconds: { pending: 0, retrying: 0 },
    liveWorkers: 0,
    zohoChannels: [{ module: 'BTEC_Students', expiresInSeconds: 86_400, renewalFailing: false }],
  });
  const all = new Set<string>();
  const ours: string[] = [];
  for (const role of ['ingress', 'worker'] as const) {
    for (const metric of await createMetrics({ role, readQueue }).registry.getMetricsAsJSON()) {
      const series =
        String(metric.type) === 'histogram'
          ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix)
          : [metric.name];
      for (const name of series) all.add(name);
      if (!/^mzsync_(process|nodejs)_/.test(metric.name) && !ours.includes(metric.name)) ours.push(metric.name);
    }
  }
  return { all, ours };
}

/** Prometheus' own series: the scrape's health. */
const PROMETHEUS_SERIES = new Set(['up']);
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects: what is left once strings, matchers, ranges, groupings and functions are taken out. */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of bare.matchAll(/(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const isFunction = /^\s*\(/.test(bare.slice(match.index + match[0].length));
    if (!isFunction && !KEYWORDS.has(match[0].toLowerCase())) names.push(match[0]);
  }
  return names;
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (
  parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { name: string; rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

interface Panel {
  type: string;
  title: string;
  id: number;
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
  gridPos: { w: number; x: number };
}
const dashboard = JSON.parse(read('deploy/grafana/mzsync-dashboard.json')) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
};
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const expressions = [
  ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ...panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr })),
  ),
];

t.test('the expression reader finds the metric names and nothing else', async (t) => {
  t.same(
    metricNamesIn(
      'sum by (kind, error_code) (increase(mzsync_events_finished_total{outcome="failed", x=~"a|b"}[15m])) > 0',
    ),
    ['mzsync_events_finished_total'],
  );
  t.same(metricNamesIn('max(a_seconds) < 1 or absent(b)'), ['a_seconds', 'b']);
  t.same(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m] offset 1h)))'), ['h_bucket']);
  t.same(metricNamesIn('up{job=~"mzsync.*"} == 0'), ['up']);
});

t.test('every alert rule and dashboard query uses only metrics the ingress or the worker export', async (t) => {
  const { all } = await exportedNames();
  t.ok(expressions.length > 20, `${expressions.length} expressions checked`);
  for (const { where, expr } of expressions) {
    const names = metricNamesIn(expr);
    t.ok(names.length > 0, `${where} queries a metric`);
    for (const name of names) t.ok(all.has(name) || PROMETHEUS_SERIES.has(name), `${where}: ${name} exists`);
  }
});

t.test('the alert rules are complete Prometheus rules and cover what operators must know', async (t) => {
  const names = new Set<string>();
  for (const rule of rules) {
    t.match(rule.alert, /^Mzsync[A-Za-z]+$/, 'a CamelCase alert name');
    t.notOk(names.has(rule.alert), `${rule.alert} is unique`);
    names.add(rule.alert);
    t.match(rule.labels?.severity, /^(critical|warning|info)$/, `${rule.alert} has a severity`);
    t.ok(rule.annotations?.summary && rule.annotations.description, `${rule.alert} says what and what to do`);
    if (rule.for !== undefined) t.match(rule.for, /^\d+[smh]$/, `${rule.alert}: for is a duration`);
  }
  const uses = (pattern: RegExp) => rules.some((rule) => pattern.test(rule.expr));
  t.ok(uses(/mzsync_events_finished_total\{outcome="failed"\}/), 'failed events');
  t.ok(uses(/mzsync_queue_oldest_waiting_seconds/), 'oldest waiting event');
  t.ok(uses(/mzsync_workers_live/), 'no live worker');
  t.ok(uses(/mzsync_zoho_api_credits_remaining/), 'Zoho credits low');
  t.ok(uses(/mzsync_webhooks_received_total\{code=~"5\.\."\}/), '5xx at the ingress');
});

t.test('the dashboard imports into Grafana and shows every metric the service defines', async (t) => {
  t.equal(dashboard.uid, 'mzsync-overview');
  t.ok(
    dashboard.templating.list.some((v) => v.name === 'datasource' && v.type === 'datasource'),
    'the Prometheus data source is chosen at import',
  );
  const ids = panels.map((p) => p.id);
  t.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  for (const panel of panels.filter((p) => p.type !== 'row')) {
    t.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: uses the chosen data source`);
    t.ok(panel.gridPos.x + panel.gridPos.w <= 24, `${panel.title}: fits the grid`);
  }
  const { ours } = await exportedNames();
  const queried = new Set(
    expressions.flatMap(({ expr }) => metricNamesIn(expr)).map((name) => name.replace(/_(bucket|sum|count)$/, '')),
  );
  for (const name of ours) t.ok(queried.has(name), `${name} is on the dashboard or in an alert`);
});

t.test('the README lists every metric the service defines', async (t) => {
  const readme = read('README.md');
  const { ours } = await exportedNames();
  for (const name of ours) t.ok(readme.includes(`\`${name}\``), `${name} is documented`);
});
