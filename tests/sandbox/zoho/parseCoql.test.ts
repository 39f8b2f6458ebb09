import t from 'tap';
import { evaluateCoql } from '../../../sandbox/zoho/evaluateCoql.ts';
import { parseCoql } from '../../../sandbox/zoho/parseCoql.ts';
import { ZohoError } from '../../../sandbox/zoho/zohoError.ts';

function errorCode(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof ZohoError ? error.code : String(error);
  }
}

t.test('select, from, where with and, and "limit offset, count" parse', async (t) => {
  const q = parseCoql(
    "select Name, Grade from BTEC_Grades where Moodle_Grade_Composite_Key = '1_2_3' and Grade != 'F' limit 10, 200",
  );
  t.same(q.fields, ['Name', 'Grade']);
  t.equal(q.module, 'BTEC_Grades');
  t.same([q.offset, q.limit], [10, 200]);
  t.match(q.where, {
    kind: 'and',
    items: [
      { operator: '=', value: '1_2_3' },
      { operator: '!=', value: 'F' },
    ],
  });
});

t.test('a backslash-escaped single quote stays inside the string', async (t) => {
  const q = parseCoql("select Name from BTEC_Students where Last_Name = 'O\\'Brien'");
  t.match(q.where, { value: "O'Brien" });
  t.equal(q.limit, 200);
});

t.test('in, like, is null, or and parentheses are understood', async (t) => {
  const q = parseCoql(
    "SELECT Name FROM Leads WHERE (Email is null or Email like '%@x.org') AND Grade in ('D', 'M') ORDER BY Name desc LIMIT 5 OFFSET 2",
  );
  t.same(q.orderBy, [{ field: 'Name', direction: 'desc' }]);
  t.same([q.offset, q.limit], [2, 5]);
  const where = q.where as NonNullable<typeof q.where>;
  t.ok(evaluateCoql({ Email: null, Grade: 'D' }, where));
  t.ok(evaluateCoql({ Email: 'a@X.org', Grade: 'm' }, where));
  t.notOk(evaluateCoql({ Email: 'a@y.org', Grade: 'D' }, where));
  t.notOk(evaluateCoql({ Email: null, Grade: 'P' }, where));
});

t.test('= is exact (unlike Search equals) and lookups compare by id', async (t) => {
  const where = parseCoql("select id from X where Key = 'ab' and Student.id = '99' and Attempt_Number >= 2")
    .where as NonNullable<ReturnType<typeof parseCoql>['where']>;
  t.ok(evaluateCoql({ Key: 'AB', Student: { name: 'S', id: '99' }, Attempt_Number: 2 }, where));
  t.notOk(evaluateCoql({ Key: 'abc', Student: { name: 'S', id: '99' }, Attempt_Number: 2 }, where));
  t.ok(
    evaluateCoql(
      { Key: 'ab', Student: '99', Attempt_Number: 3 },
      parseCoql("select id from X where Student = '99' and Key not in ('x') and Key not like 'z%'").where as never,
    ),
  );
});

t.test('bad queries are a SYNTAX_ERROR', async (t) => {
  for (const bad of [
    'select from X',
    "select a from X where b = 'unterminated",
    'select a from X where b ~ 1',
    'select a from X limit x',
    'select a X',
  ]) {
    t.equal(
      errorCode(() => parseCoql(bad)),
      'SYNTAX_ERROR',
      bad,
    );
  }
});
