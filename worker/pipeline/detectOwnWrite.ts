import type { CommonQueryMethods } from 'slonik';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import { findOwnWrite } from '../../shared/db/queries/zohoOwnWrites.ts';
import { isNotificationPayload } from '../../shared/domain/zoho/zohoNotifications.ts';

/** The fields only this service writes (the Moodle ids it writes back), as canonical properties. */
const SERVICE_OWNED = [
  ['BTEC_Students', 'moodleId'],
  ['BTEC_Teachers', 'moodleId'],
  ['BTEC_Classes', 'moodleClassId'],
] as const;

/** Fields Zoho itself changes on every write. */
const SYSTEM_FIELDS = new Set(['Modified_Time', 'Modified_By', 'Last_Activity_Time']);

/**
 * Whether a notification event is this service's own Zoho write coming back. Zoho's
 * notifications, unlike workflow rules, are not stopped by `"trigger": []`, so every write-back
 * (`Student_Moodle_ID`, `Moodle_Class_ID`), grade and enrolment the service writes comes back as
 * a callback. Two checks, cheapest first: the callback names only fields the service owns (no
 * call at all); or the record is still at the `Modified_Time` Zoho answered our write with (one
 * GET), and the fields it names (if any) are ones we wrote. A person's change after our write
 * moves Modified_Time on, or names another field, so it is not mistaken for ours.
 * @returns the reason to skip, or null when the event is to run.
 */
export async function detectOwnWrite(
  db: CommonQueryMethods,
  zoho: ZohoClient,
  event: EventRow,
): Promise<string | null> {
  if (!isNotificationPayload(event.payload) || event.event_type === 'deleted' || !event.record_id) return null;
  const changed = event.payload.affected_fields?.filter((field) => !SYSTEM_FIELDS.has(field)) ?? [];
  if (changed.length > 0) {
    const owned = new Set(
      SERVICE_OWNED.filter(([module]) => module === event.module).map(([module, property]) =>
        zoho.fields.name(module, property as never),
      ),
    );
    if (changed.every((field) => owned.has(field)))
      return `own write: only ${changed.join(', ')} changed, which this service writes`;
  }
  const own = await findOwnWrite(db, event.module, event.record_id);
  if (!own) return null;
  // Zoho's Modified_Time has whole seconds: a person's edit in the same second as our write
  // would look like ours, unless the callback names a field we did not write.
  if (changed.length > 0 && !changed.every((field) => own.fields.includes(field))) return null;
  const record = await zoho.getRecord(event.module, event.record_id);
  if (record && record.Modified_Time === own.modified_time) {
    return `own write: ${event.module} ${event.record_id} is as this service wrote it (Modified_Time ${own.modified_time})`;
  }
  return null;
}
