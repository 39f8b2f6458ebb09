import { ZOHO_MODULE_NAMES } from '../domain/zoho/fieldMappings.ts';

/** Path segments kept as they are: Zoho's API words and the modules the service maps. */
const KEPT_SEGMENTS = new Set<string>([
  ...ZOHO_MODULE_NAMES,
  'crm',
  'coql',
  'search',
  'upsert',
  'settings',
  'fields',
  'actions',
  'watch',
  'users',
  'org',
]);

/**
 * The `function` label of a Zoho call: the method and the path with record ids as `{id}` and
 * any other unknown segment as `{name}` (`GET /crm/v8/BTEC_Students/{id}`), so that every
 * value comes from a fixed set however the path was built. Pure.
 */
export function zohoFunctionLabel(method: string, path: string): string {
  const segments = (path.split('?')[0] ?? '').split('/').map((segment) => {
    if (segment === '' || KEPT_SEGMENTS.has(segment) || /^v\d{1,2}$/.test(segment)) return segment;
    return /^\d+$/.test(segment) ? '{id}' : '{name}';
  });
  return `${method} ${segments.join('/')}`;
}
