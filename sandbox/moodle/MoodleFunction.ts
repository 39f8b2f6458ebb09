import type { MoodleState } from './moodleState.ts';
import type { ParamDesc } from './validateParameters.ts';

/** What a simulated function sees of the call. */
export interface CallContext {
  state: MoodleState;
  /** The token's user. */
  userid: number;
  /** Unix time in seconds. */
  now: number;
  /** The site's address, e.g. http://127.0.0.1:40123 (no trailing slash). */
  wwwroot: string;
  /** Work that runs after the call's transaction committed (an exception thrown there keeps the changes). */
  afterCommit: (() => void)[];
}

/** One external function: its parameter description and its implementation. */
export interface MoodleFunction {
  name: string;
  /** The version get_site_info lists for it (the component's version). */
  version: string;
  /** The keys of `execute_parameters()`, in order. */
  params: Record<string, ParamDesc>;
  /** Gets the validated parameters; returns the result (null for void functions). Runs in a transaction: a throw rolls back. */
  run: (ctx: CallContext, params: Record<string, unknown>) => unknown;
}

export const CORE_VERSION = '2024100705.01';
export const PLUGIN_VERSION = '2024100700';
