import t from 'tap';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import {
  classIsCourseReady,
  mapClassToCourse,
  shortnameCandidates,
  zohoDateToUnix,
  type DesiredCourse,
} from '../../../../shared/domain/sync/mapClassToCourse.ts';
import { IDS, thrownBy, zohoClass } from './syncRecords.ts';

/**
 * A Zoho class → the Moodle course it should be: names, idnumber, dates at 00:00 UTC, the
 * program and teacher it needs; made-unique shortnames stay within Moodle's 255 characters.
 */

const FEB_2_2026 = 1769990400;
const MAY_29_2026 = 1780012800;

const DATES: { name: string; input: string | null; expected: number | null }[] = [
  { name: 'null', input: null, expected: null },
  { name: 'empty', input: '', expected: null },
  { name: 'the epoch', input: '1970-01-01', expected: 0 },
  { name: 'a class start', input: '2026-02-02', expected: FEB_2_2026 },
  { name: 'a class end', input: '2026-05-29', expected: MAY_29_2026 },
  { name: 'a leap day', input: '2024-02-29', expected: 1709164800 },
  { name: 'the last day of a year', input: '2026-12-31', expected: 1798675200 },
];

t.test('zohoDateToUnix: 00:00 UTC of the day, in seconds', async (t) => {
  for (const c of DATES) t.equal(zohoDateToUnix(c.input), c.expected, c.name);
});

const SAMPLE: DesiredCourse = {
  fullname: 'Networking - L5 - T1 2026',
  shortname: 'NET-L5-T1-26',
  idnumber: IDS.class,
  programZohoId: IDS.program,
  teacherZohoId: IDS.teacher,
  startdate: FEB_2_2026,
  enddate: MAY_29_2026,
};

/** 255 characters (Moodle's and Zoho's limit), Turkish letters, no surrounding space. */
const LONG_NAME = `${'Ağ Temelleri ve Güvenlik '.repeat(11).slice(0, 254)}Z`;

const MAP_CASES: { name: string; input: Record<string, unknown>; expected: Partial<DesiredCourse> }[] = [
  { name: 'the sample class', input: {}, expected: {} },
  {
    name: 'no Class_Short_Name: the shortname is Class_Name',
    input: { Class_Short_Name: null },
    expected: { shortname: 'Networking - L5 - T1 2026' },
  },
  {
    name: 'a blank Class_Short_Name falls back too',
    input: { Class_Short_Name: '   ' },
    expected: { shortname: 'Networking - L5 - T1 2026' },
  },
  {
    name: 'names trimmed',
    input: { Class_Name: '  Networking  ', Class_Short_Name: ' NET ' },
    expected: { fullname: 'Networking', shortname: 'NET' },
  },
  {
    name: 'Unicode names kept',
    input: { Class_Name: 'الشبكات - Ağ Temelleri', Class_Short_Name: 'İŞL-101' },
    expected: { fullname: 'الشبكات - Ağ Temelleri', shortname: 'İŞL-101' },
  },
  {
    name: 'a 255-character Class_Name is also a valid shortname',
    input: { Class_Name: LONG_NAME, Class_Short_Name: null },
    expected: { fullname: LONG_NAME, shortname: LONG_NAME },
  },
  { name: 'no teacher', input: { Teacher: null }, expected: { teacherZohoId: null } },
  { name: 'no dates', input: { Start_Date: null, End_Date: null }, expected: { startdate: null, enddate: null } },
  { name: 'only a start date', input: { End_Date: null }, expected: { enddate: null } },
  { name: 'only an end date', input: { Start_Date: null }, expected: { startdate: null } },
  {
    name: 'a one-day class (end = start) is accepted',
    input: { End_Date: '2026-02-02' },
    expected: { enddate: FEB_2_2026 },
  },
  { name: 'the status does not matter to the mapping', input: { Class_Status: 'End' }, expected: {} },
];

t.test('mapClassToCourse', async (t) => {
  t.equal(LONG_NAME.length, 255, 'the long name is 255 characters');
  for (const c of MAP_CASES) t.strictSame(mapClassToCourse(zohoClass(c.input)), { ...SAMPLE, ...c.expected }, c.name);
});

const ERROR_CASES: { name: string; input: Record<string, unknown>; expected: { code: string; message: RegExp } }[] = [
  {
    name: 'no Class_Name',
    input: { Class_Name: null },
    expected: { code: 'zoho.missing_field', message: new RegExp(`^BTEC_Classes ${IDS.class}: Class_Name is empty`) },
  },
  {
    name: 'a blank Class_Name',
    input: { Class_Name: ' \t ' },
    expected: { code: 'zoho.missing_field', message: /Class_Name is empty/ },
  },
  {
    name: 'no Class_Name, even with a Class_Short_Name',
    input: { Class_Name: null, Class_Short_Name: 'NET' },
    expected: { code: 'zoho.missing_field', message: /Class_Name is empty; it is the Moodle course name/ },
  },
  {
    name: 'no BTEC_Program',
    input: { BTEC_Program: null },
    expected: { code: 'zoho.missing_field', message: new RegExp(`^BTEC_Classes ${IDS.class}: BTEC_Program is empty`) },
  },
  {
    name: 'end date before start date',
    input: { Start_Date: '2026-05-29', End_Date: '2026-02-02' },
    expected: {
      code: 'zoho.invalid_dates',
      message: new RegExp(`^BTEC_Classes ${IDS.class}: End_Date 2026-02-02 is before Start_Date 2026-05-29$`),
    },
  },
  {
    name: 'end date one day before start',
    input: { Start_Date: '2026-02-02', End_Date: '2026-02-01' },
    expected: { code: 'zoho.invalid_dates', message: /End_Date 2026-02-01 is before Start_Date 2026-02-02/ },
  },
];

t.test('a class that cannot be a course is a PermanentError naming the record', async (t) => {
  for (const c of ERROR_CASES) {
    const error = thrownBy(() => mapClassToCourse(zohoClass(c.input)));
    t.ok(error instanceof PermanentError, `${c.name}: a PermanentError`);
    if (!(error instanceof PermanentError)) continue;
    t.equal(error.code, c.expected.code, `${c.name}: code`);
    t.match(error.message, c.expected.message, `${c.name}: message`);
  }
});

const READY: { name: string; input: { status: string | null; createWhenStatus: string[] }; expected: boolean }[] = [
  { name: 'Active with the default list', input: { status: 'Active', createWhenStatus: ['Active'] }, expected: true },
  {
    name: 'Pending with the default list',
    input: { status: 'Pending', createWhenStatus: ['Active'] },
    expected: false,
  },
  { name: 'no status', input: { status: null, createWhenStatus: ['Active'] }, expected: false },
  {
    name: 'a longer list',
    input: { status: 'Initial Evaluation', createWhenStatus: ['Active', 'Initial Evaluation'] },
    expected: true,
  },
  { name: 'an empty list creates nothing', input: { status: 'Active', createWhenStatus: [] }, expected: false },
  {
    name: 'case-sensitive, as Zoho picklists are',
    input: { status: 'Active', createWhenStatus: ['active'] },
    expected: false,
  },
];

t.test('classIsCourseReady', async (t) => {
  for (const c of READY) {
    const cls = zohoClass({ Class_Status: c.input.status });
    t.equal(classIsCourseReady(cls, c.input.createWhenStatus), c.expected, c.name);
  }
});

const ID = IDS.class; // 5843210000005678901

const CANDIDATES: { name: string; input: { shortname: string; recordNumber: string | null }; expected: string[] }[] = [
  {
    name: 'own shortname, then with the record number, then with the Zoho id',
    input: { shortname: 'NET-L5-T1-26', recordNumber: 'CLS-00318' },
    expected: ['NET-L5-T1-26', 'NET-L5-T1-26 (CLS-00318)', `NET-L5-T1-26 (${ID})`],
  },
  {
    name: 'no record number: the last six digits of the id',
    input: { shortname: 'NET-L5-T1-26', recordNumber: null },
    expected: ['NET-L5-T1-26', 'NET-L5-T1-26 (678901)', `NET-L5-T1-26 (${ID})`],
  },
  {
    name: 'a blank record number counts as none',
    input: { shortname: 'NET', recordNumber: '  ' },
    expected: ['NET', 'NET (678901)', `NET (${ID})`],
  },
  {
    name: 'record number trimmed',
    input: { shortname: 'NET', recordNumber: ' CLS-7 ' },
    expected: ['NET', 'NET (CLS-7)', `NET (${ID})`],
  },
  {
    name: 'Unicode shortname',
    input: { shortname: 'Ağ Temelleri', recordNumber: 'CLS-1' },
    expected: ['Ağ Temelleri', 'Ağ Temelleri (CLS-1)', `Ağ Temelleri (${ID})`],
  },
];

t.test('shortnameCandidates', async (t) => {
  for (const c of CANDIDATES) {
    t.strictSame(
      shortnameCandidates(c.input.shortname, { id: ID, recordNumber: c.input.recordNumber }),
      c.expected,
      c.name,
    );
  }
});

t.test('shortname candidates of a 255-character shortname stay within 255 characters', async (t) => {
  const cases = [
    { name: 'ASCII', shortname: 'S'.repeat(255) },
    { name: 'Turkish letters', shortname: 'ç'.repeat(255) },
    { name: 'the longest class name', shortname: LONG_NAME },
  ];
  for (const c of cases) {
    const [own, withNumber, withId] = shortnameCandidates(c.shortname, { id: ID, recordNumber: 'CLS-00318' });
    t.equal(own, c.shortname, `${c.name}: first the shortname itself`);
    t.equal(withNumber?.length, 255, `${c.name}: with record number, 255 long`);
    t.equal(withId?.length, 255, `${c.name}: with id, 255 long`);
    t.ok(
      withNumber?.endsWith(' (CLS-00318)') && c.shortname.startsWith(withNumber.slice(0, -' (CLS-00318)'.length)),
      `${c.name}: shortname cut, record number kept`,
    );
    t.ok(
      withId?.endsWith(` (${ID})`) && c.shortname.startsWith(withId.slice(0, -` (${ID})`.length)),
      `${c.name}: shortname cut, id kept`,
    );
  }
  const mapped = mapClassToCourse(zohoClass({ Class_Name: LONG_NAME, Class_Short_Name: null }));
  const all = shortnameCandidates(mapped.shortname, zohoClass({ Class_Name: LONG_NAME, Class_Short_Name: null }));
  t.equal(new Set(all).size, 3, 'three distinct candidates');
  t.ok(
    all.every((s) => s.length <= 255),
    "all within Moodle's limit",
  );
});
