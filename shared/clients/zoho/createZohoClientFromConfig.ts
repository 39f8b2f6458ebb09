import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { WorkerConfig } from '../../config/env.ts';
import { createSecretBox } from '../../crypto/secretBox.ts';
import { createZohoClient, type ZohoClient } from './createZohoClient.ts';
import { createZohoTokenProvider } from './createZohoTokenProvider.ts';
import { saveOwnWrites } from '../../db/queries/zohoOwnWrites.ts';
import { withFieldOverrides, ZOHO_FIELD_MAPPINGS } from '../../domain/zoho/fieldMappings.ts';
import type { Metrics } from '../../metrics/createMetrics.ts';

/** The Zoho client of a process, or undefined when Zoho is not configured. */
export function createZohoClientFromConfig(
  config: WorkerConfig,
  db: DatabasePool,
  log: Logger,
  metrics?: Metrics,
): ZohoClient | undefined {
  const { ZOHO_ACCOUNTS_URL, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ENCRYPTION_KEY } = config;
  if (!ZOHO_ACCOUNTS_URL || !ZOHO_CLIENT_ID || !ZOHO_CLIENT_SECRET || !ZOHO_REFRESH_TOKEN || !ENCRYPTION_KEY)
    return undefined;
  const tokens = createZohoTokenProvider({
    db,
    credentials: {
      accountsUrl: ZOHO_ACCOUNTS_URL,
      clientId: ZOHO_CLIENT_ID,
      clientSecret: ZOHO_CLIENT_SECRET,
      refreshToken: ZOHO_REFRESH_TOKEN,
    },
    secretBox: createSecretBox(ENCRYPTION_KEY),
    log,
    timeoutMs: config.ZOHO_TIMEOUT_MS,
    metrics,
  });
  // A wrong override (unknown module or property) throws here, at start, naming it.
  const fieldMappings = config.ZOHO_FIELD_OVERRIDES
    ? withFieldOverrides(ZOHO_FIELD_MAPPINGS, config.ZOHO_FIELD_OVERRIDES)
    : ZOHO_FIELD_MAPPINGS;
  return createZohoClient({
    tokens,
    log,
    apiUrl: config.ZOHO_API_URL,
    timeoutMs: config.ZOHO_TIMEOUT_MS,
    maxConcurrency: config.ZOHO_MAX_CONCURRENCY,
    fieldMappings,
    metrics,
    onOwnWrites: (module, writes) => saveOwnWrites(db, module, writes),
  });
}
