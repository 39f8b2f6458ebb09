import t from 'tap';
import { checkZohoChannels } from '../../bin/lib/checkZohoChannels.ts';
import type { ZohoChannelRow } from '../../shared/db/queries/zohoChannels.ts';

const now = new Date('2026-12-04T12:00:00Z');
const hour = 3_600_000;
const row = (overrides: Partial<ZohoChannelRow>): ZohoChannelRow => ({
  channel_id: '1',
  module: 'BTEC_Students',
  events: [],
  notify_url: 'https://sync.example/v1/notifications/zoho',
  expires_at: new Date(now.getTime() + 100 * hour),
  created_at: now,
  renewed_at: null,
  last_delivery_at: null,
  deliveries: 0,
  renewal_failed_at: null,
  renewal_error: null,
  ...overrides,
});

t.test('no channels is not a problem: the org may use workflow rules', async (t) => {
  t.match(checkZohoChannels([], now), [{ status: 'skipped', fix: /bin\/zoho connect/ }]);
});

t.test('live, expiring unrenewed, failing and expired channels', async (t) => {
  const checks = checkZohoChannels(
    [
      row({ module: 'BTEC_Students', last_delivery_at: now, deliveries: 3 }),
      row({ module: 'BTEC_Classes', expires_at: new Date(now.getTime() + 5 * hour) }),
      row({ module: 'BTEC_Enrollments', renewal_error: 'OAUTH_SCOPE_MISMATCH', renewal_failed_at: now }),
      row({ module: 'BTEC_Grades', expires_at: new Date(now.getTime() - hour), renewal_error: 'zoho.unavailable' }),
    ],
    now,
  );
  t.match(checks, [
    { name: 'notification channel BTEC_Students', status: 'ok', detail: /live until .*last delivery .*\(3 in all\)/ },
    {
      name: 'notification channel BTEC_Classes',
      status: 'problem',
      detail: /expires in 5 h .*not been renewed/,
      fix: /worker/,
    },
    {
      name: 'notification channel BTEC_Enrollments',
      status: 'problem',
      detail: /renewal failing since .*OAUTH_SCOPE_MISMATCH/,
    },
    {
      name: 'notification channel BTEC_Grades',
      status: 'problem',
      detail: /expired at .*Zoho no longer tells.*last renewal: zoho\.unavailable/,
      fix: /bin\/zoho connect/,
    },
  ]);
});
