import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { SealedSecret } from '../../crypto/secretBox.ts';

const tokenRowSchema = z.object({
  iv: z.instanceof(Buffer),
  ciphertext: z.instanceof(Buffer),
  auth_tag: z.instanceof(Buffer),
  api_domain: z.string(),
  expires_at: z.coerce.date(),
});

export interface StoredZohoToken {
  sealed: SealedSecret;
  apiDomain: string;
  expiresAt: Date;
}

export async function readZohoToken(db: CommonQueryMethods, connection: string): Promise<StoredZohoToken | null> {
  const row = await db.maybeOne(sql.type(tokenRowSchema)`
    select iv, ciphertext, auth_tag, api_domain, expires_at from zoho_tokens where connection = ${connection}`);
  return row
    ? {
        sealed: { iv: row.iv, ciphertext: row.ciphertext, authTag: row.auth_tag },
        apiDomain: row.api_domain,
        expiresAt: row.expires_at,
      }
    : null;
}

export async function saveZohoToken(db: CommonQueryMethods, connection: string, token: StoredZohoToken): Promise<void> {
  await db.query(sql.unsafe`
    insert into zoho_tokens (connection, iv, ciphertext, auth_tag, api_domain, expires_at, refreshed_at)
    values (${connection}, ${sql.binary(token.sealed.iv)}, ${sql.binary(token.sealed.ciphertext)}, ${sql.binary(token.sealed.authTag)},
            ${token.apiDomain}, ${sql.timestamp(token.expiresAt)}, now())
    on conflict (connection) do update set iv = excluded.iv, ciphertext = excluded.ciphertext, auth_tag = excluded.auth_tag,
      api_domain = excluded.api_domain, expires_at = excluded.expires_at, refreshed_at = now()
  `);
}

/** Serialises refreshes of one connection across every process (transaction-scoped). */
export async function lockZohoTokenRefresh(tx: CommonQueryMethods, connection: string): Promise<void> {
  await tx.query(sql.unsafe`select pg_advisory_xact_lock(7302, hashtext(${connection}))`);
}
