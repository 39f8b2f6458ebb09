import type { MoodleClient } from '../../../shared/clients/moodle/createMoodleClient.ts';
import type { ZohoClient } from '../../../shared/clients/zoho/createZohoClient.ts';
import type { EventRow } from '../../../shared/db/queries/integrationEventsLog.ts';
import type { SyncSettings } from '../../../shared/db/queries/appSettings.ts';
import type { LinkEntity } from '../../../shared/db/queries/syncLinks.ts';
import type { HandlerContext } from '../syncHandler.ts';

/** Everything one Zoho → Moodle sync needs, built once per event. */
export interface ZohoSyncRun {
  ctx: HandlerContext;
  event: EventRow;
  settings: SyncSettings;
  /** `system.dry_run` applies: read and plan, write nothing (not to Moodle, Zoho or the links). */
  dryRun: boolean;
  zoho: ZohoClient;
  moodle: MoodleClient;
}

/** `deleted`: a dashboard row removed from the Moodle plugin after its Zoho record was deleted. */
export type EntityAction = 'created' | 'updated' | 'unchanged' | 'suspended' | 'deleted' | 'skipped';

/** What a sync did (or, in a dry run, would do) to one record; stored in the event's result. */
export interface EntityResult {
  entity: LinkEntity;
  zohoId: string;
  action: EntityAction;
  /** The Moodle object (user, category, course; the plugin's row for dashboard data); null when none exists (yet). */
  moodleId: number | null;
  /** Fields written (or that would be). */
  changes?: string[];
  /** How an existing Moodle object was found when it was not linked yet. */
  linkedBy?: 'idnumber' | 'zoho_moodle_id' | 'email' | 'username';
  reason?: string;
  /** The Zoho field the Moodle id was written back to. */
  writeBack?: string;
  warnings?: string[];
  /** Records synced first because this one needs them. */
  dependencies?: EntityResult[];
  /** Extra ids (course of an enrolment, teacher of a class…). */
  details?: Record<string, unknown>;
}
