import { randomBytes } from 'node:crypto';

export interface TokenIssuerOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  apiUrl: () => string;
  now: () => number;
  scope: string;
}

const TEN_MINUTES = 10 * 60 * 1000;

/** Zoho Accounts' throttle answer (https://zoho.com/accounts/protocol/oauth/token-limits.html; api-facts.md §1a). */
export const TOKEN_THROTTLED_BODY = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

/**
 * Zoho Accounts' refresh grant (`POST /oauth/v2/token`), per api-facts.md §1a:
 * - success `{access_token, scope, api_domain, token_type:"Bearer", expires_in:3600}`
 *   (https://www.zoho.com/fsm/developer/help/api/refresh-token.html);
 * - bad refresh token → HTTP 200 `{"error":"invalid_code"}` (observed: github.com/zoho/zcrm-csharp-sdk/issues/7);
 * - wrong client id/secret → HTTP 200 `{"error":"invalid_client"}` (assumed, same style);
 * - more than 10 tokens in 10 minutes → HTTP 400 TOKEN_THROTTLED_BODY, blocked for the rest of the window
 *   (https://zoho.com/accounts/protocol/oauth/access-token-expiry.html);
 * - at most 10 live access tokens per refresh token: the oldest is invalidated (token-limits.html).
 */
export function createTokenIssuer(options: TokenIssuerOptions) {
  const issued: { token: string; at: number; expiresAt: number }[] = [];
  let refreshValid = true;
  let expiredBefore = 0;

  return {
    setRefreshTokenValid(valid: boolean): void {
      refreshValid = valid;
    },
    expireAll(): void {
      expiredBefore = issued.length;
    },
    isValid(token: string): boolean {
      const index = issued.findIndex((t) => t.token === token);
      const entry = issued[index];
      return entry !== undefined && index >= expiredBefore && index >= issued.length - 10 && entry.expiresAt > options.now();
    },
    refresh(params: Record<string, string>): { status: number; body: unknown } {
      if (params.grant_type !== 'refresh_token') return { status: 200, body: { error: 'unsupported_grant_type' } };
      if (params.client_id !== options.clientId || params.client_secret !== options.clientSecret) return { status: 200, body: { error: 'invalid_client' } };
      if (!refreshValid || params.refresh_token !== options.refreshToken) return { status: 200, body: { error: 'invalid_code' } };
      const now = options.now();
      if (issued.filter((t) => t.at > now - TEN_MINUTES).length >= 10) return { status: 400, body: TOKEN_THROTTLED_BODY };
      const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
      issued.push({ token, at: now, expiresAt: now + 3600 * 1000 });
      return { status: 200, body: { access_token: token, scope: options.scope, api_domain: options.apiUrl(), token_type: 'Bearer', expires_in: 3600 } };
    },
  };
}
