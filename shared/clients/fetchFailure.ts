import { RetryableError } from '../domain/errors.ts';

/**
 * What a failed `fetch` means, for any client: a timeout (our AbortSignal) or a network
 * failure. fetch itself says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …)
 * is in its cause. Both are transient.
 */
export function fetchFailure(
  service: 'moodle' | 'zoho',
  where: string,
  timeoutMs: number,
  thrown: unknown,
): RetryableError {
  if (thrown instanceof DOMException && thrown.name === 'TimeoutError') {
    return new RetryableError(`${service}.timeout`, `${where}: no answer within ${timeoutMs} ms`);
  }
  const cause = (thrown as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message;
  return new RetryableError(
    `${service}.network`,
    `${where}: ${(thrown as Error).message}${reason ? ` (${reason})` : ''}`,
  );
}
