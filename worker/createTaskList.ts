import type { TaskList } from 'graphile-worker';
import { EVENT_KINDS, taskIdentifierFor } from '../shared/domain/events.ts';
import { runSyncTask, type RunSyncTaskDeps } from './runSyncTask.ts';

/**
 * The only task registry: one graphile-worker task per event kind (`zoho_student`,
 * `moodle_grade`, …), each running the shared `runSyncTask` wrapper. Every kind gets
 * a task even without a handler, so its events fail visibly instead of waiting forever.
 */
export function createTaskList(deps: RunSyncTaskDeps): TaskList {
  const tasks: TaskList = {};
  for (const kind of EVENT_KINDS) {
    tasks[taskIdentifierFor(kind)] = (payload, helpers) => runSyncTask(deps, kind, payload, helpers);
  }
  return tasks;
}
