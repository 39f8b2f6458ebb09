import type { Logger } from 'pino';
import type { z } from 'zod';
import { PermanentError, RetryableError, SyncError } from '../../domain/errors.ts';
import type { Metrics } from '../../metrics/createMetrics.ts';
import { countCall } from '../callCounts.ts';
import { fetchFailure } from '../fetchFailure.ts';
import { encodeMoodleParams, type MoodleParam } from './encodeMoodleParams.ts';
import { classifyMoodleException, classifyMoodleHttp, MoodleConfigurationError } from './moodleErrors.ts';
import { moodleExceptionSchema } from './moodleSchemas.ts';

export interface MoodleTransportOptions {
  /** The site's base URL, e.g. https://moodle.example.ac.uk */
  url: string;
  /** The web-service token. Travels in the body; never logged. */
  token: string;
  timeoutMs: number;
  log: Logger;
  metrics?: Pick<Metrics, 'moodleCall'> | undefined;
}

export type MoodleCall = <S extends z.ZodType>(
  wsfunction: string,
  params: Record<string, MoodleParam>,
  schema: S,
) => Promise<z.infer<S>>;

/**
 * One web-service call: `POST {url}/webservice/rest/server.php` with `wstoken`,
 * `wsfunction`, `moodlewsrestformat=json` and PHP-style parameters, a timeout, and every
 * failure turned into a classified error. A configuration error is logged loudly once
 * per kind until a call succeeds again.
 * @throws MoodleConfigurationError | PermanentError | RetryableError
 */
export function createMoodleTransport({ url, token, timeoutMs, log, metrics }: MoodleTransportOptions): MoodleCall {
  const endpoint = new URL('webservice/rest/server.php', url.endsWith('/') ? url : `${url}/`).toString();
  const reported = new Set<string>();

  return async function call(wsfunction, params, schema) {
    const started = performance.now();
    const measured = (outcome: string) =>
      metrics?.moodleCall(wsfunction, outcome, (performance.now() - started) / 1000);
    try {
      const result = schema.safeParse(await post(wsfunction, params));
      if (!result.success) {
        throw new PermanentError(
          'moodle.unexpected_response',
          `${wsfunction}: Moodle answered in an unexpected shape (${result.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
            .join('; ')})`,
        );
      }
      reported.clear();
      measured('ok');
      log.debug({ wsfunction, durationMs: Math.round(performance.now() - started) }, 'moodle call');
      return result.data;
    } catch (error) {
      measured(error instanceof SyncError ? error.code : 'unexpected');
      // Broken outgoing mail does not fail an enrolment (createMoodleClient's enrolUsers says so itself).
      if (
        error instanceof MoodleConfigurationError &&
        error.code !== 'moodle.email_failed' &&
        !reported.has(error.code)
      ) {
        reported.add(error.code);
        log.error(
          { wsfunction, code: error.code, err: error },
          'Moodle is not configured for this service; fix it in Moodle, then re-queue the failed events',
        );
      }
      throw error;
    }
  };

  async function post(wsfunction: string, params: Record<string, MoodleParam>): Promise<unknown> {
    const body = new URLSearchParams([
      ['wstoken', token],
      ['wsfunction', wsfunction],
      ['moodlewsrestformat', 'json'],
      ...encodeMoodleParams(params),
    ]);
    let response: Response;
    let text: string;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      text = await response.text();
    } catch (thrown) {
      throw fetchFailure('moodle', wsfunction, timeoutMs, thrown);
    }
    countCall('moodle');
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !contentType.includes('json')) {
      throw classifyMoodleHttp(wsfunction, response.status, contentType, text);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RetryableError('moodle.bad_response', `${wsfunction}: the answer is not valid JSON`);
    }
    const exception = moodleExceptionSchema.safeParse(parsed);
    if (exception.success && parsed !== null && typeof parsed === 'object' && 'exception' in parsed) {
      throw classifyMoodleException(wsfunction, exception.data);
    }
    return parsed;
  }
}
