import type { ZohoChannelRow } from '../../shared/db/queries/zohoChannels.ts';
import type { Check } from './checkSetup.ts';

const DAY = 24 * 3_600_000;

/**
 * The Zoho notification channels (bin/zoho connect) as the database knows them: each live,
 * renewed in time, delivering. None at all is fine (the org uses workflow-rule webhooks).
 */
export function checkZohoChannels(rows: readonly ZohoChannelRow[], now: Date = new Date()): Check[] {
  if (rows.length === 0) {
    return [
      {
        area: 'zoho',
        name: 'notification channels',
        status: 'skipped',
        detail: 'none: Zoho feeds the service through workflow-rule webhooks, if any',
        fix: 'bin/zoho connect subscribes every module with no workflow rule (README "Pointing Zoho at it")',
      },
    ];
  }
  return rows.map((row): Check => {
    const name = `notification channel ${row.module}`;
    const left = row.expires_at.getTime() - now.getTime();
    const delivered = row.last_delivery_at
      ? `last delivery ${row.last_delivery_at.toISOString()} (${row.deliveries} in all)`
      : 'no delivery yet';
    if (left <= 0) {
      return {
        area: 'zoho',
        name,
        status: 'problem',
        detail: `channel ${row.channel_id} expired at ${row.expires_at.toISOString()}: Zoho no longer tells the service of ${row.module} changes${row.renewal_error ? ` (last renewal: ${row.renewal_error})` : ''}`,
        fix: 'run bin/zoho connect, and check that the worker runs (it renews channels hourly)',
      };
    }
    if (row.renewal_error) {
      return {
        area: 'zoho',
        name,
        status: 'problem',
        detail: `renewal failing since ${row.renewal_failed_at?.toISOString() ?? '?'}: ${row.renewal_error}; the channel expires ${row.expires_at.toISOString()}`,
        fix: 'fix what the error names (bin/zoho status shows it too); the worker tries again every hour, or run bin/zoho connect',
      };
    }
    if (left < DAY) {
      return {
        area: 'zoho',
        name,
        status: 'problem',
        detail: `expires in ${Math.round(left / 3_600_000)} h (${row.expires_at.toISOString()}) and has not been renewed`,
        fix: 'check that the worker runs (its hourly zoho_channels_renew renews two days ahead), or run bin/zoho connect',
      };
    }
    return { area: 'zoho', name, status: 'ok', detail: `live until ${row.expires_at.toISOString()}; ${delivered}` };
  });
}
