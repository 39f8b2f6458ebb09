import t from 'tap';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import { resolveRoleId, STANDARD_ROLE_IDS } from '../../../../shared/domain/sync/resolveRoleId.ts';
import { thrownBy } from './syncRecords.ts';

/** `moodle.roles` entries → role ids: standard shortnames by Moodle's install order, numbers as they are. */

const CASES: { name: string; input: { setting: string; value: string | number }; expected: number }[] = [
  { name: 'manager', input: { setting: 'student', value: 'manager' }, expected: 1 },
  { name: 'coursecreator', input: { setting: 'student', value: 'coursecreator' }, expected: 2 },
  { name: 'editingteacher', input: { setting: 'teacher', value: 'editingteacher' }, expected: 3 },
  { name: 'teacher (non-editing)', input: { setting: 'non_editing_teacher', value: 'teacher' }, expected: 4 },
  { name: 'student', input: { setting: 'student', value: 'student' }, expected: 5 },
  { name: 'guest', input: { setting: 'student', value: 'guest' }, expected: 6 },
  { name: 'user', input: { setting: 'student', value: 'user' }, expected: 7 },
  { name: 'frontpage', input: { setting: 'student', value: 'frontpage' }, expected: 8 },
  { name: 'a custom role by number', input: { setting: 'teacher', value: 9 }, expected: 9 },
  { name: 'a number that is also a standard id', input: { setting: 'student', value: 5 }, expected: 5 },
  { name: 'a custom role by numeric string', input: { setting: 'teacher', value: '12' }, expected: 12 },
  { name: 'a large numeric string', input: { setting: 'teacher', value: '123456' }, expected: 123456 },
];

t.test('resolveRoleId', async (t) => {
  for (const c of CASES) t.equal(resolveRoleId(c.input.setting, c.input.value), c.expected, c.name);
  t.equal(Object.keys(STANDARD_ROLE_IDS).length, 8, 'eight standard roles');
});

const ERRORS: { name: string; input: { setting: string; value: string }; expected: RegExp }[] = [
  {
    name: 'shortnames are case-sensitive',
    input: { setting: 'student', value: 'Student' },
    expected: /^app_settings moodle\.roles\.student = "Student" is not a standard Moodle role shortname/,
  },
  {
    name: 'a custom role by shortname',
    input: { setting: 'teacher', value: 'internalverifier' },
    expected: /^app_settings moodle\.roles\.teacher = "internalverifier" is not a standard/,
  },
  {
    name: 'surrounding spaces',
    input: { setting: 'teacher', value: ' editingteacher ' },
    expected: /moodle\.roles\.teacher = " editingteacher "/,
  },
  {
    name: 'a signed number',
    input: { setting: 'non_editing_teacher', value: '-4' },
    expected: /moodle\.roles\.non_editing_teacher = "-4"/,
  },
  {
    name: 'a decimal number',
    input: { setting: 'student', value: '5.0' },
    expected: /moodle\.roles\.student = "5\.0"/,
  },
  { name: 'empty', input: { setting: 'student', value: '' }, expected: /moodle\.roles\.student = ""/ },
  // Names every plain object inherits are no role either.
  {
    name: 'constructor',
    input: { setting: 'student', value: 'constructor' },
    expected: /moodle\.roles\.student = "constructor"/,
  },
  {
    name: 'toString',
    input: { setting: 'teacher', value: 'toString' },
    expected: /moodle\.roles\.teacher = "toString"/,
  },
  {
    name: '__proto__',
    input: { setting: 'teacher', value: '__proto__' },
    expected: /moodle\.roles\.teacher = "__proto__"/,
  },
];

t.test('an unknown shortname is a PermanentError settings.invalid naming the setting', async (t) => {
  for (const c of ERRORS) {
    const error = thrownBy(() => resolveRoleId(c.input.setting, c.input.value));
    t.ok(error instanceof PermanentError, `${c.name}: a PermanentError`);
    if (!(error instanceof PermanentError)) continue;
    t.equal(error.code, 'settings.invalid', `${c.name}: code`);
    t.match(error.message, c.expected, `${c.name}: message names the setting and value`);
    t.match(error.message, /give the role's numeric id instead/, `${c.name}: message says how to fix it`);
  }
});

t.test('role id 0 or an absurdly long number is not a role id', async (t) => {
  for (const value of ['0', '00', '1234567890123']) {
    t.ok(thrownBy(() => resolveRoleId('student', value)) instanceof PermanentError, value);
  }
});
