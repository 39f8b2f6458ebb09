import { MoodleException } from './MoodleException.ts';
import type { MoodleState } from './moodleState.ts';

/** A copy of the whole state, to roll back to. */
export function snapshotState(state: MoodleState): MoodleState {
  return structuredClone(state);
}

/** Puts a snapshot back into the same state object (callers keep their reference). */
export function restoreState(state: MoodleState, snapshot: MoodleState): void {
  Object.assign(state, snapshot);
}

/**
 * Rolls a failed transaction back to `snapshot`, except the id counters: like PostgreSQL
 * sequences, ids a rolled-back call used are not handed out again.
 */
export function rollbackState(state: MoodleState, snapshot: MoodleState): void {
  const nextId = { ...state.nextId };
  Object.assign(state, snapshot, { nextId });
}

/**
 * Runs `run` in its own transaction: a MoodleException rolls back what it changed and goes to
 * `onError` (how Moodle's batch "update" functions turn per-item failures into warnings).
 * Other errors are simulator bugs and propagate.
 */
export function withItemTransaction(
  state: MoodleState,
  run: () => void,
  onError: (error: MoodleException) => void,
): void {
  const snapshot = snapshotState(state);
  try {
    run();
  } catch (error) {
    rollbackState(state, snapshot);
    if (!(error instanceof MoodleException)) throw error;
    onError(error);
  }
}
