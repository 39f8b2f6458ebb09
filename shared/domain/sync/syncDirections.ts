import type { SyncSettings } from '../settings/syncSettings.ts';

/**
 * Whether `sync.directions[key]` lets data flow Zoho → Moodle: `zoho_to_moodle` or
 * `bidirectional`, or the key unset (the seeded defaults set every key; a missing one is not
 * read as a prohibition).
 */
export function flowsToMoodle(settings: SyncSettings, key: string): boolean {
  const direction = settings['sync.directions'][key];
  return direction === undefined || direction === 'zoho_to_moodle' || direction === 'bidirectional';
}

/** The same towards Zoho: `moodle_to_zoho`, `bidirectional`, or unset. */
export function flowsToZoho(settings: SyncSettings, key: string): boolean {
  const direction = settings['sync.directions'][key];
  return direction === undefined || direction === 'moodle_to_zoho' || direction === 'bidirectional';
}
