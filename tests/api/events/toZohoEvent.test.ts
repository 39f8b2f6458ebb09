import t from 'tap';
import { toZohoEvent } from '../../../api/events/toZohoEvent.ts';
import { HttpError } from '../../../api/httpError.ts';

const fixedId = () => '00000000-0000-4000-8000-000000000000';

t.test('picks the idempotency key by what the delivery carries', async (t) => {
  const cases = [
    {
      name: 'full envelope with event_id',
      body: { event_id: 'evt-1', event_type: 'created', module: 'BTEC_Students', record_id: '111' },
      webhookId: 'msg_x',
      expect: { eventId: 'evt-1', eventType: 'created', recordId: '111', dedupe: 'event_id', jobKey: null },
    },
    {
      name: 'full envelope without event_id, signed: the webhook-id',
      body: { event_type: 'deleted', module: 'BTEC_Students', record_id: '111' },
      webhookId: 'msg_abc',
      expect: { eventId: 'msg_abc', eventType: 'deleted', dedupe: 'event_id', jobKey: null },
    },
    {
      name: 'plain webhook with Modified_Time: module + record + operation + time',
      body: { zoho_id: '222', module: 'BTEC_Students', Modified_Time: '2026-11-20T10:00:00+00:00' },
      eventQuery: 'created',
      expect: {
        eventId: 'BTEC_Students:222:created:2026-11-20T10:00:00+00:00',
        eventType: 'created',
        dedupe: 'content',
        jobKey: null,
      },
    },
    {
      name: 'plain webhook with nothing but the id: generated id, coalesced per record',
      body: { zoho_id: '333', module: 'BTEC_Students' },
      expect: {
        eventId: 'gen:00000000-0000-4000-8000-000000000000',
        eventType: 'updated',
        dedupe: 'coalesce',
        jobKey: 'zoho:BTEC_Students:333',
      },
    },
  ];
  for (const c of cases) {
    const event = toZohoEvent(
      { entity: 'student', body: c.body, eventQuery: c.eventQuery, webhookId: c.webhookId },
      fixedId,
    );
    t.match(
      event,
      { source: 'zoho', entity: 'student', module: 'BTEC_Students', taskIdentifier: 'zoho_student', ...c.expect },
      c.name,
    );
    t.same(event.payload, c.body, `${c.name}: the body is kept as the payload`);
  }
});

t.test('rejects envelopes with a 400 naming the problem', async (t) => {
  const cases: {
    name: string;
    entity?: 'student' | 'class';
    body: Record<string, unknown>;
    eventQuery?: unknown;
    path: string;
  }[] = [
    { name: 'module of another entity', body: { zoho_id: '1', module: 'BTEC_Classes' }, path: 'module' },
    { name: 'record id not digits', body: { zoho_id: '12a', module: 'BTEC_Students' }, path: 'zoho_id' },
    {
      name: 'unknown event_type',
      body: { event_type: 'merged', module: 'BTEC_Students', record_id: '1' },
      path: 'event_type',
    },
    {
      name: 'record_id as a number',
      body: { event_type: 'created', module: 'BTEC_Students', record_id: 1 },
      path: 'record_id',
    },
    { name: 'neither shape', body: { hello: 'world' }, path: 'event_type' },
    {
      name: 'event id with spaces',
      body: { event_id: 'a b', event_type: 'created', module: 'BTEC_Students', record_id: '1' },
      path: 'event_id',
    },
  ];
  for (const c of cases) {
    const thrown = (() => {
      try {
        toZohoEvent({ entity: c.entity ?? 'student', body: c.body, eventQuery: c.eventQuery, webhookId: undefined });
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    t.ok(thrown instanceof HttpError && thrown.status === 400, `${c.name}: 400`);
    const issues = (thrown as HttpError).details as { path: string }[];
    t.ok(
      issues.some((i) => i.path === c.path),
      `${c.name}: names ${c.path}`,
    );
  }
  t.throws(
    () =>
      toZohoEvent({
        entity: 'student',
        body: { zoho_id: '1', module: 'BTEC_Students' },
        eventQuery: 'merged',
        webhookId: undefined,
      }),
    { status: 400, code: 'invalid_envelope' },
    'a bad ?event= is a 400',
  );
});
