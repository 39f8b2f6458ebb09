import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import type { SecretBox } from '../../crypto/secretBox.ts';
import { lockZohoTokenRefresh, readZohoToken, saveZohoToken } from '../../db/queries/zohoTokens.ts';
import { RetryableError, SyncError } from '../../domain/errors.ts';
import type { Metrics, ZohoTokenRefreshOutcome } from '../../metrics/createMetrics.ts';
import { ZohoConfigurationError } from './zohoErrors.ts';

export interface ZohoCredentials {
  /** Accounts server of the org's data centre, e.g. https://accounts.zoho.eu */
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface AccessToken {
  accessToken: string;
  apiDomain: string;
  expiresAt: Date;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  api_domain: z.string().url(),
  expires_in: z.coerce.number().int().positive(),
});

const REFRESH_OUTCOMES: Record<string, ZohoTokenRefreshOutcome> = {
  'zoho.invalid_credentials': 'invalid_credentials',
  'zoho.token_throttled': 'throttled',
};

/**
 * The Zoho access token, shared by every process through `zoho_tokens` (encrypted):
 * Zoho allows about ten token requests per ten minutes. A token is refreshed shortly
 * before it expires, or when a call was refused with it (`staleToken`); concurrent
 * callers, in this process or in others (advisory lock), cause exactly one refresh.
 */
export function createZohoTokenProvider(deps: {
  db: DatabasePool;
  credentials: ZohoCredentials;
  secretBox: SecretBox;
  log: Logger;
  timeoutMs?: number;
  /** Refresh this long before expiry (default 5 minutes). */
  marginMs?: number;
  now?: () => number;
  metrics?: Pick<Metrics, 'zohoTokenRefresh'>;
}) {
  const { db, credentials, secretBox, log } = deps;
  const connection = credentials.clientId;
  const marginMs = deps.marginMs ?? 5 * 60_000;
  const now = deps.now ?? Date.now;
  let memo: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;

  const usable = (token: AccessToken | undefined, stale?: string): token is AccessToken =>
    token !== undefined && token.expiresAt.getTime() - marginMs > now() && token.accessToken !== stale;

  async function readShared(queries: Parameters<typeof readZohoToken>[0]): Promise<AccessToken | undefined> {
    const stored = await readZohoToken(queries, connection);
    if (!stored) return undefined;
    try {
      return {
        accessToken: secretBox.open(stored.sealed, connection),
        apiDomain: stored.apiDomain,
        expiresAt: stored.expiresAt,
      };
    } catch {
      // A changed ENCRYPTION_KEY: the stored token is useless, not fatal. Refresh.
      log.warn('the stored Zoho token cannot be decrypted with ENCRYPTION_KEY; refreshing it');
      return undefined;
    }
  }

  async function refreshUnderLock(stale: string | undefined): Promise<AccessToken> {
    return db.transaction(async (tx) => {
      await lockZohoTokenRefresh(tx, connection);
      // Another process may have refreshed while we waited for the lock.
      const shared = await readShared(tx);
      if (usable(shared, stale)) return shared;
      const fresh = await requestMeasured();
      await saveZohoToken(tx, connection, {
        sealed: secretBox.seal(fresh.accessToken, connection),
        apiDomain: fresh.apiDomain,
        expiresAt: fresh.expiresAt,
      });
      log.info({ expiresAt: fresh.expiresAt }, 'Zoho access token refreshed');
      return fresh;
    });
  }

  async function requestMeasured(): Promise<AccessToken> {
    try {
      const fresh = await requestToken();
      deps.metrics?.zohoTokenRefresh('ok');
      return fresh;
    } catch (error) {
      deps.metrics?.zohoTokenRefresh(REFRESH_OUTCOMES[error instanceof SyncError ? error.code : ''] ?? 'unavailable');
      throw error;
    }
  }

  async function requestToken(): Promise<AccessToken> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: credentials.refreshToken,
    });
    let response: Response;
    let answer: unknown;
    try {
      response = await fetch(new URL('/oauth/v2/token', credentials.accountsUrl), {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000),
      });
      answer = await response.json().catch(() => undefined);
    } catch (cause) {
      throw new RetryableError('zoho.token_unavailable', `Zoho token request failed: ${(cause as Error).message}`);
    }
    const error = (answer as { error?: unknown } | undefined)?.error;
    // Zoho answers a bad refresh token with HTTP 200 and {"error":"invalid_code"}.
    if (error === 'invalid_code' || error === 'invalid_client' || error === 'unauthorized_client') {
      throw new ZohoConfigurationError(
        'zoho.invalid_credentials',
        `Zoho refused the OAuth credentials (${String(error)}): check ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN and ZOHO_ACCOUNTS_URL (data centre)`,
      );
    }
    if (error !== undefined || response.status === 429 || response.status >= 500) {
      throw new RetryableError(
        'zoho.token_throttled',
        `Zoho did not issue a token (HTTP ${response.status}${error ? `, ${String(error)}` : ''}): too many token requests, retry later`,
      );
    }
    const parsed = tokenResponseSchema.safeParse(answer);
    if (!parsed.success)
      throw new RetryableError(
        'zoho.token_unavailable',
        `Zoho's token answer is not as documented (HTTP ${response.status})`,
      );
    return {
      accessToken: parsed.data.access_token,
      apiDomain: parsed.data.api_domain,
      expiresAt: new Date(now() + parsed.data.expires_in * 1000),
    };
  }

  return {
    /**
     * A usable access token. Pass the token a call was refused with (INVALID_TOKEN) as
     * `staleToken` to get a different one.
     * @throws ZohoConfigurationError (bad credentials) | RetryableError
     */
    async getAccessToken(staleToken?: string): Promise<AccessToken> {
      if (usable(memo, staleToken)) return memo;
      const shared = await readShared(db);
      if (usable(shared, staleToken)) return (memo = shared);
      inFlight ??= refreshUnderLock(staleToken).finally(() => {
        inFlight = undefined;
      });
      memo = await inFlight;
      return memo;
    },
  };
}

export type ZohoTokenProvider = ReturnType<typeof createZohoTokenProvider>;
