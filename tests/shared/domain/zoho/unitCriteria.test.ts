import t from 'tap';
import { unitCriteria } from '../../../../shared/domain/zoho/unitCriteria.ts';
import { parseZohoRecord } from '../../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { unitRecord } from './sampleRecords.ts';

/** A unit's criteria come out in P, M, D order, with P11+ taken from the grading-template subform. */

t.test('criteria list P1–P10, then P11+ from the subform, then merits and distinctions', async (t) => {
  const criteria = unitCriteria(parseZohoRecord('BTEC', unitRecord()));
  t.same(
    criteria.map((c) => c.code),
    [
      'P1',
      'P2',
      'P3',
      'P4',
      'P5',
      'P6',
      'P7',
      'P8',
      'P9',
      'P10',
      'P11',
      'P12',
      'P13',
      'M1',
      'M2',
      'M3',
      'M4',
      'D1',
      'D2',
    ],
  );
  t.same(
    criteria.map((c) => c.sortOrder),
    criteria.map((_, i) => i + 1),
    'one running sort order',
  );
  t.match(criteria[10], { code: 'P11', level: 'pass', description: 'Configure a VLAN' });
  t.match(criteria[13], { code: 'M1', level: 'merit', description: 'Merit criterion 1' });
  t.match(criteria[17], { code: 'D1', level: 'distinction' });
});

t.test('a repeated subform column keeps the first filled value, and blanks are skipped', async (t) => {
  const raw = unitRecord();
  raw.BTEC_Grading_Template_P1 = [
    { id: '5843210000004560001', P11_description: '   ' },
    { id: '5843210000004560002', P11_description: 'First filled', P20_description: 'Last pass' },
    { id: '5843210000004560003', P11_description: 'Later duplicate' },
  ];
  raw.P3_description = null;
  const criteria = unitCriteria(parseZohoRecord('BTEC', raw));
  const passes = criteria.filter((c) => c.level === 'pass');
  t.same(
    passes.map((c) => c.code),
    ['P1', 'P2', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10', 'P11', 'P20'],
  );
  t.equal(passes.find((c) => c.code === 'P11')?.description, 'First filled');
});
