import { z } from 'zod';
import { ZOHO_ENTITIES, ZOHO_MODULES, type ZohoEntity } from '../events.ts';

/**
 * Zoho CRM's Notifications API ("watch" channels), as pure data and decisions: which channels
 * to have, when to renew them, and what one callback means. Facts (Zoho CRM API v8 docs,
 * "Notification APIs"; zoho/crm-oas v8.0/notifications):
 * - `POST /crm/v8/actions/watch` subscribes `events` such as `BTEC_Students.create`; `token`
 *   (≤ 50 characters) comes back in every callback; `channel_expiry` at most one week ahead,
 *   and a later or absent one gives a channel of one hour. `PATCH` changes a channel,
 *   `DELETE ?channel_ids=` ends it.
 * - A callback is an unsigned JSON POST: `server_time, query_params, module, resource_uri,
 *   ids[], affected_fields[], operation (insert|update|delete), channel_id, token`.
 */

/** Where Zoho posts callbacks, below PUBLIC_URL. */
export const NOTIFY_PATH = '/v1/notifications/zoho';

/**
 * A week less an hour: Zoho turns a requested expiry past one week into one hour, so a clock
 * a little ahead of Zoho's must not push the request over the limit.
 */
export const CHANNEL_LIFETIME_MS = (7 * 24 - 1) * 3_600_000;

/** Channels are renewed once less than this is left (the hourly crontab gets two days of tries). */
export const RENEW_WITHIN_MS = 48 * 3_600_000;

/** Zoho's limit on a channel's token. */
export const MAX_TOKEN_LENGTH = 50;

export const NOTIFICATION_OPERATIONS = ['insert', 'update', 'delete'] as const;
export type NotificationOperation = (typeof NOTIFICATION_OPERATIONS)[number];

/** A callback's operation in our events' words (the workflow webhooks' `event_type`). */
export const EVENT_TYPE_OF_OPERATION: Record<NotificationOperation, 'created' | 'updated' | 'deleted'> = {
  insert: 'created',
  update: 'updated',
  delete: 'deleted',
};

/** One channel per module, for create, edit and delete. */
export function channelEvents(module: string): string[] {
  return [`${module}.create`, `${module}.edit`, `${module}.delete`];
}

/** The entity a module's callbacks are events of (the inverse of ZOHO_MODULES). */
export function entityOfModule(module: string): ZohoEntity | undefined {
  return ZOHO_ENTITIES.find((entity) => ZOHO_MODULES[entity] === module);
}

/** What is known of a channel when planning (the database's row). */
export interface KnownChannel {
  channelId: string;
  module: string;
  notifyUrl: string;
  expiresAt: Date;
}

export type ChannelStep =
  | { kind: 'create'; module: string; reason: string }
  | { kind: 'renew'; channelId: string; module: string; reason: string }
  | { kind: 'disable'; channelId: string; module: string; reason: string }
  | { kind: 'keep'; channelId: string; module: string; reason: string };

/**
 * `bin/zoho connect`: a channel for every enabled module, pointed at `notifyUrl`. An existing
 * live channel is renewed (a week from now, at the current URL); an expired one is gone in Zoho
 * and is made again; a channel of a module switched off is disabled.
 */
export function planConnect(input: {
  enabledModules: readonly string[];
  known: readonly KnownChannel[];
  now: Date;
}): ChannelStep[] {
  const steps: ChannelStep[] = [];
  const byModule = new Map(input.known.map((channel) => [channel.module, channel]));
  for (const module of input.enabledModules) {
    const channel = byModule.get(module);
    if (!channel) steps.push({ kind: 'create', module, reason: 'no channel yet' });
    else if (channel.expiresAt <= input.now)
      steps.push({
        kind: 'create',
        module,
        reason: `channel ${channel.channelId} expired at ${channel.expiresAt.toISOString()}`,
      });
    else steps.push({ kind: 'renew', channelId: channel.channelId, module, reason: 'renewed for a week' });
  }
  for (const channel of input.known) {
    if (!input.enabledModules.includes(channel.module)) {
      steps.push({
        kind: 'disable',
        channelId: channel.channelId,
        module: channel.module,
        reason: `module switched off (modules.enabled.${channel.module} is false)`,
      });
    }
  }
  return steps;
}

/**
 * The worker's hourly renewal: channels with less than RENEW_WITHIN_MS left are renewed; an
 * expired one (renewals failed for two days, or the service was off) is made again.
 */
export function planRenewals(known: readonly KnownChannel[], now: Date): ChannelStep[] {
  return known.map((channel): ChannelStep => {
    const left = channel.expiresAt.getTime() - now.getTime();
    if (left <= 0)
      return {
        kind: 'create',
        module: channel.module,
        reason: `channel ${channel.channelId} expired at ${channel.expiresAt.toISOString()}`,
      };
    if (left < RENEW_WITHIN_MS)
      return {
        kind: 'renew',
        channelId: channel.channelId,
        module: channel.module,
        reason: `expires at ${channel.expiresAt.toISOString()}`,
      };
    return {
      kind: 'keep',
      channelId: channel.channelId,
      module: channel.module,
      reason: `expires at ${channel.expiresAt.toISOString()}`,
    };
  });
}

const zohoRecordId = z.string().regex(/^\d{1,30}$/, 'must be a Zoho record id (digits)');

/**
 * A callback's body. Only `channel_id` and `token` are trusted (after the token matched); the
 * rest says which records to fetch again, never what they hold.
 */
export const zohoNotificationSchema = z.object({
  server_time: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String),
  query_params: z.record(z.string(), z.unknown()).optional(),
  module: z.string().min(1).max(100),
  resource_uri: z.string().max(1000).optional(),
  ids: z.array(zohoRecordId).min(1).max(1000),
  // Its shape is not fully documented: read leniently by affectedFieldsOf.
  affected_fields: z.array(z.unknown()).max(1000).nullable().optional(),
  operation: z.enum(NOTIFICATION_OPERATIONS),
  channel_id: z.union([z.string().regex(/^\d{1,30}$/), z.number().int().nonnegative()]).transform(String),
  token: z.string().max(256),
});
export type ZohoNotification = z.infer<typeof zohoNotificationSchema>;

/**
 * The API names of the fields that changed in record `id`, or null when the callback does not
 * say. Zoho sends `[{"<id>": ["Field", …]}, …]`; a plain list of names applies to every id.
 */
export function affectedFieldsOf(notification: Pick<ZohoNotification, 'affected_fields'>, id: string): string[] | null {
  const entries = notification.affected_fields;
  if (!entries || entries.length === 0) return null;
  if (entries.every((entry) => typeof entry === 'string')) return entries as string[];
  for (const entry of entries) {
    if (entry && typeof entry === 'object' && !Array.isArray(entry) && Object.hasOwn(entry, id)) {
      const fields = (entry as Record<string, unknown>)[id];
      if (Array.isArray(fields) && fields.every((field) => typeof field === 'string')) return fields;
    }
  }
  return null;
}

/** The idempotency key of one record of a callback: a redelivery of it is the same event. */
export function notificationEventId(
  notification: Pick<ZohoNotification, 'channel_id' | 'operation' | 'server_time'>,
  id: string,
): string {
  return `notify:${notification.channel_id}:${id}:${notification.operation}:${notification.server_time}`;
}

/** What a notification event carries for the worker (it fetches the record itself). */
export interface NotificationPayload {
  via: 'zoho_notification';
  channel_id: string;
  operation: NotificationOperation;
  server_time: string;
  /** The fields Zoho says changed, or null when it did not say. */
  affected_fields: string[] | null;
}

export function isNotificationPayload(payload: unknown): payload is NotificationPayload {
  return typeof payload === 'object' && payload !== null && (payload as { via?: unknown }).via === 'zoho_notification';
}
