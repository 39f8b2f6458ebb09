import t from 'tap';
import { mapUnit } from '../../../../shared/domain/dashboard/mapUnit.ts';
import { parseZohoRecord } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { IDS, unitRecord } from '../zoho/sampleRecords.ts';

/** A BTEC unit → the plugin's template: P1–P20 (P11+ from the subform), then M, then D. */

t.test('all twenty Pass criteria, Merit and Distinction, in order', async (t) => {
  const raw = unitRecord();
  raw.BTEC_Grading_Template_P1 = [
    Object.fromEntries([
      ['id', '1'],
      ...Array.from({ length: 10 }, (_, i) => [`P${i + 11}_description`, `Pass ${i + 11}`]),
    ]),
  ];
  const { record } = mapUnit(parseZohoRecord('BTEC', raw));
  t.match(record, { zohoid: IDS.unit, name: 'Unit 2: Networking', unitcode: 'H/618/7388', unitlevel: 'Level 5' });
  t.same(
    record.criteria.map((c) => c.code),
    [...Array.from({ length: 20 }, (_, i) => `P${i + 1}`), 'M1', 'M2', 'M3', 'M4', 'D1', 'D2'],
  );
  t.same(record.criteria[10], { code: 'P11', description: 'Pass 11' });
  t.same(record.criteria[20], { code: 'M1', description: 'Merit criterion 1' });
});

t.test('the sample unit: P1–P10, P11–P13 from two subform rows (P14 empty), M1–M4, D1–D2', async (t) => {
  const { record, warnings } = mapUnit(parseZohoRecord('BTEC', unitRecord()));
  t.same(record.criteria.map((c) => c.code).join(' '), 'P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P13 M1 M2 M3 M4 D1 D2');
  t.same(warnings, []);
});

t.test('no criteria, no code or level: "" and []', async (t) => {
  const raw: Record<string, unknown> = { id: IDS.unit, Name: 'Empty unit' };
  t.same(mapUnit(parseZohoRecord('BTEC', raw)).record, {
    zohoid: IDS.unit,
    name: 'Empty unit',
    unitcode: '',
    unitlevel: '',
    criteria: [],
  });
});
