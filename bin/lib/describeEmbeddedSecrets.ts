import { delugeKey, type ProvidedSecrets } from '../../shared/config/embeddedSecrets.ts';

/**
 * What `npm start` tells a new user once it has generated the secrets of an embedded-mode
 * installation: where they are, and what to paste into Zoho and into the Moodle plugin.
 * The values themselves only with `showValues` (stderr is a terminal): a launcher run under
 * a supervisor writes into logs that are kept and shipped, which must not hold secrets.
 */
export function describeEmbeddedSecrets(provided: ProvidedSecrets, options: { showValues: boolean }): string {
  const { file, used, secrets } = provided;
  const lines = [
    `npm start: ${used.join(', ')} ${used.length > 1 ? 'are' : 'is'} not set and there is no DATABASE_URL (embedded PostgreSQL):`,
    `  generated once in ${file} (mode 0600, with ENCRYPTION_KEY for the Zoho token).`,
    '  Every later start reuses them; the environment or .env override them.',
  ];
  const paste: string[] = [];
  if (secrets && used.includes('ZOHO_WEBHOOK_SECRET')) {
    paste.push('  Zoho: the key in the Deluge function (README "Pointing Zoho at it"):');
    if (options.showValues) paste.push(`    key = "${delugeKey(secrets.ZOHO_WEBHOOK_SECRET)}";`);
  }
  if (secrets && used.includes('MOODLE_WEBHOOK_SECRET')) {
    paste.push("  Moodle: the plugin's Signing secret (Site administration > Plugins > Local plugins > Zoho sync):");
    if (options.showValues) paste.push(`    ${secrets.MOODLE_WEBHOOK_SECRET}`);
  }
  if (paste.length > 0 && !options.showValues) {
    paste.push(`  The values are in ${file} (not printed: this is not a terminal, and logs must not hold secrets).`);
  }
  return `${[...lines, ...paste].join('\n')}\n`;
}
