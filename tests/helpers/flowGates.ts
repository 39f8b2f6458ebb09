import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import type { ZohoEntity } from '../../shared/domain/events.ts';
import { gateVeto, isDryRunFor } from '../../shared/domain/sync/flowGate.ts';
import type { Flow } from '../../worker/pipeline/flow.ts';
import { flows } from '../../worker/flows/index.ts';

/** The gate of a Zoho entity's flow, as the runner applies it (worker/pipeline/runFlow.ts). */
function gateOf(entity: ZohoEntity) {
  const flow = flows[`zoho.${entity}`] as Flow | undefined;
  if (!flow) throw new Error(`no flow for zoho.${entity}`);
  return flow.gate;
}

/** Why the runner vetoes a Zoho event of `entity` and `eventType` under these settings, or null. */
export function zohoEventVeto(settings: SyncSettings, entity: ZohoEntity, eventType: string): string | null {
  return gateVeto(settings, gateOf(entity), { source: 'zoho', event_type: eventType });
}

/** Whether the runner only plans (dry run) a Zoho event of `entity` under these settings. */
export function isZohoDryRun(settings: SyncSettings, entity: ZohoEntity): boolean {
  return isDryRunFor(settings, gateOf(entity).module);
}
