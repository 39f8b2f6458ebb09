import t from 'tap';
import { checkPasswordPolicy } from '../../../sandbox/moodle/checkPasswordPolicy.ts';

t.test('a password meeting the default policy passes', async (t) => {
  t.equal(checkPasswordPolicy('Passw0rd!x'), '');
  t.equal(checkPasswordPolicy('Ünïcödé-9x'), '', 'letters beyond ASCII count as upper and lower case');
});

t.test('a weak password gives one <div> per failed rule, in Moodle\'s order (as recorded for "abc")', async (t) => {
  t.equal(
    checkPasswordPolicy('abc'),
    '<div>Passwords must be at least 8 characters long.</div><div>Passwords must have at least 1 digit(s).</div><div>Passwords must have at least 1 upper case letter(s).</div><div>The password must have at least 1 special character(s) such as *, -, or #.</div>',
  );
  t.equal(checkPasswordPolicy('ABCDEFG1!'), '<div>Passwords must have at least 1 lower case letter(s).</div>');
  t.equal(checkPasswordPolicy('Abcdefg1 '), '', 'a space is a special character');
});
