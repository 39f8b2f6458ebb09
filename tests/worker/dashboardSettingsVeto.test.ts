import t from 'tap';
import { parseSyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { flowsToMoodle, flowsToZoho } from '../../shared/domain/sync/syncDirections.ts';
import { isZohoDryRun, zohoEventVeto } from '../helpers/flowGates.ts';

/**
 * Which settings govern the dashboard data: registrations and payments are finance
 * (`sync.directions.finance`); Zoho grades and units always flow to the dashboard, switched
 * off only by their module (`sync.directions.grades` says who owns grade values, not whether
 * students see Zoho's copy).
 */

const CASES: {
  name: string;
  input: Record<string, unknown>;
  expected: Record<'registration' | 'payment' | 'grade' | 'unit', string | null>;
}[] = [
  {
    name: 'defaults: everything runs',
    input: {},
    expected: { registration: null, payment: null, grade: null, unit: null },
  },
  {
    name: 'the seeded directions (grades moodle_to_zoho): the dashboard still gets Zoho grades',
    input: {
      'sync.directions': {
        student_profile: 'zoho_to_moodle',
        finance: 'zoho_to_moodle',
        enrollments: 'bidirectional',
        grades: 'moodle_to_zoho',
      },
    },
    expected: { registration: null, payment: null, grade: null, unit: null },
  },
  {
    name: 'finance moodle_to_zoho: registrations and payments stop',
    input: { 'sync.directions': { finance: 'moodle_to_zoho', grades: 'disabled' } },
    expected: {
      registration: 'direction moodle_to_zoho (sync.directions.finance) does not sync Zoho → Moodle',
      payment: 'direction moodle_to_zoho (sync.directions.finance) does not sync Zoho → Moodle',
      grade: null,
      unit: null,
    },
  },
  {
    name: 'finance bidirectional runs',
    input: { 'sync.directions': { finance: 'bidirectional' } },
    expected: { registration: null, payment: null, grade: null, unit: null },
  },
  {
    name: 'modules disabled',
    input: { 'modules.enabled': { BTEC_Registrations: false, BTEC_Payments: false, BTEC_Grades: false, BTEC: false } },
    expected: {
      registration: 'module disabled (modules.enabled.BTEC_Registrations is false)',
      payment: 'module disabled (modules.enabled.BTEC_Payments is false)',
      grade: 'module disabled (modules.enabled.BTEC_Grades is false)',
      unit: 'module disabled (modules.enabled.BTEC is false)',
    },
  },
];

for (const { name, input, expected } of CASES) {
  t.test(name, async (t) => {
    const settings = parseSyncSettings(input);
    for (const [entity, veto] of Object.entries(expected))
      t.equal(zohoEventVeto(settings, entity as keyof typeof expected, 'updated'), veto, entity);
  });
}

t.test('flowsToMoodle: unset, zoho_to_moodle and bidirectional flow; the others do not', async (t) => {
  const settings = parseSyncSettings({
    'sync.directions': { a: 'zoho_to_moodle', b: 'bidirectional', c: 'moodle_to_zoho', d: 'disabled' },
  });
  t.same(
    ['a', 'b', 'c', 'd', 'unset'].map((key) => flowsToMoodle(settings, key)),
    [true, true, false, false, true],
  );
  t.same(
    ['a', 'b', 'c', 'd', 'unset'].map((key) => flowsToZoho(settings, key)),
    [false, true, true, false, true],
    'flowsToZoho: the mirror image',
  );
});

t.test('dry run limited to some modules', async (t) => {
  const settings = parseSyncSettings({ 'system.dry_run': { enabled: true, modules: ['BTEC_Payments'] } });
  t.same([isZohoDryRun(settings, 'payment'), isZohoDryRun(settings, 'registration')], [true, false]);
});
