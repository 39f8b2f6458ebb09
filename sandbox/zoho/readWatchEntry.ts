import { ZohoError } from './zohoError.ts';

/** The operations of an `events` entry (`Module.create|edit|delete`; `Module.all` is all three). */
export type WatchOperation = 'create' | 'edit' | 'delete';

/** The order Zoho lists a channel's events in (GET /actions/watch sample: `Leads.edit, Leads.create, Leads.delete`). */
export const WATCH_OPERATIONS: readonly WatchOperation[] = ['edit', 'create', 'delete'];

/** One parsed `watch[]` object. `undefined` = the property was not sent. */
export interface WatchEntry {
  channelId: string;
  /** module → operations, in the order the events named them. */
  events: Map<string, Set<WatchOperation>> | undefined;
  /** Always there but for `_delete_events`. */
  notifyUrl: string | undefined;
  /** null = sent as null (no token). */
  token: string | null | undefined;
  /** When the channel ends (epoch ms, whole seconds), after the one-week rule. */
  expiresAt: number;
  returnAffectedFieldValues: boolean | undefined;
  notifyOnRelatedAction: boolean | undefined;
  /** PATCH `_delete_events: true`: the events are taken off the channel ("Disable Specific Notifications"). */
  deleteEvents: boolean;
}

export interface ReadWatchOptions {
  hasModule: (module: string) => boolean;
  now: number;
  /** POST and PUT need `events`; PATCH does not. */
  requireEvents: boolean;
  /** PATCH may carry `_delete_events`. */
  allowDeleteEvents: boolean;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** Documented limits (v8 enable.html; crm-oas v8.0 notifications): token ≤ 50 characters, notify_url ≤ 255, events ≤ 50. */
const MAX_TOKEN_LENGTH = 50;
const MAX_URL_LENGTH = 255;
const MAX_EVENTS = 50;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function absent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * Reads and validates one object of a `watch` array (POST, PATCH, PUT /crm/v8/actions/watch), by the v8 Notification
 * API docs: `channel_id` (a long) and `notify_url` (≤ 255) mandatory (but with `_delete_events`), `events` mandatory on create/replace as
 * `Module.create|edit|delete|all` of existing modules, `token` ≤ 50, `channel_expiry` ISO date-time at most a week
 * ahead — absent or later than a week gives one hour from now.
 * Errors are ZohoErrors with `{api_name, json_path}` (crm-oas examples such as `$.watch[1].channel_id`; the
 * documented notify_url/events examples show only api_name). Assumed where the docs say nothing: a channel_id
 * that is not digits and a malformed or past channel_expiry are INVALID_DATA; so is a notify_url that is not an
 * http(s) URL.
 * @throws ZohoError MANDATORY_NOT_FOUND / INVALID_DATA for the first problem found.
 */
export function readWatchEntry(raw: unknown, index: number, options: ReadWatchOptions): WatchEntry {
  const fail = (code: 'MANDATORY_NOT_FOUND' | 'INVALID_DATA', field: string, extra: Record<string, unknown> = {}) =>
    new ZohoError(400, code, code === 'MANDATORY_NOT_FOUND' ? 'required field not found' : 'invalid data', {
      api_name: field,
      json_path: `$.watch[${index}].${field}`,
      ...extra,
    });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ZohoError(400, 'INVALID_DATA', 'invalid data', {
      expected_data_type: 'jsonobject',
      json_path: `$.watch[${index}]`,
    });
  }
  const input = raw as Record<string, unknown>;

  const rawId = input.channel_id;
  if (absent(rawId)) throw fail('MANDATORY_NOT_FOUND', 'channel_id');
  const channelId = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId > 0 ? String(rawId) : rawId;
  if (typeof channelId !== 'string' || !/^\d{1,19}$/.test(channelId))
    throw fail('INVALID_DATA', 'channel_id', { expected_data_type: 'long' });

  // "Disable Specific Notifications" (v8 specific-disable.html): PATCH {channel_id, events, _delete_events: true}.
  let deleteEvents = false;
  if (input._delete_events !== undefined) {
    if (!options.allowDeleteEvents || typeof input._delete_events !== 'boolean')
      throw fail('INVALID_DATA', '_delete_events');
    if (input._delete_events && absent(input.events)) throw fail('MANDATORY_NOT_FOUND', 'events');
    deleteEvents = input._delete_events;
  }

  // The v8 pages and the crm-oas PATCH schema mark notify_url mandatory on every method, PATCH included (the
  // documented MANDATORY_NOT_FOUND notify_url example belongs to PATCH; older versions' PATCH page says optional).
  // Only "Disable Specific Notifications" goes without it.
  let notifyUrl: string | undefined;
  if (!deleteEvents || !absent(input.notify_url)) {
    const url = input.notify_url;
    if (absent(url)) throw fail('MANDATORY_NOT_FOUND', 'notify_url');
    if (typeof url !== 'string') throw fail('INVALID_DATA', 'notify_url', { expected_data_type: 'string' });
    if (url.length > MAX_URL_LENGTH) throw fail('INVALID_DATA', 'notify_url', { maximum_length: MAX_URL_LENGTH });
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw fail('INVALID_DATA', 'notify_url');
    notifyUrl = url;
  }

  let events: WatchEntry['events'];
  if (absent(input.events)) {
    if (options.requireEvents) throw fail('MANDATORY_NOT_FOUND', 'events');
  } else {
    if (!Array.isArray(input.events) || input.events.length === 0)
      throw fail('INVALID_DATA', 'events', { expected_data_type: 'jsonarray' });
    if (input.events.length > MAX_EVENTS) throw fail('INVALID_DATA', 'events', { limit: MAX_EVENTS });
    events = new Map();
    for (const event of input.events) {
      const match = typeof event === 'string' ? /^(.+)\.(create|edit|delete|all)$/.exec(event) : null;
      // Unsupported module → INVALID_DATA {api_name:"events"} (crm-oas "modulenotsupported" example).
      if (!match || !options.hasModule(match[1] as string)) throw fail('INVALID_DATA', 'events');
      const module = match[1] as string;
      const operations = events.get(module) ?? new Set<WatchOperation>();
      for (const op of match[2] === 'all' ? WATCH_OPERATIONS : [match[2] as WatchOperation]) operations.add(op);
      events.set(module, operations);
    }
  }

  let token: WatchEntry['token'];
  if (input.token === null) token = null;
  else if (input.token !== undefined) {
    if (typeof input.token !== 'string') throw fail('INVALID_DATA', 'token', { expected_data_type: 'string' });
    if (input.token.length > MAX_TOKEN_LENGTH)
      throw fail('INVALID_DATA', 'token', { maximum_length: MAX_TOKEN_LENGTH });
    token = input.token;
  }

  let expiresAt = options.now + HOUR_MS;
  if (!absent(input.channel_expiry)) {
    const text = input.channel_expiry;
    const at = typeof text === 'string' && ISO_DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(at) || at <= options.now)
      throw fail('INVALID_DATA', 'channel_expiry', { expected_data_type: 'datetime' });
    if (at <= options.now + WEEK_MS) expiresAt = at;
  }
  expiresAt = Math.floor(expiresAt / 1000) * 1000; // Zoho's date-times have whole seconds

  const flag = (field: string): boolean | undefined => {
    const value = input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw fail('INVALID_DATA', field, { expected_data_type: 'boolean' });
    return value;
  };
  const returnAffectedFieldValues = flag('return_affected_field_values');
  const notifyOnRelatedAction = flag('notify_on_related_action');

  return {
    channelId,
    events,
    notifyUrl,
    token,
    expiresAt,
    returnAffectedFieldValues,
    notifyOnRelatedAction,
    deleteEvents,
  };
}
