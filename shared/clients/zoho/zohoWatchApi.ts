import { z } from 'zod';
import { PermanentError, RetryableError } from '../../domain/errors.ts';
import type { ZohoRequestFn } from './createZohoTransport.ts';

const PATH = '/crm/v8/actions/watch';

/** One channel as we ask for it (Zoho CRM API v8, "Enable Notifications"). */
export interface WatchRequest {
  channel_id: string;
  events: string[];
  notify_url: string;
  token: string;
  channel_expiry: string;
}

const eventDetailSchema = z.object({
  channel_expiry: z.string(),
  resource_name: z.string().optional(),
  channel_id: z.union([z.string(), z.number()]).transform(String),
});
const resultSchema = z.object({
  code: z.string(),
  status: z.string().optional(),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const resultsSchema = z.object({ watch: z.array(resultSchema) });
const listSchema = z.object({
  watch: z.array(
    z.object({
      channel_id: z.union([z.string(), z.number()]).transform(String),
      channel_expiry: z.string(),
      resource_name: z.string().optional(),
      notify_url: z.string().optional(),
      events: z.array(z.string()).optional(),
    }),
  ),
});

export interface WatchOutcome {
  channelId: string;
  ok: boolean;
  /** The expiry Zoho set (it gives one hour for an expiry it does not accept). */
  expiresAt?: Date;
  /** Zoho's code and message for a refused entry. */
  error?: string;
}

export interface WatchedChannel {
  channelId: string;
  module: string | undefined;
  expiresAt: Date;
  notifyUrl: string | undefined;
}

function parse<S extends z.ZodType>(schema: S, body: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new RetryableError('zoho.bad_response', `${where}: Zoho answered in an undocumented shape`);
  return parsed.data;
}

/** One result per entry we sent, in order (Zoho answers 201/200, or 207 when some failed). */
function outcomes(body: unknown, sent: readonly { channel_id: string }[], where: string): WatchOutcome[] {
  const { watch } = parse(resultsSchema, body, where);
  return sent.map((entry, index): WatchOutcome => {
    const result = watch[index];
    if (!result) return { channelId: entry.channel_id, ok: false, error: 'no result from Zoho' };
    if (result.code !== 'SUCCESS') {
      const field = typeof result.details?.api_name === 'string' ? ` (${result.details.api_name})` : '';
      return {
        channelId: entry.channel_id,
        ok: false,
        error: `${result.code}: ${result.message ?? ''}${field}`.trim(),
      };
    }
    const events = z.array(eventDetailSchema).safeParse(result.details?.events);
    const expiries = events.success ? events.data.map((e) => Date.parse(e.channel_expiry)).filter(Number.isFinite) : [];
    return {
      channelId: entry.channel_id,
      ok: true,
      ...(expiries.length ? { expiresAt: new Date(Math.min(...expiries)) } : {}),
    };
  });
}

/**
 * Zoho CRM's Notifications API (`/crm/v8/actions/watch`, scope ZohoCRM.notifications.ALL).
 * A request Zoho refuses as a whole (HTTP 400) throws the transport's PermanentError; a
 * missing scope its ZohoConfigurationError.
 */
export function createZohoWatchApi(request: ZohoRequestFn) {
  return {
    async enable(channels: WatchRequest[]): Promise<WatchOutcome[]> {
      const { body } = await request({ method: 'POST', path: PATH, body: { watch: channels } });
      return outcomes(body, channels, 'POST actions/watch');
    },
    /** Changes only what is given (here: the expiry, and the URL when it moved). */
    async update(
      channels: (Pick<WatchRequest, 'channel_id' | 'channel_expiry'> & Partial<WatchRequest>)[],
    ): Promise<WatchOutcome[]> {
      const { body } = await request({ method: 'PATCH', path: PATH, body: { watch: channels } });
      return outcomes(body, channels, 'PATCH actions/watch');
    },
    async list(): Promise<WatchedChannel[]> {
      const { body } = await request({ method: 'GET', path: PATH });
      if (body === null) return [];
      return parse(listSchema, body, 'GET actions/watch').watch.map((c) => ({
        channelId: c.channel_id,
        module: c.resource_name,
        expiresAt: new Date(c.channel_expiry),
        notifyUrl: c.notify_url,
      }));
    },
    async disable(channelIds: string[]): Promise<WatchOutcome[]> {
      if (channelIds.length === 0) return [];
      const { body } = await request({ method: 'DELETE', path: PATH, query: { channel_ids: channelIds.join(',') } });
      // One entry per channel and module; a channel is off when an entry of it succeeded.
      const { watch } = parse(resultsSchema, body, 'DELETE actions/watch');
      return channelIds.map((channelId) => {
        const mine = watch.filter((r) => String(r.details?.channel_id ?? '') === channelId);
        if (mine.some((r) => r.code === 'SUCCESS')) return { channelId, ok: true };
        const refused = mine[0];
        return {
          channelId,
          ok: false,
          error: refused ? `${refused.code}: ${refused.message ?? ''}`.trim() : 'Zoho did not mention the channel',
        };
      });
    },
  };
}

export type ZohoWatchApi = ReturnType<typeof createZohoWatchApi>;

/** Thrown by bin/zoho and the renewal when Zoho refused a channel. */
export class ZohoChannelError extends PermanentError {
  constructor(message: string) {
    super('zoho.channel_refused', message);
    this.name = 'ZohoChannelError';
  }
}
