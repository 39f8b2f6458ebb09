import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

export interface Scrape {
  families: Map<string, Family>;
  /**
   * The sum over the samples of `name` whose labels include `labels` (for a histogram, of its
   * `_count` series); 0 when none matches, undefined when the family is absent.
   */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * Reads Prometheus text exposition (format 0.0.4) strictly: every line is checked by
 * parse-prometheus-text-format, then read here by the format's rules, because that package
 * merges the series of a labelled histogram into one. Beyond syntax, each family must be
 * declared once with HELP and TYPE before its samples, each sample must belong to the family
 * declared above it, and each histogram series must have cumulative buckets ending in +Inf
 * equal to its count. @throws naming the first problem.
 */
export function parseScrape(text: string): Scrape {
  parsePrometheusTextFormat(text);
  const families = new Map<string, Family>();
  const help = new Map<string, string>();
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const comment = /^#\s*(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
    if (comment) {
      const [, keyword, name = '', rest = ''] = comment;
      if (keyword === 'HELP') {
        help.set(name, rest);
        continue;
      }
      if (families.has(name)) throw new Error(`${name} is declared twice`);
      if (!(rest in SUFFIXES)) throw new Error(`${name}: unknown type ${rest}`);
      current = { name, type: rest as Family['type'], help: help.get(name) ?? '', samples: [] };
      families.set(name, current);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (!current || !SUFFIXES[current.type].some((suffix) => sample.name === current!.name + suffix)) {
      throw new Error(`${sample.name} is not a series of the family declared above it (${current?.name ?? 'none'})`);
    }
    current.samples.push(sample);
  }
  for (const family of families.values()) {
    if (!family.help) throw new Error(`${family.name} has no HELP`);
    if (family.type === 'histogram') checkHistogram(family);
  }
  return {
    families,
    value(name, labels = {}) {
      const family = families.get(name);
      if (!family) return undefined;
      const series = family.type === 'histogram' ? `${name}_count` : name;
      return family.samples
        .filter(
          (sample) =>
            sample.name === series &&
            Object.entries(labels).every(([key, value]) => (sample.labels[key] ?? '') === value),
        )
        .reduce((sum, sample) => sum + sample.value, 0);
    },
  };
}

function parseSampleLine(line: string): Sample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) throw new Error(`not a sample line: ${line}`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest)?.[0];
      if (!label || rest[label.length] !== '=' || rest[label.length + 1] !== '"')
        throw new Error(`bad label in: ${line}`);
      rest = rest.slice(label.length + 2);
      let value = '';
      for (;;) {
        const char = rest[0];
        if (char === undefined) throw new Error(`unterminated label value in: ${line}`);
        rest = rest.slice(1);
        if (char === '"') break;
        if (char === '\\') {
          const escaped = rest[0];
          rest = rest.slice(1);
          if (escaped === 'n') value += '\n';
          else if (escaped === '\\' || escaped === '"') value += escaped;
          else throw new Error(`bad escape in: ${line}`);
        } else {
          value += char;
        }
      }
      if (label in labels) throw new Error(`label ${label} twice in: ${line}`);
      labels[label] = value;
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new Error(`bad label list in: ${line}`);
    }
    rest = rest.slice(1);
  }
  const fields = /^ +(\S+)(?: +(-?\d+))?$/.exec(rest);
  if (!fields?.[1]) throw new Error(`bad value in: ${line}`);
  return { name, labels, value: parseFloatValue(fields[1], line) };
}

/** Go's ParseFloat, as Prometheus reads values: NaN and ±Inf in any case (prom-client writes "Nan"). */
function parseFloatValue(text: string, line: string): number {
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value ${text} in: ${line}`);
  return Number(text);
}

function checkHistogram(family: Family): void {
  const key = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([name]) => name !== 'le')
        .sort(),
    );
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const entry = series.get(key(sample.labels)) ?? { buckets: [] };
    series.set(key(sample.labels), entry);
    if (sample.name.endsWith('_bucket')) {
      if (sample.labels.le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push([parseFloatValue(sample.labels.le, sample.name), sample.value]);
    } else if (sample.name.endsWith('_count')) {
      entry.count = sample.value;
    }
  }
  for (const [labels, { buckets, count }] of series) {
    const last = buckets.at(-1);
    if (!last || last[0] !== Infinity || last[1] !== count)
      throw new Error(`${family.name}${labels}: the +Inf bucket must equal the count`);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]![0] <= buckets[i - 1]![0] || buckets[i]![1] < buckets[i - 1]![1])
        throw new Error(`${family.name}${labels}: buckets not cumulative`);
    }
  }
}

/** GET a /metrics URL (with the bearer token when given) and parse it. @throws unless 200 with the text format. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}: ${text}`);
  if (!response.headers.get('content-type')?.startsWith('text/plain; version=0.0.4'))
    throw new Error(`${url}: content type ${response.headers.get('content-type')}`);
  return parseScrape(text);
}
