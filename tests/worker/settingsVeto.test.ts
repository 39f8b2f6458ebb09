import t from 'tap';
import { parseSyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { isZohoDryRun, zohoEventVeto } from '../helpers/flowGates.ts';
import type { ZohoEntity } from '../../shared/domain/events.ts';

/**
 * Which Zoho → Moodle events the settings let through: a disabled module or workflow, or a
 * `sync.directions` entry that does not flow Zoho → Moodle, vetoes the event with a reason
 * naming the setting. Dry run applies to all modules, or only to those listed.
 */

const ENTITIES: ZohoEntity[] = ['student', 'teacher', 'program', 'class', 'enrollment'];
const EVENT_TYPES = ['created', 'updated', 'deleted'];

/** The values the migrations seed (sql/2_app_settings.sql, sql/5_sync_links.sql). */
const SEEDED = {
  'modules.enabled': {
    BTEC_Students: true,
    BTEC_Teachers: true,
    BTEC_Registrations: true,
    BTEC_Classes: true,
    BTEC_Enrollments: true,
    BTEC_Payments: true,
    BTEC_Grades: true,
    BTEC: true,
    Products: true,
  },
  'workflows.auto_enabled': {},
  'sync.directions': {
    student_profile: 'zoho_to_moodle',
    finance: 'zoho_to_moodle',
    enrollments: 'bidirectional',
    grades: 'moodle_to_zoho',
  },
  'system.dry_run': { enabled: false, modules: [] },
};

type Vetoes = Partial<Record<ZohoEntity, string | Partial<Record<string, string>>>>;

const VETO_CASES: { name: string; input: Record<string, unknown>; expected: Vetoes }[] = [
  { name: 'defaults (no rows): everything runs', input: {}, expected: {} },
  { name: 'the seeded settings: everything runs', input: SEEDED, expected: {} },
  {
    name: 'students module disabled',
    input: { 'modules.enabled': { BTEC_Students: false } },
    expected: { student: 'module disabled (modules.enabled.BTEC_Students is false)' },
  },
  {
    name: 'teachers and programs disabled, others explicitly enabled',
    input: { 'modules.enabled': { BTEC_Teachers: false, Products: false, BTEC_Students: true, BTEC_Classes: true } },
    expected: {
      teacher: 'module disabled (modules.enabled.BTEC_Teachers is false)',
      program: 'module disabled (modules.enabled.Products is false)',
    },
  },
  {
    name: 'classes and enrollments disabled',
    input: { 'modules.enabled': { BTEC_Classes: false, BTEC_Enrollments: false } },
    expected: {
      class: 'module disabled (modules.enabled.BTEC_Classes is false)',
      enrollment: 'module disabled (modules.enabled.BTEC_Enrollments is false)',
    },
  },
  {
    name: 'a module of another flow disabled changes nothing here',
    input: { 'modules.enabled': { BTEC_Grades: false, BTEC_Payments: false } },
    expected: {},
  },
  {
    name: 'one workflow disabled: only that module and event type',
    input: { 'workflows.auto_enabled': { 'BTEC_Students.deleted': false } },
    expected: { student: { deleted: 'workflow disabled (workflows.auto_enabled["BTEC_Students.deleted"] is false)' } },
  },
  {
    name: 'class creation workflow disabled, an explicit true ignored',
    input: { 'workflows.auto_enabled': { 'BTEC_Classes.created': false, 'BTEC_Classes.updated': true } },
    expected: { class: { created: 'workflow disabled (workflows.auto_enabled["BTEC_Classes.created"] is false)' } },
  },
  {
    name: 'module disabled wins over a workflow disabled',
    input: { 'modules.enabled': { Products: false }, 'workflows.auto_enabled': { 'Products.updated': false } },
    expected: { program: 'module disabled (modules.enabled.Products is false)' },
  },
  {
    name: 'student_profile moodle_to_zoho vetoes students and teachers',
    input: { 'sync.directions': { student_profile: 'moodle_to_zoho' } },
    expected: {
      student: 'direction moodle_to_zoho (sync.directions.student_profile) does not sync Zoho → Moodle',
      teacher: 'direction moodle_to_zoho (sync.directions.student_profile) does not sync Zoho → Moodle',
    },
  },
  {
    name: 'student_profile disabled vetoes students and teachers',
    input: { 'sync.directions': { student_profile: 'disabled', enrollments: 'zoho_to_moodle' } },
    expected: {
      student: 'direction disabled (sync.directions.student_profile) does not sync Zoho → Moodle',
      teacher: 'direction disabled (sync.directions.student_profile) does not sync Zoho → Moodle',
    },
  },
  {
    name: 'student_profile bidirectional runs',
    input: { 'sync.directions': { student_profile: 'bidirectional' } },
    expected: {},
  },
  {
    name: 'enrollments disabled vetoes only enrollments',
    input: { 'sync.directions': { enrollments: 'disabled' } },
    expected: { enrollment: 'direction disabled (sync.directions.enrollments) does not sync Zoho → Moodle' },
  },
  {
    name: 'enrollments moodle_to_zoho vetoes enrollments',
    input: { 'sync.directions': { student_profile: 'zoho_to_moodle', enrollments: 'moodle_to_zoho' } },
    expected: { enrollment: 'direction moodle_to_zoho (sync.directions.enrollments) does not sync Zoho → Moodle' },
  },
  {
    name: 'programs and classes have no direction key: never vetoed by one',
    input: {
      'sync.directions': {
        programs: 'disabled',
        classes: 'moodle_to_zoho',
        courses: 'disabled',
        grades: 'disabled',
        finance: 'disabled',
      },
    },
    expected: {},
  },
  {
    name: 'module veto named before a direction veto',
    input: { 'modules.enabled': { BTEC_Teachers: false }, 'sync.directions': { student_profile: 'disabled' } },
    expected: {
      student: 'direction disabled (sync.directions.student_profile) does not sync Zoho → Moodle',
      teacher: 'module disabled (modules.enabled.BTEC_Teachers is false)',
    },
  },
];

t.test('zohoEventVeto', async (t) => {
  for (const c of VETO_CASES) {
    const settings = parseSyncSettings(c.input);
    for (const entity of ENTITIES) {
      for (const eventType of EVENT_TYPES) {
        const wanted = c.expected[entity];
        const expected = typeof wanted === 'string' ? wanted : (wanted?.[eventType] ?? null);
        t.equal(zohoEventVeto(settings, entity, eventType), expected, `${c.name}: ${entity} ${eventType}`);
      }
    }
  }
});

const DRY_RUN_CASES: { name: string; input: unknown; expected: ZohoEntity[] }[] = [
  { name: 'off by default', input: undefined, expected: [] },
  { name: 'off as seeded', input: { enabled: false, modules: [] }, expected: [] },
  { name: 'on, no modules listed: every module', input: { enabled: true, modules: [] }, expected: ENTITIES },
  { name: 'on, modules omitted: every module', input: { enabled: true }, expected: ENTITIES },
  { name: 'on for students only', input: { enabled: true, modules: ['BTEC_Students'] }, expected: ['student'] },
  {
    name: 'on for programs and enrollments',
    input: { enabled: true, modules: ['Products', 'BTEC_Enrollments'] },
    expected: ['program', 'enrollment'],
  },
  {
    name: 'on for teachers and classes',
    input: { enabled: true, modules: ['BTEC_Teachers', 'BTEC_Classes'] },
    expected: ['teacher', 'class'],
  },
  { name: 'on for a module of another flow only', input: { enabled: true, modules: ['BTEC_Grades'] }, expected: [] },
  {
    name: 'modules are API names, not entity names',
    input: { enabled: true, modules: ['student', 'program'] },
    expected: [],
  },
  {
    name: 'off wins over a module list',
    input: { enabled: false, modules: ['BTEC_Students', 'Products'] },
    expected: [],
  },
];

t.test('isZohoDryRun', async (t) => {
  for (const c of DRY_RUN_CASES) {
    const settings = parseSyncSettings({ 'system.dry_run': c.input });
    for (const entity of ENTITIES)
      t.equal(isZohoDryRun(settings, entity), c.expected.includes(entity), `${c.name}: ${entity}`);
  }
});

t.test('dry run does not veto, and a veto does not depend on dry run', async (t) => {
  const settings = parseSyncSettings({
    'system.dry_run': { enabled: true },
    'modules.enabled': { BTEC_Students: false },
  });
  t.equal(zohoEventVeto(settings, 'teacher', 'updated'), null);
  t.equal(zohoEventVeto(settings, 'student', 'updated'), 'module disabled (modules.enabled.BTEC_Students is false)');
  t.equal(isZohoDryRun(settings, 'student'), true);
});
