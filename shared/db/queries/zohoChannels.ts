import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const timestamp = z.coerce.date();

const channelRowSchema = z.object({
  channel_id: z.string(),
  module: z.string(),
  events: z.array(z.string()),
  notify_url: z.string(),
  expires_at: timestamp,
  created_at: timestamp,
  renewed_at: timestamp.nullable(),
  last_delivery_at: timestamp.nullable(),
  deliveries: z.coerce.number(),
  renewal_failed_at: timestamp.nullable(),
  renewal_error: z.string().nullable(),
});
export type ZohoChannelRow = z.infer<typeof channelRowSchema>;

const verifierSchema = z.object({ module: z.string(), token_sha256: z.instanceof(Buffer), expires_at: timestamp });
export type ZohoChannelVerifier = z.infer<typeof verifierSchema>;

const COLUMNS = sql.fragment`channel_id, module, events, notify_url, expires_at, created_at, renewed_at,
  last_delivery_at, deliveries, renewal_failed_at, renewal_error`;

export async function listZohoChannels(db: CommonQueryMethods): Promise<readonly ZohoChannelRow[]> {
  return db.any(sql.type(channelRowSchema)`select ${COLUMNS} from zoho_notification_channels order by module`);
}

/** What the ingress needs to check a callback: the channel's module, token digest and expiry. */
export async function findZohoChannelVerifier(
  db: CommonQueryMethods,
  channelId: string,
): Promise<ZohoChannelVerifier | null> {
  return db.maybeOne(sql.type(verifierSchema)`
    select module, token_sha256, expires_at from zoho_notification_channels where channel_id = ${channelId}`);
}

export interface NewZohoChannel {
  channelId: string;
  module: string;
  events: readonly string[];
  notifyUrl: string;
  tokenSha256: Buffer;
  expiresAt: Date;
}

/** A channel Zoho accepted; replaces the module's previous one (one channel per module). */
export async function saveZohoChannel(db: CommonQueryMethods, channel: NewZohoChannel): Promise<void> {
  await db.query(sql.unsafe`
    insert into zoho_notification_channels (channel_id, module, events, notify_url, token_sha256, expires_at)
    values (${channel.channelId}, ${channel.module}, ${sql.array([...channel.events], 'text')}, ${channel.notifyUrl},
            ${sql.binary(channel.tokenSha256)}, ${sql.timestamp(channel.expiresAt)})
    on conflict (module) do update set channel_id = excluded.channel_id, events = excluded.events,
      notify_url = excluded.notify_url, token_sha256 = excluded.token_sha256, expires_at = excluded.expires_at,
      created_at = now(), renewed_at = null, renewal_failed_at = null, renewal_error = null
  `);
}

export async function markZohoChannelRenewed(
  db: CommonQueryMethods,
  channelId: string,
  expiresAt: Date,
): Promise<void> {
  await db.query(sql.unsafe`
    update zoho_notification_channels
       set expires_at = ${sql.timestamp(expiresAt)}, renewed_at = now(), renewal_failed_at = null, renewal_error = null
     where channel_id = ${channelId}`);
}

/** A renewal that failed stays on the row until one succeeds (bin/zoho status, bin/doctor). */
export async function markZohoChannelRenewalFailed(
  db: CommonQueryMethods,
  channelId: string,
  error: string,
): Promise<void> {
  await db.query(sql.unsafe`
    update zoho_notification_channels set renewal_failed_at = now(), renewal_error = ${error.slice(0, 1000)}
     where channel_id = ${channelId}`);
}

export async function deleteZohoChannel(db: CommonQueryMethods, channelId: string): Promise<void> {
  await db.query(sql.unsafe`delete from zoho_notification_channels where channel_id = ${channelId}`);
}

/** Counts a verified callback (in the transaction that stores its events). */
export async function markZohoChannelDelivered(db: CommonQueryMethods, channelId: string): Promise<void> {
  await db.query(sql.unsafe`
    update zoho_notification_channels set last_delivery_at = now(), deliveries = deliveries + 1
     where channel_id = ${channelId}`);
}
