import { PermanentError, RetryableError, type SyncError } from '../../domain/errors.ts';

/**
 * Moodle is set up wrongly for us (token, service functions, capabilities, web services
 * off, its e-mail): nothing works until an admin fixes Moodle. Permanent, logged once
 * loudly, shown by `/health/ready`.
 */
export class MoodleConfigurationError extends PermanentError {}

/** The error body Moodle sends with HTTP 200 (`debuginfo` only in debug mode). */
export interface MoodleException {
  exception: string;
  errorcode: string;
  message: string;
  debuginfo?: string;
}

type Kind = 'configuration' | 'permanent' | 'transient';

/**
 * How Moodle's exceptions are classified: first matching row wins. Data, one test per row
 * (tests/shared/clients/moodle/classifyMoodleException.test.ts). Many distinct problems
 * share `invalidparameter` (duplicate username or e-mail, bad e-mail, missing field):
 * without debug mode Moodle does not say which.
 */
export const MOODLE_EXCEPTION_RULES: { test: (e: MoodleException) => boolean; kind: Kind; code: string }[] = [
  { test: (e) => e.errorcode === 'invalidtoken', kind: 'configuration', code: 'moodle.invalid_token' },
  { test: (e) => e.errorcode === 'accessexception', kind: 'configuration', code: 'moodle.access_denied' },
  {
    test: (e) => e.errorcode === 'invalidrecord' && e.message.includes('external_functions'),
    kind: 'configuration',
    code: 'moodle.function_missing',
  },
  {
    test: (e) => e.errorcode === 'servicerequireslogin' || e.errorcode === 'forcepasswordchangenotice',
    kind: 'configuration',
    code: 'moodle.service_user',
  },
  {
    test: (e) => e.errorcode === 'Message was not sent.' || e.message === 'error/Message was not sent.',
    kind: 'configuration',
    code: 'moodle.email_failed',
  },
  {
    test: (e) =>
      /^dml_(write|read|connection|transaction)_exception$/.test(e.exception) ||
      /^dml(write|read|connection|transaction)exception$/.test(e.errorcode) ||
      e.errorcode === 'dbconnectionfailed',
    kind: 'transient',
    code: 'moodle.database',
  },
  { test: (e) => e.errorcode === 'sitemaintenance', kind: 'transient', code: 'moodle.maintenance' },
  { test: (e) => e.errorcode === 'invalidparameter', kind: 'permanent', code: 'moodle.invalid_parameter' },
  {
    test: (e) =>
      [
        'shortnametaken',
        'courseidnumbertaken',
        'useremailduplicate',
        'usernameexists',
        'idnumbertaken',
        'categoryidnumbertaken',
      ].includes(e.errorcode),
    kind: 'permanent',
    code: 'moodle.duplicate',
  },
  {
    test: (e) => ['invaliduser', 'invaliduserid', 'invalidrecord', 'invalidcourseid'].includes(e.errorcode),
    kind: 'permanent',
    code: 'moodle.not_found',
  },
  {
    test: (e) => e.errorcode.startsWith('<') || e.message.startsWith('error/<'),
    kind: 'permanent',
    code: 'moodle.password_policy',
  },
  { test: (e) => e.errorcode === 'errorcatcontextnotvalid', kind: 'permanent', code: 'moodle.invalid_category' },
  { test: (e) => e.errorcode === 'useradminodelete', kind: 'permanent', code: 'moodle.refused' },
  {
    test: (e) => e.errorcode === 'wsusercannotassign' || e.errorcode === 'nopermissions',
    kind: 'permanent',
    code: 'moodle.permission',
  },
  { test: () => true, kind: 'permanent', code: 'moodle.error' },
];

/** Turns Moodle's error body into our error taxonomy, keeping Moodle's words. */
export function classifyMoodleException(wsfunction: string, e: MoodleException): SyncError {
  const rule = MOODLE_EXCEPTION_RULES.find((r) => r.test(e))!;
  const message = `${wsfunction}: ${e.message.replace(/^error\//, '').replace(/<[^>]+>/g, '')}${e.debuginfo ? ` (${e.debuginfo.trim()})` : ''} [${e.errorcode}]`;
  const ErrorClass =
    rule.kind === 'configuration'
      ? MoodleConfigurationError
      : rule.kind === 'transient'
        ? RetryableError
        : PermanentError;
  return new ErrorClass(rule.code, message);
}

/** An HTTP answer that is not Moodle's JSON: status and content type decide. */
export function classifyMoodleHttp(wsfunction: string, status: number, contentType: string, body: string): SyncError {
  if (status === 403 && body.trim() === '') {
    return new MoodleConfigurationError(
      'moodle.webservices_disabled',
      `${wsfunction}: HTTP 403 with no body: web services or the REST protocol are disabled in Moodle`,
    );
  }
  if (status === 404)
    return new MoodleConfigurationError(
      'moodle.not_found_url',
      `${wsfunction}: HTTP 404: MOODLE_URL does not point at a Moodle site`,
    );
  if (status === 408 || status === 429 || status >= 500)
    return new RetryableError('moodle.unavailable', `${wsfunction}: HTTP ${status}`);
  if (status >= 400) return new PermanentError('moodle.http', `${wsfunction}: HTTP ${status}`);
  return new RetryableError(
    'moodle.bad_response',
    `${wsfunction}: HTTP ${status} answered with ${contentType || 'no content type'}, not JSON (maintenance page or proxy?)`,
  );
}
