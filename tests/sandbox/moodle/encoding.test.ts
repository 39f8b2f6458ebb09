import t from 'tap';
import { moodleError } from '../../../sandbox/moodle/MoodleException.ts';
import { parseMoodleXml } from '../../../sandbox/moodle/parseMoodleXml.ts';
import { phpJsonEncode } from '../../../sandbox/moodle/phpJsonEncode.ts';
import { renderMoodleXml, renderMoodleXmlException } from '../../../sandbox/moodle/renderMoodleXml.ts';

t.test('phpJsonEncode writes JSON as PHP does: escaped slashes and \\u escapes, undefined keys left out', async (t) => {
  t.equal(
    phpJsonEncode({ url: 'http://x/y', name: 'Jürgen 😀', gone: undefined, n: null }),
    '{"url":"http:\\/\\/x\\/y","name":"J\\u00fcrgen \\ud83d\\ude00","n":null}',
  );
  t.equal(phpJsonEncode(null), 'null');
  t.equal(phpJsonEncode(undefined), 'null', 'nothing is null');
  t.same(JSON.parse(phpJsonEncode({ s: 'a/ü' })), { s: 'a/ü' }, 'still valid JSON');
});

t.test("renderMoodleXml writes Moodle's RESPONSE/SINGLE/MULTIPLE/KEY/VALUE format", async (t) => {
  t.equal(
    renderMoodleXml({ a: 1, b: [true, false], c: null, d: undefined, e: 'x<&>"y' }),
    '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n<SINGLE>\n<KEY name="a"><VALUE>1</VALUE>\n</KEY>\n<KEY name="b"><MULTIPLE>\n<VALUE>1</VALUE>\n<VALUE>0</VALUE>\n</MULTIPLE>\n</KEY>\n<KEY name="c"><VALUE null="null"/>\n</KEY>\n<KEY name="d"><VALUE null="null"/>\n</KEY>\n<KEY name="e"><VALUE>x&lt;&amp;&gt;&quot;y</VALUE>\n</KEY>\n</SINGLE>\n</RESPONSE>\n',
  );
  t.equal(
    renderMoodleXml(null),
    '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n</RESPONSE>\n',
    'a void function',
  );
});

t.test('renderMoodleXmlException writes the recorded EXCEPTION format, DEBUGINFO only in debug mode', async (t) => {
  const error = moodleError('invalidtoken', 'Invalid token - token not found', 'why & how');
  t.equal(
    renderMoodleXmlException(error, false),
    '<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="core\\exception\\moodle_exception">\n<ERRORCODE>invalidtoken</ERRORCODE>\n<MESSAGE>Invalid token - token not found</MESSAGE>\n</EXCEPTION>\n',
  );
  t.match(renderMoodleXmlException(error, true), /<DEBUGINFO>why &amp; how<\/DEBUGINFO>\n<\/EXCEPTION>/);
});

t.test("parseMoodleXml reads Moodle's XML back into the JSON it stands for", async (t) => {
  t.same(parseMoodleXml(renderMoodleXml({ a: 1, b: [true, { c: 'x&y' }], d: null })), {
    a: '1',
    b: ['1', { c: 'x&y' }],
    d: null,
  });
  t.equal(parseMoodleXml(renderMoodleXml(null)), null);
  t.same(parseMoodleXml(renderMoodleXmlException(moodleError('x', 'y', 'z'), true)), {
    exception: 'core\\exception\\moodle_exception',
    errorcode: 'x',
    message: 'y',
    debuginfo: 'z',
  });
  t.same(parseMoodleXml('<RESPONSE><VALUE>&#39;&#65;</VALUE></RESPONSE>'), "'A");
  for (const bad of [
    '<RESPONSE><SINGLE><VALUE>1</VALUE></SINGLE></RESPONSE>',
    '<OTHER/>',
    '<RESPONSE><SINGLE></RESPONSE>',
    '',
    '<RESPONSE><FOO/></RESPONSE>',
    '<RESPONSE>\n</RESPONSE>x<',
  ]) {
    t.throws(() => parseMoodleXml(bad), bad);
  }
});
