import type { ZodType } from 'zod';
import type { MoodleClient } from '../../../shared/clients/moodle/createMoodleClient.ts';
import type { ZohoClient } from '../../../shared/clients/zoho/createZohoClient.ts';
import { ZohoConfigurationError } from '../../../shared/clients/zoho/zohoErrors.ts';
import { loadSyncSettings, type SyncSettings } from '../../../shared/db/queries/appSettings.ts';
import type { EventRow } from '../../../shared/db/queries/integrationEventsLog.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { moodleEnvelopeSchema } from '../../../shared/domain/moodle/moodleEventData.ts';
import { flowsToZoho } from '../../../shared/domain/sync/syncDirections.ts';
import type { HandlerContext, SyncHandler, SyncOutcome } from '../syncHandler.ts';

/** What one Moodle → Zoho sync works with. */
export interface MoodleSyncRun<D> {
  ctx: HandlerContext;
  event: EventRow;
  settings: SyncSettings;
  dryRun: boolean;
  zoho: ZohoClient;
  /** Only some flows read Moodle (the nightly rules); events carry what they need. */
  moodle: MoodleClient | undefined;
  data: D;
}

export interface MoodleToZohoSpec<D> {
  /** The Zoho module written: governs `modules.enabled` and `system.dry_run.modules`. */
  module: string;
  /** The `sync.directions` key that must allow Moodle → Zoho; null when the flow only links records. */
  direction: string | null;
  dataSchema: ZodType<D>;
  /** `data` (default): the plugin envelope's data; `whole`: the event payload itself (events we queue ourselves). */
  payload?: 'data' | 'whole';
  sync: (run: MoodleSyncRun<D>) => Promise<SyncOutcome>;
}

/**
 * The handler of one Moodle event kind: settings (read per event), the plugin's `data`
 * validated against its schema (a malformed payload fails permanently, naming the fields),
 * then the flow. Disabled flows end `skipped` with the reason.
 */
export function createMoodleToZohoHandler<D>(spec: MoodleToZohoSpec<D>): SyncHandler {
  return async (ctx, event) => {
    const settings = await loadSyncSettings(ctx.db);
    if (settings['modules.enabled'][spec.module] === false) {
      return { status: 'skipped', result: { reason: `module disabled (modules.enabled.${spec.module} is false)` } };
    }
    if (spec.direction !== null && !flowsToZoho(settings, spec.direction)) {
      const direction = settings['sync.directions'][spec.direction];
      return {
        status: 'skipped',
        result: { reason: `direction ${direction} (sync.directions.${spec.direction}) does not sync Moodle → Zoho` },
      };
    }
    const envelope =
      spec.payload === 'whole'
        ? { success: true as const, data: { data: event.payload } }
        : moodleEnvelopeSchema.safeParse(event.payload);
    const data = envelope.success ? spec.dataSchema.safeParse(envelope.data.data) : undefined;
    if (!data?.success) {
      const issues = (data?.error ??
        (envelope as { error?: { issues: { path: PropertyKey[]; message: string }[] } }).error)!.issues
        .map((i) => `${['data', ...i.path.map(String)].join('.')} ${i.message}`)
        .join('; ');
      throw new PermanentError('moodle.invalid_payload', `${event.entity} event ${event.event_id}: ${issues}`);
    }
    const { zoho, moodle } = ctx.clients;
    if (!zoho)
      throw new ZohoConfigurationError(
        'zoho.not_configured',
        'Zoho is not configured (ZOHO_ACCOUNTS_URL, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ENCRYPTION_KEY)',
      );
    const dryRunSetting = settings['system.dry_run'];
    const dryRun =
      dryRunSetting.enabled && (dryRunSetting.modules.length === 0 || dryRunSetting.modules.includes(spec.module));
    const outcome = await spec.sync({ ctx, event, settings, dryRun, zoho, moodle, data: data.data });
    if (dryRun && outcome.status === 'completed') {
      return {
        status: 'skipped',
        result: {
          ...outcome.result,
          dryRun: true,
          reason: `dry run (system.dry_run): would be ${String(outcome.result.action)}; nothing written`,
        },
      };
    }
    return outcome;
  };
}
