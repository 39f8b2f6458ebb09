/**
 * A stable fake module id per module name: `duplicate_record.module.id` in write errors and `resource_id` in the
 * Notification APIs' answers (Zoho gives each module an 18/19-digit id; the simulator makes one up from the name).
 */
export function moduleId(module: string): string {
  let hash = 0;
  for (const ch of module) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000;
  return `5725767000000${String(hash).padStart(6, '0')}`;
}
