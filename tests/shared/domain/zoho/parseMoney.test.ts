import t from 'tap';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import {
  addMoney,
  balanceDue,
  compareMoney,
  fromMinorUnits,
  MoneyFormatError,
  parseMoney,
  subtractMoney,
  sumMoney,
  toMinorUnits,
} from '../../../../shared/domain/zoho/parseMoney.ts';

/**
 * Money is exact: amounts become canonical 2-decimal strings and are added as bigint cents.
 * Ambiguous text (decimal commas, 3+ decimals) is refused rather than guessed.
 */

/** Calls fn and returns the MoneyFormatError it must throw. */
function moneyError(fn: () => unknown): MoneyFormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MoneyFormatError) return error;
    throw error;
  }
  throw new Error('expected a MoneyFormatError');
}

const ACCEPTED: [input: unknown, expected: string | null][] = [
  [null, null],
  [undefined, null],
  ['', null],
  ['   ', null],
  [4400, '4400.00'],
  [4400.5, '4400.50'],
  [4400.55, '4400.55'],
  [0, '0.00'],
  [-0, '0.00'],
  [-10, '-10.00'],
  [0.1, '0.10'],
  [0.3, '0.30'],
  [123456789012.34, '123456789012.34'],
  [999999999999999, '999999999999999.00'],
  ['4400', '4400.00'],
  ['4400.5', '4400.50'],
  ['0004400.05', '4400.05'],
  ['4400$', '4400.00'],
  ['4400 $', '4400.00'],
  ['$4,400.50', '4400.50'],
  ['$ 4,400.50', '4400.50'],
  [' 1,234,567.89 ', '1234567.89'],
  ['4,400', '4400.00'],
  ['-$10', '-10.00'],
  ['$-10', '-10.00'],
  ['-10 USD', '-10.00'],
  ['EUR 99.9', '99.90'],
  ['usd 5', '5.00'],
  ['€12', '12.00'],
  ['£7.25', '7.25'],
  ['₺55000', '55000.00'],
  ['55000 TL', '55000.00'],
  ['-0.00', '0.00'],
  ['123456789012345678901234567890.12', '123456789012345678901234567890.12'],
  ['-98765432109876543210', '-98765432109876543210.00'],
];

t.test('accepted forms become a canonical 2-decimal string', async (t) => {
  for (const [input, expected] of ACCEPTED) t.equal(parseMoney(input), expected, JSON.stringify(input) ?? 'undefined');
});

const REJECTED: [input: unknown, reason: string][] = [
  ['4400.500', 'has more than 2 decimal places'],
  ['4.400', 'has more than 2 decimal places'],
  [10.005, 'has more than 2 decimal places'],
  [1e-7, 'has more than 2 decimal places'],
  [0.1 + 0.2, 'has more than 2 decimal places'],
  ['4400,50', 'uses a decimal comma, which is ambiguous (use "." for decimals)'],
  [' 4 400,00 ', 'uses a decimal comma, which is ambiguous (use "." for decimals)'],
  ['4.400,00', 'uses a decimal comma, which is ambiguous (use "." for decimals)'],
  ['44,00', 'uses a decimal comma, which is ambiguous (use "." for decimals)'],
  ['4 400', 'is not a money amount'],
  ['1.234.567', 'is not a money amount'],
  ['44,0000', 'is not a money amount'],
  ['abc', 'is not a money amount'],
  ['$', 'is not a money amount'],
  ['-', 'is not a money amount'],
  ['+10', 'is not a money amount'],
  ['(10)', 'is not a money amount'],
  ['.5', 'is not a money amount'],
  ['5.', 'is not a money amount'],
  ['1e3', 'is not a money amount'],
  ['NaN', 'is not a money amount'],
  ['10 SAR', 'is not a money amount'],
  ['4400$ + 200', 'is not a money amount'],
  ['--10', 'has two minus signs'],
  ['-$-10', 'has two minus signs'],
  ['$10 USD', 'has two currency marks'],
  [Number.NaN, 'is not a finite number'],
  [Number.POSITIVE_INFINITY, 'is not a finite number'],
  [1e21, 'is too large to be exact as a JSON number'],
  // eslint-disable-next-line no-loss-of-precision -- a number JSON cannot carry exactly is the input under test
  [12345678901234567, 'has more digits than a JSON number carries exactly; send it as a string'],
  // eslint-disable-next-line no-loss-of-precision -- a number JSON cannot carry exactly is the input under test
  [90071992547409.93, 'has more digits than a JSON number carries exactly; send it as a string'],
  [true, 'is not a number or a string'],
  [{ amount: 10 }, 'is not a number or a string'],
  [[10], 'is not a number or a string'],
];

t.test('garbage and ambiguous forms are refused with a reason, without the value', async (t) => {
  for (const [input, reason] of REJECTED) {
    const error = moneyError(() => parseMoney(input));
    t.equal(error.reason, reason, String(input));
    t.ok(error instanceof PermanentError);
    t.equal(error.code, 'money.invalid');
    if (typeof input === 'string' && /\d/.test(input))
      t.notOk(error.message.includes(input.trim()), 'message omits the value');
  }
});

t.test('arithmetic is exact on bigint cents', async (t) => {
  t.equal(addMoney('0.10', '0.20'), '0.30');
  t.equal(addMoney('4400.00', '-4400.00'), '0.00');
  t.equal(addMoney('99999999999999999999.99', '0.01'), '100000000000000000000.00');
  t.equal(subtractMoney('10.00', '10.01'), '-0.01');
  t.equal(subtractMoney('-0.50', '0.50'), '-1.00');
  t.equal(compareMoney('10.00', '9.99'), 1);
  t.equal(compareMoney('-1.00', '0.00'), -1);
  t.equal(compareMoney('5.00', '5.00'), 0);
  t.equal(toMinorUnits('-12.34'), -1234n);
  t.equal(fromMinorUnits(-5n), '-0.05');
  t.equal(fromMinorUnits(0n), '0.00');
  t.equal(sumMoney([]), '0.00');
});

t.test('the dashboard finance summary: total of installments, paid, balance floored at zero', async (t) => {
  const installments = ['1500', 1699.5, '1200.50$'].map((v) => parseMoney(v)!);
  const total = sumMoney(installments);
  t.equal(total, '4400.00');
  const paid = sumMoney(['1500.00', '1699.50']);
  t.equal(balanceDue(total, paid), '1200.50');
  t.equal(balanceDue(total, '5000.00'), '0.00', 'overpaid → zero balance');
  t.equal(balanceDue(total, total), '0.00');
});

t.test('arithmetic refuses strings that are not canonical money', async (t) => {
  for (const bad of ['10', '10.5', '$10.00', '010.00', '-0.00', '1e3', ' 1.00']) {
    t.equal(moneyError(() => addMoney(bad, '1.00')).reason, 'is not a canonical money string (like "4400.00")', bad);
  }
  t.throws(() => compareMoney('1.00', 1 as unknown as string), MoneyFormatError);
});
