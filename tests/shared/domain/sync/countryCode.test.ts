import t from 'tap';
import { countryCode } from '../../../../shared/domain/sync/countryCode.ts';

/**
 * Zoho country names (or codes) → the ISO 3166-1 alpha-2 code Moodle stores; null when the
 * value is empty or not a country Moodle knows (the mapper then reports it, never writes it).
 */

const CASES: { name: string; input: string | null | undefined; expected: string | null }[] = [
  { name: 'older English name (alias)', input: 'Turkey', expected: 'TR' },
  { name: 'ICU name with ü', input: 'Türkiye', expected: 'TR' },
  { name: 'ICU name typed without the diaeresis', input: 'Turkiye', expected: 'TR' },
  { name: 'lower-case code', input: 'tr', expected: 'TR' },
  { name: 'upper-case code with spaces', input: ' TR ', expected: 'TR' },
  { name: 'Syria', input: 'Syria', expected: 'SY' },
  { name: 'Syrian Arab Republic (alias)', input: 'Syrian Arab Republic', expected: 'SY' },
  { name: 'Palestine (alias)', input: 'Palestine', expected: 'PS' },
  { name: 'State of Palestine (alias)', input: 'State of Palestine', expected: 'PS' },
  { name: 'ICU name of PS', input: 'Palestinian Territories', expected: 'PS' },
  { name: 'United States', input: 'United States', expected: 'US' },
  { name: 'USA (alias)', input: 'USA', expected: 'US' },
  { name: 'United States of America (alias)', input: 'United States of America', expected: 'US' },
  { name: 'case and whitespace ignored', input: '  saudi   ARABIA ', expected: 'SA' },
  { name: 'Iraq', input: 'Iraq', expected: 'IQ' },
  { name: 'Jordan', input: 'Jordan', expected: 'JO' },
  { name: 'Lebanon', input: 'Lebanon', expected: 'LB' },
  { name: 'Egypt', input: 'Egypt', expected: 'EG' },
  { name: 'United Arab Emirates', input: 'United Arab Emirates', expected: 'AE' },
  { name: 'curly apostrophe and accent', input: 'Côte d’Ivoire', expected: 'CI' },
  { name: 'straight apostrophe, no accent', input: "Cote d'Ivoire", expected: 'CI' },
  { name: 'Germany', input: 'Germany', expected: 'DE' },
  { name: 'Netherlands', input: 'The Netherlands', expected: 'NL' },
  // ICU also names withdrawn codes (UK, FX, SU, YU, ZR, DY, HV, TP…) after the current ones:
  // the name must still give the code Moodle has.
  { name: 'United Kingdom is GB, not UK', input: 'United Kingdom', expected: 'GB' },
  { name: 'UK (alias) is GB', input: 'UK', expected: 'GB' },
  { name: 'France is FR, not FX', input: 'France', expected: 'FR' },
  { name: 'Russia is RU, not SU', input: 'Russia', expected: 'RU' },
  { name: 'Serbia is RS, not YU or CS', input: 'Serbia', expected: 'RS' },
  { name: 'Benin is BJ, not DY', input: 'Benin', expected: 'BJ' },
  { name: 'Burkina Faso is BF, not HV', input: 'Burkina Faso', expected: 'BF' },
  { name: 'Timor-Leste is TL, not TP', input: 'Timor-Leste', expected: 'TL' },
  { name: 'Congo - Kinshasa is CD, not ZR', input: 'Congo - Kinshasa', expected: 'CD' },
  { name: 'Vietnam', input: 'Vietnam', expected: 'VN' },
  { name: 'Myanmar', input: 'Myanmar', expected: 'MM' },
  // Not a country Moodle has.
  { name: 'unknown name', input: 'Nowhere', expected: null },
  { name: 'empty', input: '', expected: null },
  { name: 'only spaces', input: '   ', expected: null },
  { name: 'null', input: null, expected: null },
  { name: 'undefined', input: undefined, expected: null },
  { name: 'two letters that are no code', input: 'QQ', expected: null },
  { name: 'three-letter code is not accepted', input: 'TUR', expected: null },
  { name: 'a withdrawn code (Soviet Union)', input: 'SU', expected: null },
  { name: 'a withdrawn code (Metropolitan France)', input: 'FX', expected: null },
  { name: 'ICU "Unknown Region"', input: 'Unknown Region', expected: null },
  { name: 'ZZ (unknown region)', input: 'ZZ', expected: null },
  { name: 'European Union is no country', input: 'European Union', expected: null },
  { name: 'EU is no country code', input: 'EU', expected: null },
  { name: 'United Nations is no country', input: 'United Nations', expected: null },
  { name: 'Kosovo has no ISO code Moodle lists', input: 'Kosovo', expected: null },
  { name: 'a city is no country', input: 'Istanbul', expected: null },
];

t.test('countryCode', async (t) => {
  for (const c of CASES) t.equal(countryCode(c.input), c.expected, `${c.name}: ${JSON.stringify(c.input)}`);
});

/** The keys of Moodle's lang/en/countries.php: the only codes Moodle's country field takes. */
const MOODLE_COUNTRIES = `AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
  BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI
  FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT
  JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
  MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS
  RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA
  UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/);

const ALL_PAIRS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].flatMap((a) => [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((b) => a + b));

t.test('every two letters countryCode accepts give a code Moodle has, mostly themselves', async (t) => {
  const accepted = ALL_PAIRS.flatMap((code) => {
    const got = countryCode(code);
    return got === null ? [] : [[code, got] as const];
  });
  t.strictSame(
    accepted.filter(([, got]) => !MOODLE_COUNTRIES.includes(got)),
    [],
    "no code outside Moodle's list",
  );
  t.strictSame(
    accepted.filter(([code, got]) => got !== code),
    [['UK', 'GB']],
    'a code maps to itself; only the alias UK does not',
  );
  // AN (Netherlands Antilles) was dissolved in 2010; ICU names it no more. Every other Moodle code is known.
  const accepts = new Set(accepted.map(([code]) => code));
  t.strictSame(
    MOODLE_COUNTRIES.filter((code) => !accepts.has(code)),
    ['AN'],
    'every current Moodle code is accepted',
  );
});

t.test('every country name ICU knows maps to a code Moodle has', async (t) => {
  const display = new Intl.DisplayNames('en', { type: 'region', fallback: 'none' });
  const wrong: string[] = [];
  let named = 0;
  for (const code of MOODLE_COUNTRIES.filter((c) => c !== 'AN')) {
    // ICU gives AN Curaçao's name (CW)
    const name = display.of(code);
    if (!name) continue;
    named++;
    const got = countryCode(name);
    if (got !== code) wrong.push(`${name}: ${got} instead of ${code}`);
  }
  t.equal(named, 249, 'ICU names every current Moodle code');
  t.strictSame(wrong, [], 'each ICU name gives its own code');
});

t.test('names people pick that ICU spells otherwise, and "&" for "and"', async (t) => {
  const cases: [string, string | null][] = [
    ['Hong Kong', 'HK'],
    ['Macao', 'MO'],
    ['Macau', 'MO'],
    ['Bosnia & Herzegovina', 'BA'],
    ['Bosnia and Herzegovina', 'BA'],
    ['Trinidad & Tobago', 'TT'],
    ['Saint Lucia', 'LC'],
    ['St Lucia', 'LC'],
    ['Kosovo', null],
  ];
  for (const [name, code] of cases) t.equal(countryCode(name), code, name);
});
