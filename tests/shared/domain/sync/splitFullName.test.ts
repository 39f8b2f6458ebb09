import t from 'tap';
import { splitFullName } from '../../../../shared/domain/sync/splitFullName.ts';

/** One name field → Moodle's first and last name: first word, then the rest; one word gets "-". */

const CASES: { name: string; input: string; expected: { firstname: string; lastname: string } }[] = [
  { name: 'two words', input: 'Leyla Quahog', expected: { firstname: 'Leyla', lastname: 'Quahog' } },
  {
    name: 'several words: the rest is the last name',
    input: 'Ahmad Al Hassan',
    expected: { firstname: 'Ahmad', lastname: 'Al Hassan' },
  },
  { name: 'a single word gets "-" as last name', input: 'Cher', expected: { firstname: 'Cher', lastname: '-' } },
  { name: 'empty', input: '', expected: { firstname: '', lastname: '' } },
  { name: 'only whitespace', input: ' \t\n ', expected: { firstname: '', lastname: '' } },
  {
    name: 'surrounding and repeated whitespace collapsed',
    input: '  Leyla \t  Nur\n Quahog  ',
    expected: { firstname: 'Leyla', lastname: 'Nur Quahog' },
  },
  {
    name: 'a non-breaking space separates words',
    input: 'Leyla\u00a0Quahog',
    expected: { firstname: 'Leyla', lastname: 'Quahog' },
  },
  { name: 'Arabic kept as it is', input: 'محمد عبد الله', expected: { firstname: 'محمد', lastname: 'عبد الله' } },
  {
    name: 'Turkish İ, ç, ğ, ş kept (no case change)',
    input: 'İsmail Çağlar Şahin',
    expected: { firstname: 'İsmail', lastname: 'Çağlar Şahin' },
  },
  {
    name: 'decomposed letters are composed (NFC)',
    input: 'C\u0327ag\u0306la Yi\u0307lmaz',
    expected: { firstname: 'Çağla', lastname: 'Yi\u0307lmaz'.normalize('NFC') },
  },
  { name: 'a single Arabic word', input: ' فاطمة ', expected: { firstname: 'فاطمة', lastname: '-' } },
  {
    name: 'hyphenated first name stays one word',
    input: 'Jean-Pierre Dupont',
    expected: { firstname: 'Jean-Pierre', lastname: 'Dupont' },
  },
];

t.test('splitFullName', async (t) => {
  for (const c of CASES) t.strictSame(splitFullName(c.input), c.expected, c.name);
});

t.test('the composed form is exactly NFC', async (t) => {
  const { firstname } = splitFullName('C\u0327ag\u0306la X');
  t.equal(firstname, '\u00c7a\u011fla', 'Ç and ğ as single code points');
  t.equal(firstname.length, 5);
});
