import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exceptionResponse,
  handleRestRequest,
  splitRestFields,
  type MoodleCallRecord,
  type RestResponse,
} from './moodle/handleRestRequest.ts';
import { dmlWriteError, MoodleException } from './moodle/MoodleException.ts';
import { createMoodleState } from './moodle/createMoodleState.ts';
import type { MoodleConfig, MoodleState } from './moodle/moodleState.ts';
import { seedMoodleState, type MoodleSeed } from './moodle/seedMoodleState.ts';
import { restoreState } from './moodle/transactions.ts';
import { parsePhpForm, type PhpForm } from './parsePhpForm.ts';

export type { MoodleCallRecord } from './moodle/handleRestRequest.ts';
export type { MoodleSeed } from './moodle/seedMoodleState.ts';
export type { MoodleState } from './moodle/moodleState.ts';
export { DEFAULT_SERVICE_FUNCTIONS } from './moodle/createMoodleState.ts';
export { fixtureSiteSeed } from './moodle/fixtureSiteSeed.ts';

/**
 * How `failNext` breaks a call: `http500` / `http503` (HTML body, as a PHP fatal error or a
 * proxy would), `reset` (the connection is destroyed without an answer), `timeout` (no answer
 * until the client gives up or the simulator closes), `dbwrite` (Moodle's HTTP 200
 * `dml_write_exception` / `dmlwriteexception` "Error writing to database"), or any Moodle
 * exception body.
 */
export type MoodleFailureKind =
  | 'http500'
  | 'http503'
  | 'reset'
  | 'timeout'
  | 'dbwrite'
  | { exception: string; errorcode: string; message: string; debuginfo?: string };

export interface FailNextOptions {
  /** How many matching calls fail (default 1). */
  times?: number;
  /**
   * `before` (default): the call fails without running (nothing changes). `after`: the call
   * runs and commits, then its answer is replaced by the failure (the "did it happen?" case).
   */
  when?: 'before' | 'after';
}

export interface MoodleSimulatorOptions {
  /** The admin's web-service token (default: 32 random hex characters). */
  token?: string;
  /** Data added to the empty site (see MoodleSeed; `fixtureSiteSeed()` gives the recorded site). */
  seed?: MoodleSeed;
  /** Moodle debug mode: errors carry `debuginfo` (default off, as on the recorded site). */
  debug?: boolean;
  /** Delay before every answer, in ms (default 0). */
  latencyMs?: number;
  /**
   * What a real site spends per record a call writes, in ms, added to that call's answer: per user
   * created or updated (core_user_create_users / update_users) and per enrolment
   * (enrol_manual_enrol_users). Default none. Measured on a real Moodle 4.5 on a 2-core machine:
   * about 25 ms a user and 12 ms an enrolment (the bulk-load issue's figures).
   */
  writeCostMs?: { user?: number; enrolment?: number };
  /** The clock, Unix seconds (default: the real time). */
  now?: () => number;
  /** PHP's max_input_vars: form fields beyond it are dropped (default 5000, Moodle's recommended minimum). */
  maxInputVars?: number;
  /** Overrides of the site switches (webservicesEnabled, welcomeEmailFails, serviceFunctions, …). */
  config?: Partial<MoodleConfig>;
}

export interface MoodleSimulator {
  /** Base URL of the site, e.g. `http://127.0.0.1:41234` (give it to the client as MOODLE_URL). */
  url: string;
  /** `${url}/webservice/rest/server.php`. */
  endpoint: string;
  /** The admin's (user 2) token, with webservice/rest:use. */
  token: string;
  /**
   * The live site data; read it or change it directly (e.g. `state.config.webservicesEnabled = false`).
   * The object stays the same (also across reset()), but its tables are replaced by rollbacks
   * and deletions: read `sim.state.users` afresh instead of keeping the array.
   */
  state: MoodleState;
  /** Every request, in order, with parsed parameters and the token masked. */
  calls: MoodleCallRecord[];
  /** Makes the next call(s) of `wsfunction` ('*' = any function) fail as `kind`. */
  failNext(wsfunction: string, kind: MoodleFailureKind, options?: FailNextOptions): void;
  /** Delay before every answer from now on, in ms. */
  setLatency(ms: number): void;
  /** Moodle debug mode on/off (debuginfo in error bodies). */
  setDebug(on: boolean): void;
  /** Adds data directly (no web-service call). */
  seed(seed: MoodleSeed): void;
  /** Adds a token for another user; `restUse: false` makes every call with it an accessexception. */
  addToken(userid: number, options?: { restUse?: boolean; token?: string }): string;
  /** Back to the state after creation (options.seed and config re-applied); clears calls, pending failures and latency. */
  reset(): void;
  /** Stops the server, dropping hung (timeout) connections. */
  close(): Promise<void>;
}

interface PendingFailure {
  wsfunction: string;
  kind: MoodleFailureKind;
  remaining: number;
  when: 'before' | 'after';
}

/**
 * An in-memory Moodle 4.5 REST web service on 127.0.0.1 (random port) that answers like the
 * recordings in tests/fixtures/moodle/ (proved by moodleSimulator.contract.test.ts):
 * `POST /webservice/rest/server.php` with `wstoken`, `wsfunction`, `moodlewsrestformat` and
 * PHP-style array fields. Starts as an empty site (guest 1, admin 2, roles 1–8 with 3
 * editingteacher / 4 teacher / 5 student, category 1 "Category 1"), plus `options.seed`.
 */
export async function createMoodleSimulator(options: MoodleSimulatorOptions = {}): Promise<MoodleSimulator> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const maxInputVars = options.maxInputVars ?? 5000;
  const initialState = (): MoodleState => {
    const state = createMoodleState(token, now());
    if (options.seed) seedMoodleState(state, options.seed, now());
    Object.assign(state.config, options.config ?? {}, options.debug === undefined ? {} : { debug: options.debug });
    return state;
  };
  const state = initialState();
  const calls: MoodleCallRecord[] = [];
  let failures: PendingFailure[] = [];
  let latencyMs = options.latencyMs ?? 0;
  const hung = new Set<ServerResponse>();

  /** The per-record cost of a write call (options.writeCostMs): its records × their cost. */
  function writeCost(wsfunction: string, params: PhpForm): number {
    const count = (list: unknown) => (list && typeof list === 'object' ? Object.keys(list).length : 0);
    const cost = options.writeCostMs ?? {};
    if (wsfunction === 'core_user_create_users' || wsfunction === 'core_user_update_users')
      return count(params.users) * (cost.user ?? 0);
    if (wsfunction === 'enrol_manual_enrol_users') return count(params.enrolments) * (cost.enrolment ?? 0);
    return 0;
  }

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) =>
      send(res, {
        status: 500,
        contentType: 'text/plain; charset=utf-8',
        body: `moodleSimulator: ${(error as Error).stack ?? String(error)}`,
      }),
    );
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/webservice/rest/server.php') {
      send(res, { status: 404, contentType: 'text/html; charset=utf-8', body: '<h1>Not Found</h1>' });
      return;
    }
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const fields: PhpForm = {
      ...parsePhpForm(url.search.slice(1), { maxInputVars }),
      ...(isForm ? parsePhpForm(body, { maxInputVars }) : {}),
    };
    const { format, wsfunction, params, token: sentToken } = splitRestFields(fields);
    const failure = takeFailure(typeof wsfunction === 'string' ? wsfunction : '');
    let response: RestResponse | 'reset' | 'timeout';
    let record: MoodleCallRecord;
    if (failure && failure.when === 'before') {
      record = {
        wsfunction: typeof wsfunction === 'string' ? wsfunction : undefined,
        params,
        wstoken: sentToken === undefined ? undefined : '***',
        format,
        status: 200,
        time: now(),
      };
      response = failureResponse(failure.kind, format);
    } else {
      ({ response, record } = handleRestRequest(state, fields, { now: now(), wwwroot: simulator.url }));
      if (failure) response = failureResponse(failure.kind, format);
    }
    if (failure) {
      record.injected = typeof failure.kind === 'string' ? failure.kind : failure.kind.errorcode;
      record.status = typeof response === 'string' ? 0 : response.status;
      if (typeof response !== 'string' && typeof failure.kind !== 'string') record.errorcode = failure.kind.errorcode;
      if (failure.kind === 'dbwrite') record.errorcode = 'dmlwriteexception';
    }
    record.atMs = Date.now();
    calls.push(record);
    const delay = latencyMs + writeCost(typeof wsfunction === 'string' ? wsfunction : '', params);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (response === 'reset') {
      req.socket.destroy();
    } else if (response === 'timeout') {
      hung.add(res);
      res.on('close', () => hung.delete(res));
    } else {
      send(res, response);
    }
  }

  function takeFailure(wsfunction: string): PendingFailure | undefined {
    const failure = failures.find((f) => f.wsfunction === '*' || f.wsfunction === wsfunction);
    if (!failure) return undefined;
    failure.remaining -= 1;
    failures = failures.filter((f) => f.remaining > 0);
    return failure;
  }

  function failureResponse(kind: MoodleFailureKind, format: 'json' | 'xml'): RestResponse | 'reset' | 'timeout' {
    if (kind === 'reset' || kind === 'timeout') return kind;
    if (kind === 'http500')
      return { status: 500, contentType: 'text/html; charset=utf-8', body: '<h1>500 Internal Server Error</h1>' };
    if (kind === 'http503')
      return { status: 503, contentType: 'text/html; charset=utf-8', body: '<h1>503 Service Unavailable</h1>' };
    const error =
      kind === 'dbwrite'
        ? dmlWriteError()
        : new MoodleException(kind.exception, kind.errorcode, kind.message, kind.debuginfo);
    return exceptionResponse(error, format, state.config.debug);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const simulator: MoodleSimulator = {
    url: `http://127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}/webservice/rest/server.php`,
    token,
    state,
    calls,
    failNext(wsfunction, kind, { times = 1, when = 'before' } = {}) {
      failures.push({ wsfunction, kind, remaining: times, when });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setDebug(on) {
      state.config.debug = on;
    },
    seed(seed) {
      seedMoodleState(state, seed, now());
    },
    addToken(userid, { restUse = true, token: wanted } = {}) {
      const added = wanted ?? randomBytes(16).toString('hex');
      state.tokens.push({ token: added, userid, restUse });
      return added;
    },
    reset() {
      restoreState(state, initialState());
      calls.length = 0;
      failures = [];
      latencyMs = options.latencyMs ?? 0;
    },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  return simulator;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, { status, contentType, body }: RestResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'private, must-revalidate, pre-check=0, post-check=0, max-age=0',
    Expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
    Pragma: 'no-cache',
    'Accept-Ranges': 'none',
    'Access-Control-Allow-Origin': '*',
  });
  res.end(body);
}
