import { describe, expect, it } from 'vitest';
import { decimalToNano } from '../../../functions/reconciler/decimal';
import { BilledFigureError } from '../../../functions/reconciler/errors';

describe('decimalToNano', () => {
  it.each([
    ['123.45', 'cents', 1_234_500_000],
    ['0.0000001', 'cents', 1],
    ['12.3456789', 'cents', 123_456_789],
    ['0', 'cents', 0],
    ['1.5', 'dollars', 1_500_000_000],
    ['0.0000000004', 'dollars', 0],
    ['0.0000000005', 'dollars', 1],
    ['-0.0000000005', 'dollars', -1],
    ['1.2E-7', 'dollars', 120],
    ['3e2', 'cents', 3_000_000_000],
    ['9007199.254740991', 'dollars', 9_007_199_254_740_991],
  ] as const)('reads %s %s as %i nano-dollars, without floating point', (text, unit, nano) => {
    // Act
    const value = decimalToNano(text, unit, 'amount');

    // Assess
    expect(value).toBe(nano);
  });

  it('sums ten thousand fractional cents exactly where doubles drift', () => {
    // Prepare: 0.1 cent, ten thousand times, is exactly $10.
    const amounts = Array.from({ length: 10_000 }, () => '0.1');

    // Act
    const sum = amounts.reduce((total, amount) => total + decimalToNano(amount, 'cents', 'amount'), 0);

    // Assess
    expect(sum).toBe(10_000_000_000);
  });

  it.each(['', '.', 'abc', '1.2.3', '1,5', null, 12])('refuses %j, naming the field', (text) => {
    // Act
    const read = () => decimalToNano(text, 'cents', 'cost.amount');

    // Assess
    expect(read).toThrow(BilledFigureError);
    expect(read).toThrow(/cost\.amount is not a decimal amount/);
  });

  it('refuses an amount beyond a safe integer of nano-dollars', () => {
    // Act
    const read = () => decimalToNano('99999999999', 'dollars', 'Amount');

    // Assess
    expect(read).toThrow(/Amount is out of range/);
  });
});
