import type { PhpForm } from '../parsePhpForm.ts';
import type { CallContext } from './MoodleFunction.ts';
import {
  dmlMissingRecord,
  invalidParameter,
  MoodleException,
  moodleError,
  webserviceAccess,
} from './MoodleException.ts';
import { moodleFunctions, unsimulatedMoodleFunctions } from './moodleFunctions.ts';
import type { MoodleState } from './moodleState.ts';
import { phpJsonEncode } from './phpJsonEncode.ts';
import { renderMoodleXml, renderMoodleXmlException } from './renderMoodleXml.ts';
import { rollbackState, snapshotState } from './transactions.ts';
import { single, validateParameters } from './validateParameters.ts';

export interface RestResponse {
  status: number;
  contentType: string;
  body: string;
}

/** What the simulator remembers of each call (the token masked). */
export interface MoodleCallRecord {
  /** `wsfunction` as sent (undefined when missing). */
  wsfunction: string | undefined;
  /** The form fields other than wstoken, wsfunction and a valid moodlewsrestformat, parsed PHP-style. */
  params: PhpForm;
  /** '***' when a token was sent, undefined when not. */
  wstoken: '***' | undefined;
  format: 'json' | 'xml';
  status: number;
  /** The Moodle errorcode when the answer was an exception. */
  errorcode?: string;
  /** Set by the simulator's test controls ('http500', 'reset', …) when they decided the answer. */
  injected?: string;
  /** Unix seconds. */
  time: number;
  /** Wall-clock milliseconds when the simulator had applied the call (benchmarks time writes with it). */
  atMs?: number;
}

/** Moodle's read functions all have `_get_` in their name. */
const READ_ONLY = /_get_/;

export const JSON_TYPE = 'application/json';
export const XML_TYPE = 'application/xml; charset=utf-8';

const ACCESS_DENIED = [
  'is not allowed.',
  'There could be multiple reasons for this:',
  '1. The service linked to the user token does not contain the function.',
  '2. The service is user-restricted and the user is not listed.',
  '3. The service is IP-restricted and the user IP is not listed.',
  '4. The service is time-restricted and the time has expired.',
  '5. The token is time-restricted and the time has expired.',
  '6. The service requires a specific capability which the user does not have.',
  '7. The function is called with username/password (no user token is sent)',
  'and none of the services has the function to allow the user.',
  'These settings can be found in Administration > Site administration',
  '> Server > Web services > External services and Manage tokens.',
].join(`\n${' '.repeat(21)}`);

/** Splits off the fields the REST server consumes itself, as webservice_rest_server::parse_request() does. */
export function splitRestFields(fields: PhpForm): {
  format: 'json' | 'xml';
  token: unknown;
  wsfunction: unknown;
  params: PhpForm;
} {
  const params = { ...fields };
  const requested = params.moodlewsrestformat;
  const format = requested === 'json' || requested === 'xml' ? requested : 'xml';
  if (requested === format) delete params.moodlewsrestformat;
  const { wstoken: token, wsfunction, ...rest } = params;
  return { format, token, wsfunction, params: rest };
}

/** An exception in the requested format: HTTP 200, debuginfo only in debug mode. */
export function exceptionResponse(error: MoodleException, format: 'json' | 'xml', debug: boolean): RestResponse {
  return format === 'json'
    ? { status: 200, contentType: JSON_TYPE, body: phpJsonEncode(error.toBody(debug)) }
    : { status: 200, contentType: XML_TYPE, body: renderMoodleXmlException(error, debug) };
}

/**
 * One call to `/webservice/rest/server.php`, in Moodle's order: web services off → 403 with
 * an empty body; token (invalidtoken), the token user's state and `webservice/rest:use`
 * (accessexception); the function (unknown → dml_missing_record on external_functions, not
 * in the service → accessexception); parameters; then the function in a transaction (an
 * exception rolls every change back, ids excepted), then its after-commit work (an exception there keeps
 * the changes). Answers JSON or XML as requested.
 */
export function handleRestRequest(
  state: MoodleState,
  fields: PhpForm,
  env: { now: number; wwwroot: string },
): { response: RestResponse; record: MoodleCallRecord } {
  const { format, token, wsfunction, params } = splitRestFields(fields);
  const record: MoodleCallRecord = {
    wsfunction: typeof wsfunction === 'string' ? wsfunction : undefined,
    params,
    wstoken: token === undefined ? undefined : '***',
    format,
    status: 200,
    time: env.now,
  };
  if (!state.config.webservicesEnabled) {
    record.status = 403;
    return { response: { status: 403, contentType: 'text/html; charset=utf-8', body: '' }, record };
  }
  try {
    const result = execute(state, token, wsfunction, params, env);
    const body = format === 'json' ? phpJsonEncode(result) : renderMoodleXml(result);
    return { response: { status: 200, contentType: format === 'json' ? JSON_TYPE : XML_TYPE, body }, record };
  } catch (error) {
    if (!(error instanceof MoodleException)) throw error;
    record.errorcode = error.errorcode;
    return { response: exceptionResponse(error, format, state.config.debug), record };
  }
}

function execute(
  state: MoodleState,
  token: unknown,
  wsfunction: unknown,
  params: PhpForm,
  env: { now: number; wwwroot: string },
): unknown {
  const tokenRecord = state.tokens.find((t) => t.token === token);
  if (!tokenRecord) throw moodleError('invalidtoken', 'Invalid token - token not found');
  const user = state.users.find((u) => u.id === tokenRecord.userid);
  if (!user || user.deleted)
    throw moodleError(
      'wsaccessuserdeleted',
      `Refused web service access for deleted username: ${user?.username ?? ''}`,
    );
  if (user.suspended)
    throw moodleError('wsaccessusersuspended', `Refused web service access for suspended username: ${user.username}`);
  if (user.auth === 'nologin')
    throw moodleError(
      'wsaccessusernologin',
      `Refused web service access for nologin authentication username: ${user.username}`,
    );
  if (!tokenRecord.restUse)
    throw webserviceAccess('You are not allowed to use the rest protocol (missing capability: webservice/rest:use)');
  if (typeof wsfunction !== 'string' || wsfunction === '') throw invalidParameter('Missing function name');
  const fn = moodleFunctions.get(wsfunction);
  if (!fn && !unsimulatedMoodleFunctions.has(wsfunction)) {
    throw dmlMissingRecord('external_functions', 'SELECT * FROM {external_functions} WHERE name = ?', [wsfunction]);
  }
  if (!state.config.serviceFunctions.includes(wsfunction))
    throw webserviceAccess(`Access to the function ${wsfunction}() ${ACCESS_DENIED}`);
  if (!fn) throw new Error(`moodleSimulator: ${wsfunction} is in the service but not simulated`);
  const validated = validateParameters(single(fn.params), params) as Record<string, unknown>;
  const ctx: CallContext = { state, userid: user.id, now: env.now, wwwroot: env.wwwroot, afterCommit: [] };
  // Read functions change nothing, so they need no snapshot to roll back to (a copy of the
  // whole site per call would make a large simulated site slow for no reason).
  const snapshot = READ_ONLY.test(wsfunction) ? null : snapshotState(state);
  let result: unknown;
  try {
    result = fn.run(ctx, validated);
  } catch (error) {
    if (snapshot) rollbackState(state, snapshot);
    throw error;
  }
  for (const work of ctx.afterCommit) work();
  return result;
}
