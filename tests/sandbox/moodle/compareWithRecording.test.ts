import t from 'tap';
import { compareWithRecording } from '../../../sandbox/moodle/compareWithRecording.ts';

t.test('equal answers have no differences', async (t) => {
  t.same(compareWithRecording({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null }), []);
});

t.test('types, key sets, key order, array lengths and values are all checked', async (t) => {
  t.same(compareWithRecording({ a: 1 }, { a: '1' }), ['$.a: recorded number 1, got string "1"']);
  t.same(compareWithRecording({ a: 1, b: 2 }, { b: 2, a: 1 }), ['$: recorded keys [a, b], got [b, a]']);
  t.same(compareWithRecording([1, 2], [1]), ['$: recorded 2 items, got 1']);
  t.same(compareWithRecording([{ n: 'a' }], [{ n: 'b' }]), ['$[0].n: recorded "a", got "b"']);
  t.same(compareWithRecording(null, {}), ['$: recorded null null, got object {}']);
  t.match(compareWithRecording('x'.repeat(200), 'y')[0], /\.\.\.,/, 'long values are shortened');
});

t.test('volatile keys need only the same type, except in error bodies', async (t) => {
  const volatileKeys = new Set(['timecreated', 'message']);
  t.same(compareWithRecording({ timecreated: 1 }, { timecreated: 2 }, { volatileKeys }), []);
  t.same(compareWithRecording({ timecreated: 1 }, { timecreated: null }, { volatileKeys }), [
    '$.timecreated: recorded number, got null',
  ]);
  t.same(compareWithRecording({ exception: 'e', message: 'a' }, { exception: 'e', message: 'b' }, { volatileKeys }), [
    '$.message: recorded "a", got "b"',
  ]);
});

t.test('normalize is applied to strings before comparing', async (t) => {
  const normalize = (s: string) => s.replace('http://sim', 'http://rec');
  t.same(compareWithRecording({ u: 'http://rec/x' }, { u: 'http://sim/x' }, { normalize }), []);
});
