import t from 'tap';
import { mapEnrollment, type DesiredEnrolment } from '../../../../shared/domain/sync/mapEnrollment.ts';
import { enrollment, IDS } from './syncRecords.ts';

/** A Zoho enrollment → which student goes in which class; its dates and type are not applied. */

const OTHER_STUDENT = '5843210000001999999';
const OTHER_CLASS = '5843210000005999999';

const CASES: { name: string; input: Record<string, unknown>; expected: DesiredEnrolment }[] = [
  { name: 'the sample enrollment', input: {}, expected: { studentZohoId: IDS.student, classZohoId: IDS.class } },
  {
    name: 'other lookups',
    input: {
      Enrolled_Students: { name: 'ST-2026-0099', id: OTHER_STUDENT },
      Classes: { name: 'Other', id: OTHER_CLASS },
    },
    expected: { studentZohoId: OTHER_STUDENT, classZohoId: OTHER_CLASS },
  },
  {
    name: 'dates, type and names do not change the enrolment',
    input: {
      Start_Date: '2027-01-01',
      End_Date: '2027-06-30',
      Enrollment_Type: 'Recording',
      Student_Name: 'Someone Else',
    },
    expected: { studentZohoId: IDS.student, classZohoId: IDS.class },
  },
  {
    name: 'a lookup without a name',
    input: { Enrolled_Students: { id: OTHER_STUDENT } },
    expected: { studentZohoId: OTHER_STUDENT, classZohoId: IDS.class },
  },
];

t.test('mapEnrollment', async (t) => {
  for (const c of CASES) t.strictSame(mapEnrollment(enrollment(c.input)), c.expected, c.name);
});

t.test('only the two lookups are read (a partial object is enough)', async (t) => {
  t.strictSame(mapEnrollment({ student: { id: '1', name: '' }, class: { id: '2', name: '' } }), {
    studentZohoId: '1',
    classZohoId: '2',
  });
});
