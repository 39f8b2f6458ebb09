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

/** Zoho Accounts' throttle answer (https://zoho.com/accounts/protocol/oauth/token-limits.html; docs/api-facts.md §1a). */
export const TOKEN_THROTTLED_BODY = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

/**
 * Zoho Accounts' refresh grant (`POST /oauth/v2/token`), per docs/api-facts.md §1a:
 * - success `{access_token, scope, api_domain, token_type:"Bearer", expires_in:3600}`
 *   (https://www.zoho.com/fsm/developer/help/api/refresh-token.html);
 * - bad refresh token → HTTP 200 `{"error":"invalid_code"}` (observed: github.com/zoho/zcrm-csharp-sdk/issues/7);
 * - wrong client id/secret → HTTP 200 `{"error":"invalid_client"}` (assumed, same style);
 * - more than 10 tokens in 10 minutes → TOKEN_THROTTLED_BODY with HTTP **200** (Zoho CRM's own pages:
 *   "The status code for the requests that are made after exceeding the allowed limit remains 200.
 *   However, the message for such requests says 'Access Denied'" — Kaizen #43 "Tokens and
 *   Limitations"; v8 token-validity.html), blocked for the rest of the window;
 * - at most **15** live access tokens per refresh token: the 16th invalidates the oldest, which CRM then
 *   refuses as an invalid token (https://www.zoho.com/crm/developer/docs/api/v8/token-validity.html;
 *   Zoho Accounts' generic token-limits page says 10, CRM's own says 15).
 */
const MAX_LIVE_TOKENS = 15;

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
      return (
        entry !== undefined &&
        index >= expiredBefore &&
        index >= issued.length - MAX_LIVE_TOKENS &&
        entry.expiresAt > options.now()
      );
    },
    refresh(params: Record<string, string>): { status: number; body: unknown } {
      if (params.grant_type !== 'refresh_token') return { status: 200, body: { error: 'unsupported_grant_type' } };
      if (params.client_id !== options.clientId || params.client_secret !== options.clientSecret)
        return { status: 200, body: { error: 'invalid_client' } };
      if (!refreshValid || params.refresh_token !== options.refreshToken)
        return { status: 200, body: { error: 'invalid_code' } };
      const now = options.now();
      if (issued.filter((t) => t.at > now - TEN_MINUTES).length >= 10)
        return { status: 200, body: TOKEN_THROTTLED_BODY };
      const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
      issued.push({ token, at: now, expiresAt: now + 3600 * 1000 });
      return {
        status: 200,
        body: {
          access_token: token,
          scope: options.scope,
          api_domain: options.apiUrl(),
          token_type: 'Bearer',
          expires_in: 3600,
        },
      };
    },
  };
}
