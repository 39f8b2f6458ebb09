import t from 'tap';
import { encodeMoodleParams } from '../../../../shared/clients/moodle/encodeMoodleParams.ts';

t.test('encodes nested arrays and objects PHP-style, as Moodle reads them', async (t) => {
  const cases: [string, Parameters<typeof encodeMoodleParams>[0], [string, string][]][] = [
    [
      'scalars',
      { field: 'email', value: 3 },
      [
        ['field', 'email'],
        ['value', '3'],
      ],
    ],
    [
      'a list',
      { values: ['a@example.com', 'b@example.com'] },
      [
        ['values[0]', 'a@example.com'],
        ['values[1]', 'b@example.com'],
      ],
    ],
    [
      'a list of objects',
      { users: [{ username: 'jdoe', email: 'j@example.com' }, { username: 'bsmith' }] },
      [
        ['users[0][username]', 'jdoe'],
        ['users[0][email]', 'j@example.com'],
        ['users[1][username]', 'bsmith'],
      ],
    ],
    [
      'deeper nesting',
      { courses: [{ customfields: [{ shortname: 'x', value: 'y' }] }] },
      [
        ['courses[0][customfields][0][shortname]', 'x'],
        ['courses[0][customfields][0][value]', 'y'],
      ],
    ],
    [
      'booleans as 1/0 (Moodle refuses "true")',
      { addsubcategories: false, users: [{ suspended: true }] },
      [
        ['addsubcategories', '0'],
        ['users[0][suspended]', '1'],
      ],
    ],
    ['undefined and null left out', { a: undefined, b: null, c: '' }, [['c', '']]],
    ['unicode kept', { name: 'Zoë Ødegård' }, [['name', 'Zoë Ødegård']]],
  ];
  for (const [name, input, expected] of cases) t.same(encodeMoodleParams(input), expected, name);
});
