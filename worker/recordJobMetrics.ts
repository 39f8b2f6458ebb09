import type { WorkerEvents } from 'graphile-worker';
import type { Metrics } from '../shared/metrics/createMetrics.ts';

/**
 * Job run times and queue waits from graphile-worker's events. The wait is `locked_at -
 * run_at`, both stamped by the database, so a worker clock that is off does not skew it.
 */
export function recordJobMetrics(events: WorkerEvents, metrics: Pick<Metrics, 'jobStarted' | 'jobFinished'>): void {
  const started = new Map<string, number>();
  events.on('job:start', ({ job }) => {
    started.set(job.id, performance.now());
    const takenAt = job.locked_at ? new Date(job.locked_at).getTime() : Date.now();
    metrics.jobStarted(job.task_identifier, (takenAt - new Date(job.run_at).getTime()) / 1000);
  });
  const finished =
    (outcome: 'success' | 'error') =>
    ({ job }: { job: { id: string; task_identifier: string } }) => {
      const at = started.get(job.id);
      if (at === undefined) return;
      started.delete(job.id);
      metrics.jobFinished(job.task_identifier, outcome, (performance.now() - at) / 1000);
    };
  events.on('job:success', finished('success'));
  events.on('job:error', finished('error'));
}
