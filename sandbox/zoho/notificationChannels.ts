import { moduleId } from './moduleId.ts';
import { readWatchEntry, WATCH_OPERATIONS, type WatchEntry, type WatchOperation } from './readWatchEntry.ts';
import type { ZohoStore } from './zohoStore.ts';
import { ZohoError } from './zohoError.ts';

/**
 * One module of one channel. Zoho keys subscriptions by channel *and* module: its GET sample lists channel "10000"
 * twice, for Contacts and for Deals, with different notify URLs. Re-subscribing the same channel_id and module
 * replaces that subscription (assumed: the docs do not say).
 */
export interface Subscription {
  channelId: string;
  module: string;
  operations: Set<WatchOperation>;
  notifyUrl: string;
  token: string | null;
  expiresAt: number;
  returnAffectedFieldValues: boolean;
  notifyOnRelatedAction: boolean;
}

/** A live subscription as the simulator's `channels()` shows it. */
export interface ChannelInfo {
  channelId: string;
  module: string;
  /** As GET lists them, e.g. `['BTEC_Students.edit', 'BTEC_Students.create']`. */
  events: string[];
  notifyUrl: string;
  token: string | null;
  /** Zoho's form, in the org's offset. */
  channelExpiry: string;
  expiresAt: number;
  returnAffectedFieldValues: boolean;
  notifyOnRelatedAction: boolean;
}

type Answer = { status: number; body?: unknown };
type EntryResult = Record<string, unknown> & { status: string };

const MAX_WATCH_ENTRIES = 50;
const SUBSCRIBED = 'Successfully subscribed for actions-watch of the given module';
const UPDATED = 'Successfully updated the subscribe details';
const UNSUBSCRIBED = 'Successfully un-subscribed from actions-watch';

/**
 * The Notification APIs, `/crm/v8/actions/watch` (Zoho CRM API v8 "Notification APIs"; zoho/crm-oas v8.0/notifications):
 * POST enables (201), GET lists (204 when none), PATCH updates the given properties (200), PUT replaces a channel
 * (update-details.html: "rest of the details would be removed"), DELETE ?channel_ids= disables (200). Batches of
 * at most 50 objects in `watch`; some failing → 207 with per-object results. All failing → 400: the crm-oas
 * allows a bare error or `{watch:[errors]}`, and its examples are bare, so a one-object request gets the bare
 * error and a larger one the array (assumed split). Expired subscriptions are dropped (by the store's clock).
 * `fields`, `notification_condition` and related-record actions are not simulated (listed as null / stored only).
 */
export function createNotificationChannels(deps: { store: ZohoStore; apiUrl: () => string }) {
  const { store } = deps;
  const subscriptions = new Map<string, Subscription>();
  const key = (channelId: string, module: string) => `${channelId}\u0000${module}`;
  const resourceUri = (module: string) => `${deps.apiUrl()}/crm/v8/${module}`;

  const live = (): Subscription[] => {
    const now = store.now();
    for (const [k, sub] of subscriptions) if (sub.expiresAt <= now) subscriptions.delete(k);
    return [...subscriptions.values()];
  };
  const ofChannel = (channelId: string) => live().filter((sub) => sub.channelId === channelId);
  const eventsOf = (sub: Subscription) =>
    WATCH_OPERATIONS.filter((op) => sub.operations.has(op)).map((op) => `${sub.module}.${op}`);
  const summary = (sub: Subscription) => ({
    channel_expiry: store.formatTime(sub.expiresAt),
    resource_uri: resourceUri(sub.module),
    resource_id: moduleId(sub.module),
    resource_name: sub.module,
    channel_id: sub.channelId,
  });
  const success = (subs: Subscription[], message: string): EntryResult => ({
    code: 'SUCCESS',
    details: { events: subs.map(summary) },
    message,
    status: 'success',
  });
  const unknownChannel = (index: number) =>
    new ZohoError(400, 'INVALID_DATA', 'invalid data', {
      api_name: 'channel_id',
      json_path: `$.watch[${index}].channel_id`,
    });

  const subscribe = (entry: WatchEntry): Subscription[] =>
    [...(entry.events ?? [])].map(([module, operations]) => {
      const sub: Subscription = {
        channelId: entry.channelId,
        module,
        operations: new Set(operations),
        notifyUrl: entry.notifyUrl as string,
        token: entry.token ?? null,
        expiresAt: entry.expiresAt,
        returnAffectedFieldValues: entry.returnAffectedFieldValues ?? false,
        notifyOnRelatedAction: entry.notifyOnRelatedAction ?? false,
      };
      subscriptions.set(key(sub.channelId, module), sub);
      return sub;
    });

  /** PATCH: events name the operations per module (other modules stay); the other given properties apply to the whole channel. */
  const patch = (entry: WatchEntry, index: number): EntryResult => {
    const existing = ofChannel(entry.channelId);
    const [first] = existing;
    if (!first) throw unknownChannel(index);
    for (const [module, operations] of entry.events ?? []) {
      const sub = subscriptions.get(key(entry.channelId, module));
      if (entry.deleteEvents) {
        for (const op of operations) sub?.operations.delete(op);
        if (sub && sub.operations.size === 0) subscriptions.delete(key(entry.channelId, module));
      } else if (sub) sub.operations = new Set(operations);
      else subscriptions.set(key(entry.channelId, module), { ...first, module, operations: new Set(operations) });
    }
    const subs = ofChannel(entry.channelId);
    if (!entry.deleteEvents) {
      for (const sub of subs) {
        // The brief's rule, as for enabling: no channel_expiry (or one past a week) → one hour from now.
        sub.expiresAt = entry.expiresAt;
        if (entry.notifyUrl !== undefined) sub.notifyUrl = entry.notifyUrl;
        if (entry.token !== undefined) sub.token = entry.token;
        if (entry.returnAffectedFieldValues !== undefined)
          sub.returnAffectedFieldValues = entry.returnAffectedFieldValues;
        if (entry.notifyOnRelatedAction !== undefined) sub.notifyOnRelatedAction = entry.notifyOnRelatedAction;
      }
    }
    return success(subs, UPDATED);
  };

  const replace = (entry: WatchEntry, index: number): EntryResult => {
    const existing = ofChannel(entry.channelId);
    if (existing.length === 0) throw unknownChannel(index);
    for (const sub of existing) subscriptions.delete(key(sub.channelId, sub.module));
    return success(subscribe(entry), UPDATED);
  };

  const batch = (
    body: unknown,
    okStatus: number,
    options: { requireEvents: boolean; allowDeleteEvents: boolean },
    apply: (entry: WatchEntry, index: number) => EntryResult,
  ): Answer => {
    const watch = (body as { watch?: unknown } | null | undefined)?.watch;
    if (watch === undefined || watch === null)
      throw new ZohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', {
        api_name: 'watch',
        json_path: '$.watch',
      });
    if (!Array.isArray(watch) || watch.length === 0)
      throw new ZohoError(400, 'INVALID_DATA', 'invalid data', {
        expected_data_type: 'jsonarray',
        api_name: 'watch',
        json_path: '$.watch',
      });
    if (watch.length > MAX_WATCH_ENTRIES)
      throw new ZohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', {
        api_name: 'watch',
        json_path: '$.watch',
        limit: MAX_WATCH_ENTRIES,
      });
    const results = watch.map((raw: unknown, index): EntryResult => {
      try {
        return apply(
          readWatchEntry(raw, index, { hasModule: (m) => store.hasModule(m), now: store.now(), ...options }),
          index,
        );
      } catch (error) {
        if (error instanceof ZohoError) return error.toBody() as EntryResult;
        throw error;
      }
    });
    return summarize(results, okStatus);
  };

  const list = (query: Record<string, string>): Answer => {
    if (query.module !== undefined && !store.hasModule(query.module))
      throw new ZohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { param_name: 'module' });
    const perPage = query.per_page === undefined ? 200 : Number(query.per_page);
    const page = query.page === undefined ? 1 : Number(query.page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
      throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'per_page', maximum: 200 });
    if (!Number.isInteger(page) || page < 1)
      throw new ZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
    const all = live().filter(
      (sub) =>
        (query.module === undefined || sub.module === query.module) &&
        (query.channel_id === undefined || sub.channelId === query.channel_id),
    );
    const rows = all.slice((page - 1) * perPage, page * perPage);
    if (rows.length === 0) return { status: 204 };
    // Entry shape and key order: crm-oas v8.0 getNotifications 200 sample.
    const watch = rows.map((sub) => ({
      notify_on_related_action: sub.notifyOnRelatedAction,
      channel_expiry: store.formatTime(sub.expiresAt),
      return_affected_field_values: sub.returnAffectedFieldValues,
      resource_uri: resourceUri(sub.module),
      resource_id: moduleId(sub.module),
      notify_url: sub.notifyUrl,
      resource_name: sub.module,
      fields: null,
      notification_condition: null,
      channel_id: sub.channelId,
      events: eventsOf(sub),
      token: sub.token,
    }));
    return {
      status: 200,
      body: { watch, info: { per_page: perPage, count: rows.length, page, more_records: page * perPage < all.length } },
    };
  };

  const disable = (query: Record<string, string>): Answer => {
    const ids = (query.channel_ids ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (ids.length === 0)
      throw new ZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'channel_ids',
      });
    const results = ids.flatMap((channelId): EntryResult[] => {
      const subs = ofChannel(channelId);
      // An unknown (or expired) channel: per-id INVALID_DATA, assumed (the docs show only successes).
      if (subs.length === 0)
        return [
          {
            code: 'INVALID_DATA',
            details: { param_name: 'channel_ids', channel_id: channelId },
            message: 'invalid data',
            status: 'error',
          },
        ];
      return subs.map((sub) => {
        subscriptions.delete(key(sub.channelId, sub.module));
        return {
          code: 'SUCCESS',
          details: {
            resource_uri: resourceUri(sub.module),
            resource_id: moduleId(sub.module),
            channel_id: sub.channelId,
          },
          message: UNSUBSCRIBED,
          status: 'success',
        };
      });
    });
    return summarize(results, 200);
  };

  return {
    /** Answers one /crm/v8/actions/watch request. @throws ZohoError for request-level errors. */
    answer(method: string, query: Record<string, string>, body: unknown): Answer {
      if (method === 'POST')
        return batch(body, 201, { requireEvents: true, allowDeleteEvents: false }, (entry) =>
          success(subscribe(entry), SUBSCRIBED),
        );
      if (method === 'GET') return list(query);
      if (method === 'PATCH') return batch(body, 200, { requireEvents: false, allowDeleteEvents: true }, patch);
      if (method === 'PUT') return batch(body, 200, { requireEvents: true, allowDeleteEvents: false }, replace);
      if (method === 'DELETE') return disable(query);
      throw new ZohoError(405, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', {});
    },
    /** The live subscriptions watching `operation` on `module`. */
    watching(module: string, operation: 'insert' | 'update' | 'delete'): Subscription[] {
      const op: WatchOperation = operation === 'insert' ? 'create' : operation === 'update' ? 'edit' : 'delete';
      return live().filter((sub) => sub.module === module && sub.operations.has(op));
    },
    list(): ChannelInfo[] {
      return live().map((sub) => ({
        channelId: sub.channelId,
        module: sub.module,
        events: eventsOf(sub),
        notifyUrl: sub.notifyUrl,
        token: sub.token,
        channelExpiry: store.formatTime(sub.expiresAt),
        expiresAt: sub.expiresAt,
        returnAffectedFieldValues: sub.returnAffectedFieldValues,
        notifyOnRelatedAction: sub.notifyOnRelatedAction,
      }));
    },
  };
}

function summarize(results: EntryResult[], okStatus: number): Answer {
  const failed = results.filter((r) => r.status === 'error').length;
  if (failed === 0) return { status: okStatus, body: { watch: results } };
  if (failed < results.length) return { status: 207, body: { watch: results } };
  return { status: 400, body: results.length === 1 ? results[0] : { watch: results } };
}

export type NotificationChannels = ReturnType<typeof createNotificationChannels>;
