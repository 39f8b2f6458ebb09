import t from 'tap';
import { canonicalJson, fingerprint } from '../../../../shared/domain/sync/fingerprint.ts';

/**
 * A fingerprint decides whether a record needs a Moodle write: equal models (whatever their
 * key order) must give equal fingerprints, and any different value a different one.
 */

const CANONICAL: { name: string; input: unknown; expected: string }[] = [
  { name: 'keys sorted', input: { b: 1, a: 2 }, expected: '{"a":2,"b":1}' },
  {
    name: 'nested objects sorted too',
    input: { z: { y: 1, x: 2 }, a: null },
    expected: '{"a":null,"z":{"x":2,"y":1}}',
  },
  {
    name: 'objects inside arrays sorted, array order kept',
    input: [{ d: 1, c: 2 }, 3, 'x'],
    expected: '[{"c":2,"d":1},3,"x"]',
  },
  { name: 'undefined properties dropped', input: { a: 1, b: undefined }, expected: '{"a":1}' },
  {
    name: 'upper-case keys before lower-case (code unit order)',
    input: { b: 1, B: 2, a: 3 },
    expected: '{"B":2,"a":3,"b":1}',
  },
  {
    name: 'Unicode values kept',
    input: { name: 'İsmail Çelik', ar: 'محمد' },
    expected: '{"ar":"محمد","name":"İsmail Çelik"}',
  },
  { name: 'null', input: null, expected: 'null' },
  { name: 'a string', input: 'x', expected: '"x"' },
  { name: 'a number', input: 42, expected: '42' },
  { name: 'an empty object', input: {}, expected: '{}' },
];

t.test('canonicalJson sorts keys at every level', async (t) => {
  for (const c of CANONICAL) t.equal(canonicalJson(c.input), c.expected, c.name);
});

t.test('fingerprint is the SHA-256 hex of the canonical JSON', async (t) => {
  t.equal(fingerprint({}), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', 'sha256("{}")');
  t.equal(
    fingerprint({ b: 2, a: 1 }),
    '43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777',
    'sha256(\'{"a":1,"b":2}\')',
  );
  t.match(fingerprint({ any: ['thing'] }), /^[0-9a-f]{64}$/);
});

const course = {
  fullname: 'Networking - L5 - T1 2026',
  shortname: 'NET-L5-T1-26',
  idnumber: '5843210000005678901',
  programZohoId: '5843210000003456789',
  teacherZohoId: null,
  startdate: 1769990400,
  enddate: 1780012800,
};

const EQUAL: { name: string; input: [unknown, unknown] }[] = [
  {
    name: 'reordered keys',
    input: [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ],
  },
  {
    name: 'reordered nested objects',
    input: [
      { user: { first: 'Leyla', last: 'Quahog' }, tags: [{ k: 1, v: 2 }] },
      { tags: [{ v: 2, k: 1 }], user: { last: 'Quahog', first: 'Leyla' } },
    ],
  },
  { name: 'an undefined property and an absent one', input: [{ a: 1, b: undefined }, { a: 1 }] },
  {
    name: 'a course model built in another order',
    input: [course, Object.fromEntries(Object.entries(course).reverse())],
  },
];

t.test('equal models give equal fingerprints', async (t) => {
  for (const c of EQUAL) t.equal(fingerprint(c.input[0]), fingerprint(c.input[1]), c.name);
});

const DIFFERENT: { name: string; input: [unknown, unknown] }[] = [
  { name: 'different value', input: [{ a: 1 }, { a: 2 }] },
  { name: 'number vs numeric string', input: [{ a: 1 }, { a: '1' }] },
  { name: 'boolean vs string', input: [{ suspended: true }, { suspended: 'true' }] },
  { name: 'null vs absent', input: [{ city: null }, {}] },
  { name: 'different nested value', input: [{ u: { city: 'Istanbul' } }, { u: { city: 'Ankara' } }] },
  { name: 'array order matters', input: [{ roles: [1, 2] }, { roles: [2, 1] }] },
  { name: 'a key renamed', input: [{ a: 1 }, { b: 1 }] },
  { name: 'the course with another end date', input: [course, { ...course, enddate: course.enddate + 86400 }] },
  { name: 'the course with a teacher', input: [course, { ...course, teacherZohoId: '5843210000002345678' }] },
  { name: 'case of a value', input: [{ name: 'leyla' }, { name: 'Leyla' }] },
];

t.test('different models give different fingerprints', async (t) => {
  for (const c of DIFFERENT) t.not(fingerprint(c.input[0]), fingerprint(c.input[1]), c.name);
});
