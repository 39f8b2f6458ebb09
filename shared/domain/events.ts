import { z } from 'zod';

/**
 * What the service receives: the two sources, their entities, and the envelope each
 * sends (docs/design.md "Webhook contract"). Pure data and zod schemas, no I/O.
 */

export const SOURCES = ['zoho', 'moodle'] as const;
export type Source = (typeof SOURCES)[number];

/**
 * The one list of Zoho entities: entity (URL segment) → default Zoho module API name
 * (docs/design.md "Zoho CRM"), in dependency order: the records others depend on first
 * (programs before the classes that belong to them, people and classes before enrolments,
 * then the dashboard data). A bulk load queues them in this order.
 */
export const ZOHO_MODULES = {
  program: 'Products',
  teacher: 'BTEC_Teachers',
  student: 'BTEC_Students',
  class: 'BTEC_Classes',
  enrollment: 'BTEC_Enrollments',
  unit: 'BTEC',
  registration: 'BTEC_Registrations',
  payment: 'BTEC_Payments',
  grade: 'BTEC_Grades',
} as const;
export type ZohoEntity = keyof typeof ZOHO_MODULES;
export const ZOHO_ENTITIES = Object.keys(ZOHO_MODULES) as ZohoEntity[];

/**
 * What a sync_links row links: the Moodle object (or plugin dashboard row) of each Zoho entity,
 * plus `finance`, a student's finance summary on the dashboard (sql/6_dashboard_links.sql).
 */
export type LinkEntity = ZohoEntity | 'finance';
export const LINK_ENTITIES: [LinkEntity, ...LinkEntity[]] = ['finance', ...ZOHO_ENTITIES];

export const MOODLE_ENTITIES = ['user', 'enrollment', 'grade', 'course'] as const;
export type MoodleEntity = (typeof MOODLE_ENTITIES)[number];

export const ZOHO_EVENT_TYPES = ['created', 'updated', 'deleted'] as const;

/** `zoho.student`, `moodle.grade`, …: what a flow is registered for (worker/flows/index.ts). */
export type EventKind = `zoho.${ZohoEntity}` | `moodle.${MoodleEntity}`;

export const EVENT_KINDS: EventKind[] = [
  ...ZOHO_ENTITIES.map((e) => `zoho.${e}` as const),
  ...MOODLE_ENTITIES.map((e) => `moodle.${e}` as const),
];

/** graphile-worker task identifier for an event kind (`zoho.student` → `zoho_student`). */
export function taskIdentifierFor(kind: EventKind): string {
  return kind.replace('.', '_');
}

export function isZohoEntity(value: string): value is ZohoEntity {
  return Object.hasOwn(ZOHO_MODULES, value);
}

export function isMoodleEntity(value: string): value is MoodleEntity {
  return (MOODLE_ENTITIES as readonly string[]).includes(value);
}

/** Zoho record ids are long integers sent as strings. */
const zohoRecordId = z.string().regex(/^\d{1,30}$/, 'must be a Zoho record id (digits)');
/** An idempotency key as senders make them: printable, no spaces, bounded. */
const eventId = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 printable characters without spaces');
const timestamp = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);

/** The envelope a Deluge function (or any signing sender) posts for a Zoho change. */
export const zohoEventEnvelopeSchema = z.object({
  event_id: eventId.optional(),
  event_type: z.enum(ZOHO_EVENT_TYPES),
  module: z.string().min(1).max(100),
  record_id: zohoRecordId,
  changed_fields: z.array(z.string().max(200)).max(500).optional(),
  timestamp: timestamp.optional(),
});
export type ZohoEventEnvelope = z.infer<typeof zohoEventEnvelopeSchema>;

/**
 * What a plain Zoho workflow webhook sends (the predecessor's rules): the record id and
 * module, the operation in the URL's `?event=`. `Modified_Time` when an admin adds it.
 */
export const zohoPlainWebhookSchema = z.object({
  zoho_id: zohoRecordId,
  module: z.string().min(1).max(100),
  Modified_Time: z.string().min(1).max(64).optional(),
});
export type ZohoPlainWebhook = z.infer<typeof zohoPlainWebhookSchema>;

/** The envelope the Moodle plugin posts (moodle-plugin/README.md). */
export const moodleEventEnvelopeSchema = z.object({
  event_id: eventId,
  event_type: z.string().min(1).max(200),
  entity_type: z.string().min(1).max(100),
  entity_id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]),
  user_id: z.number().int().nonnegative().nullable().optional(),
  course_id: z.number().int().nonnegative().nullable().optional(),
  timestamp,
  data: z.record(z.string(), z.unknown()),
});
export type MoodleEventEnvelope = z.infer<typeof moodleEventEnvelopeSchema>;
