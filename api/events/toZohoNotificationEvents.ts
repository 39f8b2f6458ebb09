import type { NewEvent } from '../../shared/db/queries/integrationEventsLog.ts';
import { recordKey } from '../../shared/domain/recordKey.ts';
import { taskIdentifierFor, ZOHO_MODULES } from '../../shared/domain/events.ts';
import {
  affectedFieldsOf,
  EVENT_TYPE_OF_OPERATION,
  notificationEventId,
  type NotificationPayload,
  type ZohoNotification,
} from '../../shared/domain/zoho/zohoNotifications.ts';
import type { ZohoEntity } from '../../shared/domain/events.ts';

/**
 * One event per record id of a verified callback, queued like a workflow webhook without
 * content: the worker fetches the record, and the record's job key coalesces a burst of
 * changes into one run. A redelivery (same channel, record, operation and `server_time`) has the
 * same event id, so it is stored once.
 */
export function toZohoNotificationEvents(notification: ZohoNotification, entity: ZohoEntity): NewEvent[] {
  const module = ZOHO_MODULES[entity];
  return [...new Set(notification.ids)].map((recordId) => {
    const payload: NotificationPayload = {
      via: 'zoho_notification',
      channel_id: notification.channel_id,
      operation: notification.operation,
      server_time: notification.server_time,
      affected_fields: affectedFieldsOf(notification, recordId),
    };
    return {
      source: 'zoho',
      eventId: notificationEventId(notification, recordId),
      eventType: EVENT_TYPE_OF_OPERATION[notification.operation],
      entity,
      module,
      recordId,
      dedupe: 'coalesce',
      taskIdentifier: taskIdentifierFor(`zoho.${entity}`),
      payload: payload as unknown as Record<string, unknown>,
      jobKey: recordKey('zoho', module, recordId),
    };
  });
}
