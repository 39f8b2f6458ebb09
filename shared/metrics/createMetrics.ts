import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueSnapshot } from '../db/queries/queueMetrics.ts';
import { EVENT_KINDS, isMoodleEntity, isZohoEntity } from '../domain/events.ts';
import { createBoundedLabel } from './boundedLabel.ts';
import { registerQueueGauges } from './registerQueueGauges.ts';
import { zohoFunctionLabel } from './zohoFunctionLabel.ts';

/** Which process a registry serves: each exports only what it measures. */
export type MetricsRole = 'ingress' | 'worker';

/** How one HTTP request to Zoho ended (each attempt counts: a 429 then a 200 are two). */
export type ZohoCallOutcome =
  | 'ok'
  | 'rate_limited'
  | 'credits_exhausted'
  | 'invalid_token'
  | 'client_error'
  | 'server_error'
  | 'bad_response'
  | 'timeout'
  | 'network_error';

export type ZohoTokenRefreshOutcome = 'ok' | 'invalid_credentials' | 'throttled' | 'unavailable';

export interface MetricsOptions {
  role: MetricsRole;
  /** Read on each scrape for the queue gauges; without it they are not exported. */
  readQueue?: () => Promise<QueueSnapshot>;
  now?: () => number;
}

/** The recording side of a process's metrics; `registry` is what a scrape reads. */
export interface Metrics {
  readonly registry: Registry;
  /** A webhook request was answered (ingress). */
  webhookAnswered(source: string, entity: string, code: number, seconds: number): void;
  /** Events that reached a final status in a worker run (`count` > 1 for coalesced deliveries it settled). */
  eventFinished(kind: string, outcome: 'completed' | 'skipped' | 'failed', errorCode?: string, count?: number): void;
  /** An attempt failed transiently; the event waits for its next attempt. */
  eventRetrying(kind: string, errorCode: string): void;
  jobStarted(task: string, waitSeconds: number): void;
  jobFinished(task: string, outcome: 'success' | 'error', seconds: number): void;
  zohoCall(method: string, path: string, outcome: ZohoCallOutcome, seconds: number): void;
  /** `X-API-CREDITS-REMAINING` as Zoho reported it. */
  zohoCreditsRemaining(credits: number): void;
  zohoTokenRefresh(outcome: ZohoTokenRefreshOutcome): void;
  /** `outcome` is `ok` or the call's error code (`moodle.timeout`, `moodle.invalid_parameter`, …). */
  moodleCall(wsfunction: string, outcome: string, seconds: number): void;
  /** `heartbeat_stale`: another worker stopped beating; `pool_lost`: this process's own pool ended with the database. */
  deadWorkersRecovered(reason: 'heartbeat_stale' | 'pool_lost', count: number): void;
}

const METRIC_PREFIX = 'mzsync_';
/** Zoho sends the credits header only while it is busy; an old reading is no longer true. */
const CREDITS_STALE_MS = 15 * 60_000;

const ACCEPT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const CALL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const WAIT_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21_600];

const KNOWN_KINDS = new Set<string>(EVENT_KINDS);

/**
 * A Prometheus registry of its own for one process (never prom-client's global one, so tests
 * build as many as they like), with Node's default metrics and every metric the role
 * measures, all named `mzsync_…`. Label values come from fixed sets: record ids and other
 * unbounded values never become labels.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const now = options.now ?? Date.now;
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const on = (role: MetricsRole) => (role === options.role ? [registry] : []);
  const errorCodeLabel = createBoundedLabel(100);
  const moodleLabel = createBoundedLabel(200);

  const webhooks = new Counter({
    name: 'mzsync_webhooks_received_total',
    help: 'Webhook requests answered, by sender, entity and HTTP status code.',
    labelNames: ['source', 'entity', 'code'],
    registers: on('ingress'),
  });
  const acceptDuration = new Histogram({
    name: 'mzsync_webhook_accept_duration_seconds',
    help: 'Time from a webhook request arriving to its answer being sent (202 only after the commit).',
    labelNames: ['source', 'code'],
    buckets: ACCEPT_BUCKETS,
    registers: on('ingress'),
  });

  const finished = new Counter({
    name: 'mzsync_events_finished_total',
    help: 'Events that reached a final status in the worker, by kind, outcome and error code.',
    labelNames: ['kind', 'outcome', 'error_code'],
    registers: on('worker'),
  });
  const retrying = new Counter({
    name: 'mzsync_event_retries_total',
    help: 'Attempts that failed transiently and will be tried again, by kind and error code.',
    labelNames: ['kind', 'error_code'],
    registers: on('worker'),
  });
  const jobRun = new Histogram({
    name: 'mzsync_job_run_duration_seconds',
    help: 'Run time of graphile-worker jobs, by task and outcome.',
    labelNames: ['task', 'outcome'],
    buckets: JOB_BUCKETS,
    registers: on('worker'),
  });
  const jobWait = new Histogram({
    name: 'mzsync_job_queue_wait_seconds',
    help: 'Time a job waited between becoming due (run_at) and being taken, by task.',
    labelNames: ['task'],
    buckets: WAIT_BUCKETS,
    registers: on('worker'),
  });
  const zohoCalls = new Counter({
    name: 'mzsync_zoho_requests_total',
    help: 'HTTP requests to the Zoho CRM API, by function and outcome (rate_limited counts the 429s).',
    labelNames: ['function', 'outcome'],
    registers: on('worker'),
  });
  const zohoDuration = new Histogram({
    name: 'mzsync_zoho_request_duration_seconds',
    help: 'Latency of HTTP requests to the Zoho CRM API, by function.',
    labelNames: ['function'],
    buckets: CALL_BUCKETS,
    registers: on('worker'),
  });
  let credits: { value: number; at: number } | undefined;
  new Gauge({
    name: 'mzsync_zoho_api_credits_remaining',
    help: 'API credits Zoho last reported left for the day (X-API-CREDITS-REMAINING; sent once half are used; absent when not reported in the last 15 minutes).',
    registers: on('worker'),
    collect() {
      if (credits && now() - credits.at <= CREDITS_STALE_MS) this.set(credits.value);
      else this.remove();
    },
  });
  const tokenRefreshes = new Counter({
    name: 'mzsync_zoho_token_refreshes_total',
    help: 'Requests for a new Zoho access token, by outcome.',
    labelNames: ['outcome'],
    registers: on('worker'),
  });
  const moodleCalls = new Counter({
    name: 'mzsync_moodle_requests_total',
    help: 'Moodle web-service calls, by function and outcome (ok or the error code).',
    labelNames: ['function', 'outcome'],
    registers: on('worker'),
  });
  const moodleDuration = new Histogram({
    name: 'mzsync_moodle_request_duration_seconds',
    help: 'Latency of Moodle web-service calls, by function.',
    labelNames: ['function'],
    buckets: CALL_BUCKETS,
    registers: on('worker'),
  });
  const recovered = new Counter({
    name: 'mzsync_dead_workers_recovered_total',
    help: 'Worker pools whose jobs were freed after they died, by reason.',
    labelNames: ['reason'],
    registers: on('worker'),
  });

  if (options.readQueue) registerQueueGauges(registry, options.readQueue, now);

  const kindLabel = (kind: string) => (KNOWN_KINDS.has(kind) ? kind : 'other');
  return {
    registry,
    webhookAnswered(source, entity, code, seconds) {
      const known =
        source === 'zoho'
          ? isZohoEntity(entity) || entity === 'notification'
          : source === 'moodle' && isMoodleEntity(entity);
      const labels = { source: source === 'zoho' || source === 'moodle' ? source : 'other', code: String(code) };
      webhooks.inc({ ...labels, entity: known ? entity : 'other' });
      acceptDuration.observe(labels, seconds);
    },
    eventFinished(kind, outcome, errorCode = '', count = 1) {
      finished.inc(
        { kind: kindLabel(kind), outcome, error_code: errorCode === '' ? '' : errorCodeLabel(errorCode) },
        count,
      );
    },
    eventRetrying(kind, errorCode) {
      retrying.inc({ kind: kindLabel(kind), error_code: errorCodeLabel(errorCode) });
    },
    jobStarted(task, waitSeconds) {
      jobWait.observe({ task }, Math.max(0, waitSeconds));
    },
    jobFinished(task, outcome, seconds) {
      jobRun.observe({ task, outcome }, seconds);
    },
    zohoCall(method, path, outcome, seconds) {
      const fn = zohoFunctionLabel(method, path);
      zohoCalls.inc({ function: fn, outcome });
      zohoDuration.observe({ function: fn }, seconds);
    },
    zohoCreditsRemaining(value) {
      if (Number.isFinite(value)) credits = { value, at: now() };
    },
    zohoTokenRefresh(outcome) {
      tokenRefreshes.inc({ outcome });
    },
    moodleCall(wsfunction, outcome, seconds) {
      const fn = moodleLabel(wsfunction);
      moodleCalls.inc({ function: fn, outcome: outcome === 'ok' ? 'ok' : errorCodeLabel(outcome) });
      moodleDuration.observe({ function: fn }, seconds);
    },
    deadWorkersRecovered(reason, count) {
      if (count > 0) recovered.inc({ reason }, count);
    },
  };
}
