import t from 'tap';
import {
  affectedFieldsOf,
  channelEvents,
  CHANNEL_LIFETIME_MS,
  entityOfModule,
  isNotificationPayload,
  notificationEventId,
  planConnect,
  planRenewals,
  RENEW_WITHIN_MS,
  zohoNotificationSchema,
} from '../../../../shared/domain/zoho/zohoNotifications.ts';

const now = new Date('2026-12-04T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const hour = 3_600_000;

t.test('a channel watches create, edit and delete of one module; callbacks map back to our entities', async (t) => {
  t.same(channelEvents('BTEC_Students'), ['BTEC_Students.create', 'BTEC_Students.edit', 'BTEC_Students.delete']);
  t.equal(entityOfModule('BTEC_Classes'), 'class');
  t.equal(entityOfModule('Products'), 'program');
  t.equal(entityOfModule('Leads'), undefined);
  t.ok(CHANNEL_LIFETIME_MS < 7 * 24 * hour, "the requested expiry stays inside Zoho's one-week limit");
});

t.test(
  'connect: new channels for enabled modules, renewals for live ones, again for expired ones, off for disabled ones',
  async (t) => {
    const steps = planConnect({
      enabledModules: ['BTEC_Students', 'BTEC_Classes', 'BTEC_Enrollments'],
      known: [
        {
          channelId: '1',
          module: 'BTEC_Classes',
          notifyUrl: 'https://x/v1/notifications/zoho',
          expiresAt: at(3 * 24 * hour),
        },
        {
          channelId: '2',
          module: 'BTEC_Enrollments',
          notifyUrl: 'https://x/v1/notifications/zoho',
          expiresAt: at(-hour),
        },
        { channelId: '3', module: 'BTEC_Payments', notifyUrl: 'https://x/v1/notifications/zoho', expiresAt: at(hour) },
      ],
      now,
    });
    t.match(steps, [
      { kind: 'create', module: 'BTEC_Students', reason: 'no channel yet' },
      { kind: 'renew', channelId: '1', module: 'BTEC_Classes' },
      { kind: 'create', module: 'BTEC_Enrollments', reason: /channel 2 expired/ },
      { kind: 'disable', channelId: '3', module: 'BTEC_Payments', reason: /modules\.enabled\.BTEC_Payments is false/ },
    ]);
    t.equal(steps.length, 4);
  },
);

t.test('renewal: within two days of expiry renewed, later ones kept, expired ones made again', async (t) => {
  const known = (channelId: string, expiresAt: Date) => ({
    channelId,
    module: `M${channelId}`,
    notifyUrl: 'u',
    expiresAt,
  });
  const steps = planRenewals(
    [known('1', at(RENEW_WITHIN_MS + hour)), known('2', at(24 * hour)), known('3', at(-1))],
    now,
  );
  t.same(
    steps.map((s) => s.kind),
    ['keep', 'renew', 'create'],
  );
});

t.test('affected fields: per record id, a plain list, or unknown', async (t) => {
  t.same(affectedFieldsOf({ affected_fields: [{ 1: ['A', 'B'] }, { 2: ['C'] }] }, '2'), ['C']);
  t.equal(affectedFieldsOf({ affected_fields: [{ 1: ['A'] }] }, '3'), null, 'not named for this record');
  t.same(affectedFieldsOf({ affected_fields: ['A', 'B'] }, '9'), ['A', 'B'], 'a plain list applies to every record');
  t.equal(affectedFieldsOf({ affected_fields: [] }, '1'), null);
  t.equal(affectedFieldsOf({}, '1'), null);
  t.equal(
    affectedFieldsOf({ affected_fields: [{ 1: [5] }] }, '1'),
    null,
    'a shape we do not know is unknown, not an error',
  );
});

t.test("the callback schema reads Zoho's body and a redelivery has the same event id", async (t) => {
  const parsed = zohoNotificationSchema.parse({
    server_time: 1764770000000,
    module: 'BTEC_Students',
    ids: ['1'],
    operation: 'update',
    channel_id: 1000000068001,
    token: 'x',
    affected_fields: null,
  });
  t.equal(parsed.channel_id, '1000000068001', 'a numeric channel id becomes a string');
  t.equal(parsed.server_time, '1764770000000');
  t.equal(notificationEventId(parsed, '1'), 'notify:1000000068001:1:update:1764770000000');
  t.notOk(zohoNotificationSchema.safeParse({ ...parsed, ids: ['1 or 1=1'] }).success, 'record ids are digits');
  t.ok(isNotificationPayload({ via: 'zoho_notification' }));
  t.notOk(isNotificationPayload({ event_id: 'x' }));
  t.notOk(isNotificationPayload(null));
});
