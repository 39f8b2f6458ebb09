import t from 'tap';
import { mapProgramToCategory, type DesiredCategory } from '../../../../shared/domain/sync/mapProgramToCategory.ts';
import { IDS, program } from './syncRecords.ts';

/** A Zoho program → its course category; `MoodleID` names a category made by hand, when it is a valid id. */

const SAMPLE: DesiredCategory = { name: 'HND in Computing', idnumber: IDS.program, existingCategoryId: 12 };

const CASES: { name: string; input: Record<string, unknown>; expected: Partial<DesiredCategory> }[] = [
  { name: 'the sample program', input: {}, expected: {} },
  { name: 'name trimmed', input: { Product_Name: '  HND in Business ' }, expected: { name: 'HND in Business' } },
  { name: 'Arabic name kept', input: { Product_Name: 'دبلوم الحوسبة' }, expected: { name: 'دبلوم الحوسبة' } },
  { name: 'Turkish name kept', input: { Product_Name: 'İşletme Yönetimi' }, expected: { name: 'İşletme Yönetimi' } },
  { name: 'no MoodleID', input: { MoodleID: null }, expected: { existingCategoryId: null } },
  { name: 'a blank MoodleID counts as none', input: { MoodleID: '   ' }, expected: { existingCategoryId: null } },
  { name: 'MoodleID with spaces', input: { MoodleID: ' 7 ' }, expected: { existingCategoryId: 7 } },
  { name: 'MoodleID 1 (the Miscellaneous category)', input: { MoodleID: '1' }, expected: { existingCategoryId: 1 } },
  { name: 'a large MoodleID', input: { MoodleID: '1234567890' }, expected: { existingCategoryId: 1234567890 } },
  { name: 'MoodleID 0 is no category', input: { MoodleID: '0' }, expected: { existingCategoryId: null } },
  {
    name: 'MoodleID with a leading zero is refused',
    input: { MoodleID: '012' },
    expected: { existingCategoryId: null },
  },
  { name: 'negative MoodleID', input: { MoodleID: '-3' }, expected: { existingCategoryId: null } },
  { name: 'decimal MoodleID', input: { MoodleID: '12.5' }, expected: { existingCategoryId: null } },
  { name: 'MoodleID with text', input: { MoodleID: '12a' }, expected: { existingCategoryId: null } },
  {
    name: 'MoodleID as a URL',
    input: { MoodleID: 'https://moodle.college.example/course/index.php?categoryid=12' },
    expected: { existingCategoryId: null },
  },
];

t.test('mapProgramToCategory', async (t) => {
  for (const c of CASES) t.strictSame(mapProgramToCategory(program(c.input)), { ...SAMPLE, ...c.expected }, c.name);
});

t.test('a MoodleID too long to be an exact JavaScript number is ignored, never rounded to another id', async (t) => {
  t.equal(mapProgramToCategory(program({ MoodleID: '123456789012345678' })).existingCategoryId, null);
  t.equal(mapProgramToCategory(program({ MoodleID: '123456789012345' })).existingCategoryId, 123456789012345);
});
