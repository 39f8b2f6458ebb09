import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenIssuer, TOKEN_THROTTLED_BODY } from './zoho/createTokenIssuer.ts';
import { createNotifier, type NotificationDelivery } from './zoho/createNotifier.ts';
import { createListRecords } from './zoho/listRecords.ts';
import { createNotificationChannels, type ChannelInfo } from './zoho/notificationChannels.ts';
import { createOrgFields, type OrgFields } from './zoho/orgFields.ts';
import { routeApiRequest } from './zoho/routeApiRequest.ts';
import type { ZohoFieldType } from './zoho/validateFieldValue.ts';
import { ZohoError } from './zoho/zohoError.ts';
import { createZohoStore, SIMULATOR_USER, type RecordChange } from './zoho/zohoStore.ts';

export type { ChannelInfo } from './zoho/notificationChannels.ts';
export type { NotificationBody, NotificationDelivery } from './zoho/createNotifier.ts';

export type ZohoFailureKind =
  'http429' | 'http500' | 'invalid_token' | 'timeout' | 'credits_exhausted' | 'token_throttled';

export interface ZohoCallRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON (or form fields for the token endpoint); secrets and tokens masked as '***'. */
  body: unknown;
  status: number; // 0 = never answered (timeout)
  at: number;
  /** For writes: the `trigger` array sent, or undefined when the body had none (then Zoho runs workflows). */
  trigger?: unknown;
}

export interface ZohoSimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** Module API names that exist (default: the college org's modules, docs/zoho-fields.md §0 fact 1, plus Leads/Contacts). */
  modules?: string[];
  uniqueFields?: Record<string, string[]>;
  mandatoryFields?: Record<string, string[]>;
  subformFields?: Record<string, string[]>;
  fieldTypes?: Record<string, Record<string, ZohoFieldType>>;
  latencyMs?: number;
  indexLagMs?: number;
  /** The clock in ms (default Date.now); drives token expiry, throttling, index lag and timestamps. */
  now?: () => number;
  /** The org's time zone offset (default `+00:00`): Created_Time / Modified_Time are written in it. */
  utcOffset?: string;
  /** How long a notification callback may take before it counts as failed (default 10 s; Zoho's is not documented). */
  notificationTimeoutMs?: number;
}

export interface ZohoSimulator {
  accountsUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  calls: ZohoCallRecord[];
  /** Refresh-grant requests so far (assignable, e.g. 0 to reset). */
  tokenRequests: number;
  /** The most API requests in flight at once (assignable: set 0 to start a new measurement). */
  maxConcurrent: number;
  /** Pre-existing data: stored as if long indexed, and no notification callbacks. */
  seed(module: string, records: Record<string, unknown>[]): string[];
  record(module: string, id: string): Record<string, unknown> | undefined;
  /** A person creating a record in Zoho's UI: returns its id; notifies channels watching `Module.create`. */
  create(module: string, record: Record<string, unknown>): string;
  /** A person editing the record in Zoho's UI: fields replaced, Modified_Time moves on; notifies `Module.edit`. */
  edit(module: string, id: string, fields: Record<string, unknown>): void;
  /** A person deleting the record in Zoho: the API no longer returns it; notifies `Module.delete`. */
  remove(module: string, id: string): void;
  /** Every notification callback started so far, in order (status 0 until answered, or when it failed). */
  notifications: NotificationDelivery[];
  /** Resolves once every callback started so far has been answered, has failed or timed out. */
  flushNotifications(): Promise<void>;
  /** The live notification subscriptions (one per channel and module), as `GET /actions/watch` would list them. */
  channels(): ChannelInfo[];
  setUniqueFields(module: string, fields: string[]): void;
  setMandatoryFields(module: string, fields: string[]): void;
  setSubformFields(module: string, fields: string[]): void;
  setFieldTypes(module: string, types: Record<string, ZohoFieldType>): void;
  /** The org's field metadata (`GET /settings/fields`): the college export unless changed here. */
  orgFields: OrgFields;
  failNext(match: string, kind: ZohoFailureKind, options?: { times?: number }): void;
  /** Drops every pending failure (ends an outage begun with a large `times`). */
  clearFailures(): void;
  expireTokens(): void;
  setRefreshTokenValid(valid: boolean): void;
  setLatency(ms: number): void;
  setIndexLagMs(ms: number): void;
  close(): Promise<void>;
}

export const DEFAULT_MODULES = [
  'BTEC_Students',
  'BTEC_Teachers',
  'Products',
  'BTEC',
  'BTEC_Classes',
  'BTEC_Enrollments',
  'BTEC_Registrations',
  'BTEC_Payments',
  'BTEC_Grades',
  'BTEC_Student_Requests',
  'Leads',
  'Contacts',
];

const TOKEN_PATH = '/oauth/v2/token';
/** Documented 429 text (v2/v8 status-codes.html; docs/api-facts.md §1e). */
const LIMIT_MESSAGE =
  'Number of API requests for the 24 hour period is exceeded or the concurrency limit of the user for the app is exceeded.';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A `watch` body for the calls log: each channel's `token` (sent back in every callback) masked. */
function maskWatchTokens(body: unknown): unknown {
  const watch = (body as { watch?: unknown } | null)?.watch;
  if (!Array.isArray(watch)) return body;
  const masked = watch.map((entry: unknown) =>
    entry && typeof entry === 'object' && 'token' in entry && (entry as { token: unknown }).token != null
      ? { ...entry, token: '***' }
      : entry,
  );
  return { ...(body as object), watch: masked };
}

function mask(params: Record<string, string>): Record<string, string> {
  const out = { ...params };
  for (const key of ['client_secret', 'refresh_token', 'code', 'access_token']) if (key in out) out[key] = '***';
  return out;
}

/**
 * An HTTP simulator of Zoho Accounts OAuth + the Zoho CRM v8 record APIs our client uses, and the Notification
 * APIs (`/actions/watch`) with their callbacks. One server answers both: `accountsUrl` and `apiUrl` are the same
 * origin. Shapes and their sources: see the files in ./zoho/.
 */
export async function createZohoSimulator(options: ZohoSimulatorOptions = {}): Promise<ZohoSimulator> {
  const now = options.now ?? Date.now;
  let latencyMs = options.latencyMs ?? 0;
  let indexLagMs = options.indexLagMs ?? 0;
  let baseUrl = '';
  const store = createZohoStore({
    modules: options.modules ?? DEFAULT_MODULES,
    uniqueFields: options.uniqueFields ?? { BTEC_Grades: ['Moodle_Grade_Composite_Key'] },
    mandatoryFields: options.mandatoryFields ?? {},
    subformFields: options.subformFields ?? { BTEC_Grades: ['Learning_Outcomes_Assessm'] },
    fieldTypes: options.fieldTypes ?? {
      BTEC_Grades: {
        Moodle_Grade_Composite_Key: 'text',
        Attempt_Number: 'integer',
        Attempt_Date: 'date',
        Feedback: 'textarea',
        Student: 'lookup',
        Class: 'lookup',
      },
    },
    now,
    utcOffset: options.utcOffset,
  });
  const listRecords = createListRecords(store);
  const orgFields = createOrgFields(store);
  const channels = createNotificationChannels({ store, apiUrl: () => baseUrl });
  const notifier = createNotifier({
    channels,
    apiUrl: () => baseUrl,
    now,
    timeoutMs: options.notificationTimeoutMs ?? 10_000,
  });
  /** Runs a write the way Zoho's UI or API makes it: its record changes go out as notification callbacks. */
  const notifying = <T>(write: () => T): T => {
    const changes: RecordChange[] = [];
    try {
      return store.recordChanges(changes, write);
    } finally {
      notifier.dispatch(changes);
    }
  };
  const credentials = {
    clientId: options.clientId ?? `1000.${randomBytes(15).toString('hex').toUpperCase()}`,
    clientSecret: options.clientSecret ?? randomBytes(21).toString('hex'),
    refreshToken: options.refreshToken ?? `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`,
  };
  const tokens = createTokenIssuer({
    ...credentials,
    apiUrl: () => baseUrl,
    now,
    scope:
      'ZohoCRM.modules.ALL ZohoCRM.coql.READ ZohoSearch.securesearch.READ ZohoCRM.settings.fields.READ ZohoCRM.notifications.ALL',
  });
  const failures: { match: string; kind: ZohoFailureKind; remaining: number }[] = [];
  const calls: ZohoCallRecord[] = [];
  const hung = new Set<ServerResponse>();
  let tokenRequests = 0;
  let inFlight = 0;
  let maxConcurrent = 0;

  const takeFailure = (path: string): ZohoFailureKind | undefined => {
    const isToken = path === TOKEN_PATH;
    const index = failures.findIndex(
      (f) =>
        (f.match === '*' || path.includes(f.match)) &&
        (f.kind === 'token_throttled' ? isToken : !isToken || f.match !== '*'),
    );
    const failure = failures[index];
    if (!failure) return undefined;
    if (--failure.remaining <= 0) failures.splice(index, 1);
    return failure.kind;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const isToken = path === TOKEN_PATH;
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    const call: ZohoCallRecord = {
      method: req.method ?? 'GET',
      path,
      query: isToken ? mask(query) : query,
      body: undefined,
      status: 0,
      at: now(),
    };
    calls.push(call);
    let parsed: unknown;
    if (isToken) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      call.body = mask(form);
      parsed = { ...form, ...query };
    } else if (raw !== '') {
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = Symbol.for('invalid-json');
      }
      call.body = typeof parsed === 'symbol' ? raw : maskWatchTokens(parsed);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        call.trigger = (parsed as { trigger?: unknown }).trigger;
    }
    if (!isToken) {
      inFlight++;
      maxConcurrent = Math.max(maxConcurrent, inFlight);
      res.on('close', () => inFlight--);
    }
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      if (body === undefined) {
        res.writeHead(status, headers).end();
      } else {
        res
          .writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
          .end(JSON.stringify(body));
      }
    };
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const failure = takeFailure(path);
    if (failure === 'timeout') {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (isToken) {
      if (req.method !== 'POST') return send(405, { error: 'invalid_request' });
      tokenRequests++;
      if (failure === 'token_throttled') return send(200, TOKEN_THROTTLED_BODY);
      if (failure === 'http500') return send(500, { error: 'internal_error' });
      const result = tokens.refresh(parsed as Record<string, string>);
      return send(result.status, result.body);
    }
    const invalidToken = new ZohoError(401, 'INVALID_TOKEN', 'invalid oauth token', {});
    // Callbacks for this call's writes start after its answer is sent (Zoho answers without waiting for them).
    const changes: RecordChange[] = [];
    try {
      if (failure === 'http429') throw new ZohoError(429, 'TOO_MANY_REQUESTS', LIMIT_MESSAGE, {});
      if (failure === 'credits_exhausted') {
        // Same documented 429 TOO_MANY_REQUESTS; the credit header says none are left
        // (X-API-CREDITS-REMAINING, https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html). No Retry-After.
        return send(429, new ZohoError(429, 'TOO_MANY_REQUESTS', LIMIT_MESSAGE, {}).toBody(), {
          'x-api-credits-remaining': '0',
        });
      }
      if (failure === 'http500') throw new ZohoError(500, 'INTERNAL_ERROR', 'Internal Server Error', {});
      if (failure === 'invalid_token') throw invalidToken;
      const auth = /^Zoho-oauthtoken (\S+)$/.exec(req.headers.authorization ?? '');
      if (!auth || !tokens.isValid(auth[1] as string)) throw invalidToken;
      if (typeof parsed === 'symbol')
        throw new ZohoError(400, 'INVALID_DATA', 'body', { expected_data_type: 'jsonobject' });
      const result = store.recordChanges(changes, () =>
        routeApiRequest(
          { store, listRecords, indexLagMs, orgFields, channels },
          req.method ?? 'GET',
          path,
          query,
          parsed,
        ),
      );
      return send(result.status, result.body);
    } catch (error) {
      if (error instanceof ZohoError) return send(error.httpStatus, error.toBody());
      return send(
        500,
        new ZohoError(500, 'INTERNAL_ERROR', 'Internal Server Error', { reason: String(error) }).toBody(),
      );
    } finally {
      notifier.dispatch(changes);
    }
  };

  /** A record as a person (or seed data) makes it: system fields, then the given ones; subform rows get ids. */
  const newRecord = (module: string, input: Record<string, unknown>): Record<string, unknown> => {
    const stamp = store.timestamp();
    const id = input.id === undefined ? store.newId() : String(input.id);
    const data: Record<string, unknown> = {
      Owner: { ...SIMULATOR_USER },
      Created_Time: stamp,
      Modified_Time: stamp,
      Created_By: { name: SIMULATOR_USER.name, id: SIMULATOR_USER.id },
      Modified_By: { name: SIMULATOR_USER.name, id: SIMULATOR_USER.id },
      ...structuredClone(input),
      id,
    };
    for (const field of store.subformFields.get(module) ?? []) {
      const rows = data[field];
      if (Array.isArray(rows))
        data[field] = rows.map((row: Record<string, unknown>) => ({
          ...row,
          id: row.id === undefined ? store.newId() : String(row.id),
          Parent_Id: { name: data.Name ?? null, id },
        }));
    }
    return data;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    accountsUrl: baseUrl,
    apiUrl: baseUrl,
    ...credentials,
    calls,
    get tokenRequests() {
      return tokenRequests;
    },
    set tokenRequests(value: number) {
      tokenRequests = value;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    set maxConcurrent(value: number) {
      maxConcurrent = value;
    },
    seed(module, records) {
      store.addModule(module);
      return records.map((input) => {
        const stored = store.save(module, newRecord(module, input));
        // seeded data is already indexed (older than any lag)
        for (const version of stored.versions) version.at = Number.NEGATIVE_INFINITY;
        return stored.id;
      });
    },
    create(module, input) {
      if (!store.hasModule(module)) throw new Error(`simulator: no module ${module} to create a record in`);
      return notifying(() => store.save(module, newRecord(module, input)).id);
    },
    record(module, id) {
      const found = store.get(module, id);
      return found ? structuredClone(found.data) : undefined;
    },
    edit(module, id, fields) {
      const found = store.get(module, id);
      if (!found) throw new Error(`simulator: no ${module} record ${id} to edit`);
      notifying(() =>
        store.save(module, { ...found.data, ...structuredClone(fields), id, Modified_Time: store.timestamp() }),
      );
    },
    remove(module, id) {
      if (!notifying(() => store.remove(module, id))) throw new Error(`simulator: no ${module} record ${id} to delete`);
    },
    notifications: notifier.deliveries,
    flushNotifications() {
      return notifier.flush();
    },
    channels() {
      return channels.list();
    },
    setUniqueFields(module, fields) {
      store.uniqueFields.set(module, fields);
    },
    setMandatoryFields(module, fields) {
      store.mandatoryFields.set(module, fields);
    },
    setSubformFields(module, fields) {
      store.subformFields.set(module, fields);
    },
    setFieldTypes(module, types) {
      store.fieldTypes.set(module, types);
    },
    orgFields,
    failNext(match, kind, failOptions) {
      failures.push({ match, kind, remaining: failOptions?.times ?? 1 });
    },
    clearFailures() {
      failures.length = 0;
    },
    expireTokens() {
      tokens.expireAll();
    },
    setRefreshTokenValid(valid) {
      tokens.setRefreshTokenValid(valid);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setIndexLagMs(ms) {
      indexLagMs = ms;
    },
    async close() {
      await notifier.close();
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
