import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { PermanentError, RetryableError } from '../../domain/errors.ts';
import type { Metrics, ZohoCallOutcome } from '../../metrics/createMetrics.ts';
import { countCall } from '../callCounts.ts';
import { fetchFailure } from '../fetchFailure.ts';
import type { ZohoTokenProvider } from './createZohoTokenProvider.ts';
import { ZohoConfigurationError } from './zohoErrors.ts';

export interface ZohoRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the API domain, e.g. `/crm/v8/BTEC_Students/123`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /**
   * A batch write: its answer carries one result per record in `data[]`, also when every
   * record failed (HTTP 400), so such an answer is returned for the caller to read.
   */
  perRecordResults?: boolean;
}

export interface ZohoResponse {
  status: number;
  /** Parsed JSON; null for 204 No Content (Zoho's "nothing found"). */
  body: unknown;
  /** `X-API-CREDITS-REMAINING`, sent once half of the day's credits are used. */
  creditsRemaining?: number | undefined;
}

export interface ZohoTransportOptions {
  tokens: ZohoTokenProvider;
  log: Logger;
  /** Overrides the token's `api_domain` (ZOHO_API_URL). */
  apiUrl?: string;
  timeoutMs: number;
  /** Calls in flight at most, per process (Zoho allows 5–25 per org by edition). */
  maxConcurrency: number;
  /** 429 answers retried here, with exponential backoff, before giving up to the job's retry. */
  rateLimitRetries?: number;
  rateLimitBaseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  metrics?: Pick<Metrics, 'zohoCall' | 'zohoCreditsRemaining'>;
}

/** Zoho error bodies at the top level: `{code, details, message, status: "error"}`. */
function zohoCode(body: unknown): { code: string; message: string } | undefined {
  if (body && typeof body === 'object' && 'code' in body && typeof (body as { code: unknown }).code === 'string') {
    const { code, message } = body as { code: string; message?: unknown };
    return { code, message: typeof message === 'string' ? message : code };
  }
  return undefined;
}

/**
 * One Zoho API call: token, `Authorization: Zoho-oauthtoken …`, timeout, a concurrency
 * cap, one token refresh on INVALID_TOKEN, and 429s ridden out with our own backoff
 * (Zoho sends no Retry-After; the slot is released while waiting). Every failure is
 * classified.
 * @throws RetryableError | PermanentError | ZohoConfigurationError
 */
export function createZohoTransport(options: ZohoTransportOptions) {
  const limit = pLimit(options.maxConcurrency);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retries = options.rateLimitRetries ?? 4;
  const baseDelay = options.rateLimitBaseDelayMs ?? 1000;

  async function once(request: ZohoRequest, staleToken?: string): Promise<{ response: ZohoResponse; token: string }> {
    const token = await options.tokens.getAccessToken(staleToken);
    const url = new URL(request.path, options.apiUrl ?? token.apiDomain);
    for (const [key, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    const response = await limit(async () => {
      const started = performance.now();
      const measured = (outcome: ZohoCallOutcome) =>
        options.metrics?.zohoCall(request.method, request.path, outcome, (performance.now() - started) / 1000);
      try {
        const answer = await fetch(url, {
          method: request.method,
          headers: {
            authorization: `Zoho-oauthtoken ${token.accessToken}`,
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const text = await answer.text();
        let body: unknown = null;
        if (text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
        }
        const credits = answer.headers.get('x-api-credits-remaining');
        countCall('zoho', credits === null ? undefined : Number(credits));
        const result = {
          status: answer.status,
          body,
          creditsRemaining: credits === null ? undefined : Number(credits),
        };
        measured(callOutcome(result));
        if (result.creditsRemaining !== undefined) options.metrics?.zohoCreditsRemaining(result.creditsRemaining);
        return result;
      } catch (thrown) {
        const failure = fetchFailure('zoho', `${request.method} ${request.path}`, options.timeoutMs, thrown);
        measured(failure.code === 'zoho.timeout' ? 'timeout' : 'network_error');
        throw failure;
      }
    });
    return { response, token: token.accessToken };
  }

  return async function zohoRequest(request: ZohoRequest): Promise<ZohoResponse> {
    const where = `${request.method} ${request.path}`;
    const first = await once(request);
    let { response } = first;
    if (response.status === 401 && zohoCode(response.body)?.code === 'INVALID_TOKEN') {
      ({ response } = await once(request, first.token));
    }
    // Exhausted daily credits come back as the same 429; waiting seconds will not help.
    const outOfCredits = () => response.status === 429 && response.creditsRemaining === 0;
    for (let attempt = 1; response.status === 429 && !outOfCredits() && attempt <= retries; attempt++) {
      const delay = baseDelay * 2 ** (attempt - 1) * (0.5 + Math.random());
      options.log.warn(
        { path: request.path, attempt, delayMs: Math.round(delay) },
        'Zoho rate limit (429); backing off',
      );
      await sleep(delay);
      ({ response } = await once(request));
    }
    const { status, body } = response;
    if (body === undefined) {
      throw status >= 500
        ? new RetryableError('zoho.unavailable', `${where}: HTTP ${status}`)
        : new RetryableError('zoho.bad_response', `${where}: HTTP ${status} without JSON`);
    }
    if (status >= 200 && status < 300) return response;
    if (request.perRecordResults && status === 400 && Array.isArray((body as { data?: unknown } | null)?.data))
      return response;
    const error = zohoCode(body);
    const detail = `${where}: HTTP ${status}${error ? ` ${error.code}: ${error.message}` : ''}`;
    if (outOfCredits()) throw new RetryableError('zoho.credits_exhausted', `${detail} (no API credits left for today)`);
    if (status === 429 || error?.code === 'TOO_MANY_REQUESTS') throw new RetryableError('zoho.rate_limited', detail);
    if (status >= 500 || status === 408) throw new RetryableError('zoho.unavailable', detail);
    if (
      status === 401 ||
      error?.code === 'OAUTH_SCOPE_MISMATCH' ||
      error?.code === 'NO_PERMISSION' ||
      error?.code === 'INVALID_MODULE'
    ) {
      throw new ZohoConfigurationError(`zoho.${(error?.code ?? 'unauthorized').toLowerCase()}`, detail);
    }
    throw new PermanentError(`zoho.${(error?.code ?? 'http_error').toLowerCase()}`, detail);
  };
}

/** How one HTTP answer counts in `mzsync_zoho_requests_total`. Pure. */
function callOutcome({ status, body, creditsRemaining }: ZohoResponse): ZohoCallOutcome {
  if (status === 429) return creditsRemaining === 0 ? 'credits_exhausted' : 'rate_limited';
  if (status === 401 && zohoCode(body)?.code === 'INVALID_TOKEN') return 'invalid_token';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return body === undefined ? 'bad_response' : 'ok';
}

export type ZohoRequestFn = ReturnType<typeof createZohoTransport>;
