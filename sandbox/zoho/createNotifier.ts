import { changedFields } from './changedFields.ts';
import type { NotificationChannels, Subscription } from './notificationChannels.ts';
import type { RecordChange } from './zohoStore.ts';

/** A callback's JSON body (Zoho CRM API v8 Notification APIs, "callback" sample; key order as there). */
export interface NotificationBody {
  server_time: number;
  query_params: Record<string, string>;
  module: string;
  resource_uri: string;
  ids: string[];
  affected_fields: Record<string, string[]>[];
  operation: 'insert' | 'update' | 'delete';
  channel_id: string;
  /** null when the channel has none (assumed: the docs only show channels with a token). */
  token: string | null;
}

/** One callback sent: `status` is the receiver's HTTP status, 0 while unanswered or when it failed (then `error`). */
export interface NotificationDelivery {
  url: string;
  body: NotificationBody;
  status: number;
  error?: string;
}

interface ChangeGroup {
  module: string;
  operation: RecordChange['operation'];
  records: Map<string, { before: Record<string, unknown> | null; after: Record<string, unknown> | null }>;
}

/**
 * One group per module and operation, records in the order written. A record written twice in one call keeps its
 * first `before` and last `after`.
 */
function groupChanges(changes: RecordChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const k = `${change.module}\u0000${change.operation}`;
    const group = groups.get(k) ?? { module: change.module, operation: change.operation, records: new Map() };
    groups.set(k, group);
    const seen = group.records.get(change.id);
    group.records.set(change.id, { before: seen ? seen.before : change.before, after: change.after });
  }
  return [...groups.values()];
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof cause === 'string') return cause; // ECONNREFUSED, ECONNRESET, …
  return error instanceof Error ? error.name : String(error); // TimeoutError, AbortError
}

/**
 * Sends Zoho's notification callbacks: an unsigned JSON POST to each live subscription's notify_url that watches
 * the module and operation. Zoho's workflow suppression (`trigger: []`) does not apply: the Notification APIs fire
 * on every write, API writes included. Assumed beyond the docs: one write call of many records makes one callback
 * per module and operation carrying all their ids; `affected_fields` is `[{"<id>": [changed field names]}]` per
 * record for updates and `[]` for inserts and deletes; an update that changes nothing still notifies (Zoho moves
 * Modified_Time); no retries; the timeout (Zoho's is not documented) is the simulator's option.
 * `return_affected_field_values` is kept but not honoured (no `affected_values` are sent).
 */
export function createNotifier(deps: {
  channels: NotificationChannels;
  apiUrl: () => string;
  now: () => number;
  timeoutMs: number;
}) {
  const deliveries: NotificationDelivery[] = [];
  const pending = new Set<Promise<void>>();
  const closing = new AbortController();

  const bodyFor = (sub: Subscription, group: ChangeGroup): NotificationBody => ({
    server_time: deps.now(),
    query_params: Object.fromEntries(new URL(sub.notifyUrl).searchParams),
    module: group.module,
    resource_uri: `${deps.apiUrl()}/crm/v8/${group.module}`,
    ids: [...group.records.keys()],
    affected_fields:
      group.operation === 'update'
        ? [...group.records].map(([id, r]) => ({ [id]: changedFields(r.before ?? {}, r.after ?? {}) }))
        : [],
    operation: group.operation,
    channel_id: sub.channelId,
    token: sub.token,
  });

  const post = (delivery: NotificationDelivery): void => {
    const done: Promise<void> = fetch(delivery.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(delivery.body),
      signal: AbortSignal.any([closing.signal, AbortSignal.timeout(deps.timeoutMs)]),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        delivery.status = res.status;
      })
      .catch((error: unknown) => {
        delivery.status = 0;
        delivery.error = describe(error);
      })
      .finally(() => pending.delete(done));
    pending.add(done);
  };

  return {
    deliveries,
    /** Starts the callbacks for the changes of one write (not awaited: Zoho answers the API call first). */
    dispatch(changes: RecordChange[]): void {
      for (const group of groupChanges(changes)) {
        for (const sub of deps.channels.watching(group.module, group.operation)) {
          const delivery: NotificationDelivery = { url: sub.notifyUrl, body: bodyFor(sub, group), status: 0 };
          deliveries.push(delivery);
          post(delivery);
        }
      }
    },
    /** Resolves once every delivery started so far has been answered, failed or timed out. */
    async flush(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    /** Aborts deliveries still in flight (recorded with error AbortError). */
    async close(): Promise<void> {
      closing.abort();
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
