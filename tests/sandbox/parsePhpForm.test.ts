import t from 'tap';
import { parsePhpForm } from '../../sandbox/parsePhpForm.ts';

t.test('plain fields become strings, a field without = is an empty string', async (t) => {
  t.same(parsePhpForm('wstoken=abc&wsfunction=core_webservice_get_site_info&flag'), {
    wstoken: 'abc',
    wsfunction: 'core_webservice_get_site_info',
    flag: '',
  });
});

t.test('indexed fields build nested arrays and objects like PHP', async (t) => {
  const body = new URLSearchParams([
    ['users[0][username]', 'jdoe'],
    ['users[0][email]', 'j@example.com'],
    ['users[1][username]', 'bsmith'],
    ['criteria[0][key]', 'email'],
    ['values[0]', '4'],
    ['values[1]', '5'],
    ['members[0][cohorttype][type]', 'id'],
  ]).toString();
  t.same(parsePhpForm(body), {
    users: [{ username: 'jdoe', email: 'j@example.com' }, { username: 'bsmith' }],
    criteria: [{ key: 'email' }],
    values: ['4', '5'],
    members: [{ cohorttype: { type: 'id' } }],
  });
});

t.test('[] appends after the highest integer key', async (t) => {
  t.same(parsePhpForm('a[]=x&a[]=y'), { a: ['x', 'y'] });
  t.same(parsePhpForm('a[5]=x&a[]=y'), { a: { 5: 'x', 6: 'y' } });
  t.same(parsePhpForm('a[k]=x&a[]=y'), { a: { k: 'x', 0: 'y' } });
});

t.test('keys that are not 0..n-1 in order give an object', async (t) => {
  t.same(parsePhpForm('v[1]=a'), { v: { 1: 'a' } });
  t.same(parsePhpForm('v[x]=a&v[y]=b'), { v: { x: 'a', y: 'b' } });
});

t.test('the last of two equal names wins, and a scalar and an array replace each other', async (t) => {
  t.same(parsePhpForm('a=1&a=2'), { a: '2' });
  t.same(parsePhpForm('a=1&a[b]=2'), { a: { b: '2' } });
  t.same(parsePhpForm('a[b]=2&a=1'), { a: '1' });
  t.same(parsePhpForm('a[b]=1&a[b][c]=2'), { a: { b: { c: '2' } } });
});

t.test('decoding follows PHP urldecode: + is a space, bad % escapes stay, UTF-8 is read', async (t) => {
  t.same(parsePhpForm('q=a+b%20c'), { q: 'a b c' });
  t.same(parsePhpForm('q=100%&r=%zz'), { q: '100%', r: '%zz' });
  t.same(parsePhpForm('name=J%C3%BCrgen&emoji=%F0%9F%98%80'), { name: 'Jürgen', emoji: '😀' });
  t.same(parsePhpForm('raw=Jürgen'), { raw: 'Jürgen' });
  t.same(parsePhpForm('users%5B0%5D%5Busername%5D=x'), { users: [{ username: 'x' }] }, 'encoded brackets');
});

t.test('names are mangled like PHP: dots and spaces become _, a [ without ] becomes _', async (t) => {
  t.same(parsePhpForm('a.b=1&c d=2&  e=3'), { a_b: '1', c_d: '2', e: '3' });
  t.same(parsePhpForm('a[b=1'), { a_b: '1' });
  t.same(parsePhpForm('a[x.y]=1'), { a: { 'x.y': '1' } }, 'no mangling inside brackets');
  t.same(parsePhpForm('a[b]c=1&d[e][f=2'), { a: { b: '1' }, d: { e: '2' } }, 'junk after ] is ignored');
});

t.test('fields without a name and empty pairs are dropped', async (t) => {
  t.same(parsePhpForm('=x&[a]=y&&b=1'), { b: '1' });
  t.same(parsePhpForm(''), {});
});

t.test('maxInputVars drops the fields after the limit, as PHP does', async (t) => {
  t.same(parsePhpForm('a=1&b=2&c=3', { maxInputVars: 2 }), { a: '1', b: '2' });
});
