/**
 * Zoho's `Country` picklist holds English country names; Moodle stores ISO 3166-1 alpha-2
 * codes (and refuses anything else). Names come from the ICU data Node ships, plus the
 * older or shorter names people still pick ("Turkey", "Palestine", "USA"…).
 */
const ALIASES: Record<string, string> = {
  turkey: 'TR',
  palestine: 'PS',
  'state of palestine': 'PS',
  usa: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  'czech republic': 'CZ',
  'ivory coast': 'CI',
  macedonia: 'MK',
  swaziland: 'SZ',
  burma: 'MM',
  myanmar: 'MM',
  'korea, south': 'KR',
  'republic of korea': 'KR',
  'korea, north': 'KP',
  'russian federation': 'RU',
  'syrian arab republic': 'SY',
  'viet nam': 'VN',
  uae: 'AE',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  bosnia: 'BA',
  'saint lucia': 'LC',
  'st lucia': 'LC',
  'the netherlands': 'NL',
  holland: 'NL',
  'cape verde': 'CV',
  'cabo verde': 'CV',
  'democratic republic of the congo': 'CD',
  'republic of the congo': 'CG',
  vatican: 'VA',
  'iran, islamic republic of': 'IR',
};

/**
 * Codes ICU names that are no ISO 3166-1 country, so Moodle has none of them: groupings (EU,
 * EZ, UN, QO), the unknown region (ZZ), pseudo-locales (XA, XB), Kosovo's user-assigned XK
 * and the exceptionally reserved AC, CP, CQ, DG, EA, IC, TA.
 */
const NOT_COUNTRIES = new Set([
  'AC',
  'CP',
  'CQ',
  'DG',
  'EA',
  'EU',
  'EZ',
  'IC',
  'QO',
  'TA',
  'UN',
  'XA',
  'XB',
  'XK',
  'ZZ',
]);

const normalise = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’']/g, "'")
    .replace(/\s*&\s*/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

let byName: Map<string, string> | undefined;

function names(): Map<string, string> {
  if (byName) return byName;
  byName = new Map(Object.entries(ALIASES));
  const display = new Intl.DisplayNames('en', { type: 'region', fallback: 'none' });
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b;
      // ICU also names withdrawn codes (UK, FX, SU, YU, ZR…) as their successors; they must
      // neither be accepted nor replace the current code of the same name ("France" → FR).
      if (NOT_COUNTRIES.has(code) || new Intl.Locale(`und-${code}`).region !== code) continue;
      const name = display.of(code);
      if (name) byName.set(normalise(name), code);
    }
  }
  return byName;
}

/** ISO alpha-2 code of a country name (or code), or null when it is not one we know. */
export function countryCode(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const named = names().get(normalise(trimmed)); // first: the alias "UK" is GB
  if (named) return named;
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const code = trimmed.toUpperCase();
    return [...names().values()].includes(code) ? code : null;
  }
  return null;
}
