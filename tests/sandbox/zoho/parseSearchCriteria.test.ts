import t from 'tap';
import { matchCriteria } from '../../../sandbox/zoho/matchCriteria.ts';
import { countConditions, parseSearchCriteria } from '../../../sandbox/zoho/parseSearchCriteria.ts';
import { ZohoError } from '../../../sandbox/zoho/zohoError.ts';

function errorCode(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof ZohoError ? error.code : String(error);
  }
}

t.test('a single condition parses into field, operator and value', async (t) => {
  t.same(parseSearchCriteria('(Moodle_Grade_Composite_Key:equals:5_7_9)'), {
    kind: 'condition',
    field: 'Moodle_Grade_Composite_Key',
    operator: 'equals',
    value: '5_7_9',
    values: ['5_7_9'],
  });
});

t.test('and/or groups nest and count their conditions', async (t) => {
  const parsed = parseSearchCriteria('((A:equals:1)and((B:starts_with:x)or(C:in:p,q)))');
  t.equal(countConditions(parsed), 3);
  t.match(parsed, {
    kind: 'and',
    items: [{ field: 'A' }, { kind: 'or', items: [{ operator: 'starts_with' }, { values: ['p', 'q'] }] }],
  });
});

t.test('backslash-escaped comma and parentheses stay in the value', async (t) => {
  const parsed = parseSearchCriteria('(Last_Name:in:Burns\\,B,Smith \\(Jr\\))');
  t.match(parsed, { value: 'Burns,B,Smith (Jr)', values: ['Burns,B', 'Smith (Jr)'] });
});

t.test('malformed criteria are an INVALID_QUERY error', async (t) => {
  for (const bad of [
    'A:equals:1',
    '(A:equals)',
    '(A:bogus:1)',
    '((A:equals:1)and(B:equals:2)or(C:equals:3))',
    '(A:equals:1)x',
    '(A:equals:(1)',
  ]) {
    t.equal(
      errorCode(() => parseSearchCriteria(bad)),
      'INVALID_QUERY',
      bad,
    );
  }
});

t.test('equals matches like a case-insensitive contains, as the Search API does', async (t) => {
  const record = { Company: 'ABC Inc', Student: { name: 'Jo Smith', id: '123' }, Attempt_Number: 2 };
  t.ok(matchCriteria(record, parseSearchCriteria('(Company:equals:abc)')));
  t.ok(matchCriteria(record, parseSearchCriteria('(Student:equals:123)')));
  t.ok(matchCriteria(record, parseSearchCriteria('(Student:equals:smith)')));
  t.notOk(matchCriteria(record, parseSearchCriteria('(Company:starts_with:inc)')));
  t.ok(matchCriteria(record, parseSearchCriteria('(Company:in:x,abc inc)')));
  t.ok(matchCriteria(record, parseSearchCriteria('(Attempt_Number:greater_than:1)')));
  t.ok(matchCriteria(record, parseSearchCriteria('(Attempt_Number:between:1,3)')));
  t.ok(matchCriteria(record, parseSearchCriteria('(Company:not_equal:abc)')));
  t.notOk(matchCriteria(record, parseSearchCriteria('(Attempt_Number:less_equal:1)')));
});
