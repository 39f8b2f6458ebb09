import type { SyncSettings } from '../settings/syncSettings.ts';
import { flowsToMoodle, flowsToZoho } from './syncDirections.ts';

/**
 * Which settings let a flow run (README "Settings"): its Zoho module (`modules.enabled`, and
 * `system.dry_run.modules`), the `sync.directions` key it needs, and for Zoho events the
 * `workflows.auto_enabled` switch of `<module>.<event type>`.
 */
export interface FlowGate {
  module: string;
  /** null: the flow runs whatever the directions say (it only links records, or its data always flows one way). */
  direction: { key: string; way: 'zoho_to_moodle' | 'moodle_to_zoho' } | null;
  /** Which clients must be configured. */
  needs: readonly ('zoho' | 'moodle')[];
}

/** Why an event must not run under these settings, or null when it may. */
export function gateVeto(
  settings: SyncSettings,
  gate: FlowGate,
  event: { source: string; event_type: string },
): string | null {
  const { module, direction } = gate;
  if (settings['modules.enabled'][module] === false) return `module disabled (modules.enabled.${module} is false)`;
  if (event.source === 'zoho') {
    const workflow = `${module}.${event.event_type}`;
    if (settings['workflows.auto_enabled'][workflow] === false) {
      return `workflow disabled (workflows.auto_enabled["${workflow}"] is false)`;
    }
  }
  if (!direction) return null;
  const flows = direction.way === 'zoho_to_moodle' ? flowsToMoodle : flowsToZoho;
  if (flows(settings, direction.key)) return null;
  const way = direction.way === 'zoho_to_moodle' ? 'Zoho → Moodle' : 'Moodle → Zoho';
  return `direction ${settings['sync.directions'][direction.key]} (sync.directions.${direction.key}) does not sync ${way}`;
}

/** Whether `system.dry_run` covers the module: plan, record the plan, write nothing. */
export function isDryRunFor(settings: SyncSettings, module: string): boolean {
  const setting = settings['system.dry_run'];
  return setting.enabled && (setting.modules.length === 0 || setting.modules.includes(module));
}
