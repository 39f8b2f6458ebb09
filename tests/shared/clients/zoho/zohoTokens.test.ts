import { Writable } from 'node:stream';
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createZohoClient } from '../../../../shared/clients/zoho/createZohoClient.ts';
import { createZohoTokenProvider } from '../../../../shared/clients/zoho/createZohoTokenProvider.ts';
import { ZohoConfigurationError } from '../../../../shared/clients/zoho/zohoErrors.ts';
import { createSecretBox } from '../../../../shared/crypto/secretBox.ts';
import { createDbPool } from '../../../../shared/db/createDbPool.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';
import { createZohoSimulator } from '../../../../sandbox/zohoSimulator.ts';
import { createTestDatabase } from '../../../helpers/testDatabase.ts';

const KEY = Buffer.alloc(32, 9).toString('base64');
const zoho = await createZohoSimulator();
t.teardown(() => zoho.close());
const databaseUrl = await createTestDatabase(t);
const logLines: string[] = [];
const log = createLogger({
  service: 'test',
  level: 'debug',
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString());
      callback();
    },
  }),
});

/** A "process": its own pool and provider, sharing the database with the others. */
async function processTokens(options: { refreshToken?: string; key?: string } = {}) {
  const db = await createDbPool(databaseUrl, { maximumPoolSize: 4 });
  t.teardown(() => db.end());
  const tokens = createZohoTokenProvider({
    db,
    credentials: {
      accountsUrl: zoho.accountsUrl,
      clientId: zoho.clientId,
      clientSecret: zoho.clientSecret,
      refreshToken: options.refreshToken ?? zoho.refreshToken,
    },
    secretBox: createSecretBox(options.key ?? KEY),
    log,
  });
  return { db, tokens };
}

t.test('20 concurrent callers in two processes with no token cause exactly one refresh', async (t) => {
  const a = await processTokens();
  const b = await processTokens();
  const before = zoho.tokenRequests;
  const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).tokens.getAccessToken()));
  t.equal(zoho.tokenRequests - before, 1, 'one token request');
  t.equal(new Set(tokens.map((x) => x.accessToken)).size, 1, 'everyone got the same token');
  t.equal(tokens[0]!.apiDomain, zoho.apiUrl, 'api_domain from the token answer');
});

t.test('the stored token is not readable without ENCRYPTION_KEY', async (t) => {
  const { db, tokens } = await processTokens();
  const { accessToken } = await tokens.getAccessToken();
  const row = await db.one(sql.type(
    z.object({ ciphertext: z.instanceof(Buffer), iv: z.instanceof(Buffer), auth_tag: z.instanceof(Buffer) }),
  )`
    select ciphertext, iv, auth_tag from zoho_tokens where connection = ${zoho.clientId}`);
  const everything = await db.oneFirst(
    sql.type(z.object({ text: z.string() }))`select row_to_json(z)::text as text from zoho_tokens z`,
  );
  t.notMatch(everything, accessToken, 'the token appears nowhere in the row');
  t.notOk(row.ciphertext.includes(Buffer.from(accessToken)));
  t.throws(
    () =>
      createSecretBox(Buffer.alloc(32, 1).toString('base64')).open(
        { iv: row.iv, ciphertext: row.ciphertext, authTag: row.auth_tag },
        zoho.clientId,
      ),
    'another key cannot open it',
  );
  // A process with another key refreshes instead of failing.
  const other = await processTokens({ key: Buffer.alloc(32, 3).toString('base64') });
  t.ok((await other.tokens.getAccessToken()).accessToken);
});

t.test('an expired token is refreshed once and the call succeeds', async (t) => {
  const { tokens } = await processTokens();
  const client = createZohoClient({ tokens, log });
  const [id] = zoho.seed('BTEC_Students', [{ Name: 'Test Student' }]);
  await client.getRecord('BTEC_Students', id!);
  const before = zoho.tokenRequests;
  zoho.expireTokens();
  const results = await Promise.all(Array.from({ length: 20 }, () => client.getRecord('BTEC_Students', id!)));
  t.ok(
    results.every((r) => r?.id === id),
    'every call succeeded',
  );
  t.equal(zoho.tokenRequests - before, 1, 'one refresh for 20 callers');
});

t.test('a bad refresh token (HTTP 200 {"error":"invalid_code"}) is a loud configuration error', async (t) => {
  zoho.setRefreshTokenValid(false);
  t.teardown(() => zoho.setRefreshTokenValid(true));
  const current = (await (await processTokens()).tokens.getAccessToken()).accessToken;
  const { tokens } = await processTokens({ refreshToken: '1000.not-the-right-one' });
  // Passing the current token as refused forces a refresh.
  await t.rejects(tokens.getAccessToken(current), ZohoConfigurationError);
  await tokens.getAccessToken(current).catch((error: ZohoConfigurationError) => {
    t.equal(error.code, 'zoho.invalid_credentials');
    t.match(error.message, /ZOHO_REFRESH_TOKEN/);
    t.notMatch(error.message, /not-the-right-one/, 'never echoes the token');
  });
});

t.test('tokens and secrets never reach the logs', async (t) => {
  const { tokens } = await processTokens();
  const { accessToken } = await tokens.getAccessToken();
  const all = logLines.join('');
  t.ok(all.includes('Zoho access token refreshed'), 'refreshes are logged');
  for (const secret of [accessToken, zoho.refreshToken, zoho.clientSecret]) t.notMatch(all, secret);
});
