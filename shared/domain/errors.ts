/**
 * The error taxonomy of sync work (STYLE.md §5). Callers branch with `instanceof`,
 * never on message text. `code` is a stable, short identifier for operators.
 */
export class SyncError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Worth trying again later: network, timeouts, 5xx, 429, a dependency not synced yet. */
// When is graphile-worker's backoff (exp(min(attempt, 10)) s); the Zoho client rides out 429s with
// its own backoff before it throws this (Zoho sends no Retry-After).
export class RetryableError extends SyncError {}

/** Will fail the same way every time: bad record, rejected by the remote, no flow for the event's kind. */
export class PermanentError extends SyncError {}

/** Wraps whatever was thrown into an Error, keeping the original as `cause` (graphile's coerceError). */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : 'non-error thrown', { cause: thrown });
}
