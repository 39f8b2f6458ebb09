import { loadSyncSettings, type SyncSettings } from '../../../shared/db/queries/appSettings.ts';
import { MoodleConfigurationError } from '../../../shared/clients/moodle/moodleErrors.ts';
import type { ZohoClient } from '../../../shared/clients/zoho/createZohoClient.ts';
import { ZohoConfigurationError } from '../../../shared/clients/zoho/zohoErrors.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { ZOHO_MODULES } from '../../../shared/domain/events.ts';
import { flowsToMoodle } from '../../../shared/domain/sync/syncDirections.ts';
import type { SyncHandler, SyncOutcome } from '../syncHandler.ts';
import { detectOwnWrite } from '../../pipeline/detectOwnWrite.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

export type ZohoToMoodleEntity =
  'student' | 'teacher' | 'program' | 'class' | 'enrollment' | 'registration' | 'payment' | 'grade' | 'unit';

/**
 * Which `sync.directions` key governs an entity. Programs, classes and units always flow
 * Zoho → Moodle. Registrations and payments are finance data (`finance`). Zoho grades go to
 * the dashboard always: `sync.directions.grades` says who owns grade *values* (Moodle by
 * default, written to Zoho), while the dashboard's copy only shows students what Zoho holds;
 * `modules.enabled.BTEC_Grades` switches that copy off.
 */
const DIRECTION_KEY: Partial<Record<ZohoToMoodleEntity, string>> = {
  student: 'student_profile',
  teacher: 'student_profile',
  enrollment: 'enrollments',
  registration: 'finance',
  payment: 'finance',
};

/** Why an event of `module` must not run under these settings, or null when it may. */
export function settingsVeto(settings: SyncSettings, entity: ZohoToMoodleEntity, eventType: string): string | null {
  const module = ZOHO_MODULES[entity];
  if (settings['modules.enabled'][module] === false) return `module disabled (modules.enabled.${module} is false)`;
  const workflow = `${module}.${eventType}`;
  if (settings['workflows.auto_enabled'][workflow] === false)
    return `workflow disabled (workflows.auto_enabled["${workflow}"] is false)`;
  const key = DIRECTION_KEY[entity];
  if (key && !flowsToMoodle(settings, key))
    return `direction ${settings['sync.directions'][key]} (sync.directions.${key}) does not sync Zoho → Moodle`;
  return null;
}

export function isDryRun(settings: SyncSettings, entity: ZohoToMoodleEntity): boolean {
  const dryRun = settings['system.dry_run'];
  return dryRun.enabled && (dryRun.modules.length === 0 || dryRun.modules.includes(ZOHO_MODULES[entity]));
}

/**
 * The worker handler of one Zoho entity: settings first (read per event, so a change
 * applies without a restart), then the entity's sync against the current Zoho record.
 * Disabled, filtered and dry-run events end `skipped` with the reason (a dry run also
 * records what it would have done).
 */
export function createZohoToMoodleHandler(
  entity: ZohoToMoodleEntity,
  sync: (run: ZohoSyncRun, zohoId: string) => Promise<EntityResult>,
): SyncHandler {
  return async (ctx, event) => {
    const settings = await loadSyncSettings(ctx.db);
    const veto = settingsVeto(settings, entity, event.event_type);
    if (veto) return { status: 'skipped', result: { reason: veto } };
    if (!event.record_id) throw new PermanentError('event.no_record', `${event.module} event without a record id`);
    const { zoho, moodle } = ctx.clients;
    if (!zoho)
      throw new ZohoConfigurationError(
        'zoho.not_configured',
        'Zoho is not configured (ZOHO_ACCOUNTS_URL, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ENCRYPTION_KEY)',
      );
    if (!moodle)
      throw new MoodleConfigurationError(
        'moodle.not_configured',
        'Moodle is not configured (MOODLE_URL, MOODLE_TOKEN)',
      );

    const ownWrite = await detectOwnWrite(ctx.db, zoho, event);
    if (ownWrite)
      return { status: 'skipped', result: { entity, zohoId: event.record_id, action: 'skipped', reason: ownWrite } };

    // bin/sync --dry-run marks its events; system.dry_run covers everything.
    const dryRun = isDryRun(settings, entity) || (event.payload as { dry_run?: unknown }).dry_run === true;
    const readWarnings: string[] = [];
    const result = await sync(
      { ctx, event, settings, dryRun, zoho: collectingReadWarnings(zoho, readWarnings), moodle },
      event.record_id,
    );
    return toOutcome(result, dryRun, readWarnings);
  };
}

/**
 * The client for one event, whose record reads add their warnings (a picklist value the org's
 * list lacks, kept as it is) to `sink`: they end in the event's result with the sync's own.
 */
function collectingReadWarnings(zoho: ZohoClient, sink: string[]): ZohoClient {
  return {
    ...zoho,
    async fetchRecord(module, id) {
      const { record, warnings } = await zoho.fetchRecordChecked(module, id);
      sink.push(...warnings);
      return record;
    },
  };
}

function toOutcome(result: EntityResult, dryRun: boolean, readWarnings: string[]): SyncOutcome {
  const warnings = [...new Set([...readWarnings, ...(result.warnings ?? [])])];
  const body = { ...result, ...(warnings.length ? { warnings } : {}) } as Record<string, unknown>;
  if (dryRun)
    return {
      status: 'skipped',
      result: {
        ...body,
        dryRun: true,
        reason: `dry run: would be ${result.action}${result.reason ? ` (${result.reason})` : ''}; nothing written`,
      },
    };
  if (result.action === 'skipped')
    return { status: 'skipped', result: { ...body, reason: result.reason ?? 'skipped' } };
  return { status: 'completed', result: body };
}
