import type { Test } from 'tap';
import { createZohoClient, type ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import { createZohoTokenProvider, type ZohoTokenProvider } from '../../shared/clients/zoho/createZohoTokenProvider.ts';
import { createSecretBox } from '../../shared/crypto/secretBox.ts';
import { createDbPool, type DatabasePool } from '../../shared/db/createDbPool.ts';
import { createLogger, type Logger } from '../../shared/logging/createLogger.ts';
import { createZohoSimulator, type ZohoSimulator } from '../../sandbox/zohoSimulator.ts';
import { createTestDatabase } from './testDatabase.ts';

/**
 * A Zoho simulator, a test database, a token provider against both and a Zoho client (`client`)
 * through it; closed in teardown.
 */
export async function startZohoTestSetup(
  t: Test,
  simulatorOptions: Parameters<typeof createZohoSimulator>[0] = {},
): Promise<{ zoho: ZohoSimulator; tokens: ZohoTokenProvider; log: Logger; db: DatabasePool; client: ZohoClient }> {
  const zoho = await createZohoSimulator(simulatorOptions);
  t.teardown(() => zoho.close());
  const db = await createDbPool(await createTestDatabase(t));
  t.teardown(() => db.end());
  const log = createLogger({ service: 'test', level: 'silent' });
  const tokens = createZohoTokenProvider({
    db,
    credentials: {
      accountsUrl: zoho.accountsUrl,
      clientId: zoho.clientId,
      clientSecret: zoho.clientSecret,
      refreshToken: zoho.refreshToken,
    },
    secretBox: createSecretBox(Buffer.alloc(32, 4).toString('base64')),
    log,
  });
  return { zoho, tokens, log, db, client: createZohoClient({ tokens, log, apiUrl: zoho.apiUrl }) };
}
