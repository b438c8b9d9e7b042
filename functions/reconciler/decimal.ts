import { BilledFigureError } from './errors';

/** Nano-dollars per unit, as a power of ten: a cent is 10^7 nano-dollars, a dollar 10^9. */
export const MONEY_UNIT = { cents: 7, dollars: 9 } as const;
export type MoneyUnit = keyof typeof MONEY_UNIT;

/** A decimal as bills write it: sign, digits, optional fraction, optional exponent (`1.5E-7`). */
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * Converts a decimal string to integer nano-dollars without floating point: the digits become a BigInt, the
 * decimal point and exponent a power of ten. Figures finer than a nano-dollar (Cost Explorer reports up to
 * ten decimals of a dollar) are rounded half away from zero, once.
 *
 * @param text - e.g. `"123.45"` cents (the Admin API) or `"0.0000123"` dollars (Cost Explorer)
 * @param unit - what one unit of `text` is
 * @throws BilledFigureError naming `field` when the text is not a decimal or the amount is not a safe integer
 * @example decimalToNano('123.45', 'cents') // 1_234_500_000, i.e. $1.2345
 */
export const decimalToNano = (text: unknown, unit: MoneyUnit, field: string): number => {
  const match = typeof text === 'string' ? DECIMAL.exec(text.trim()) : null;
  if (match === null || `${match[2]}${match[3] ?? ''}` === '') {
    throw new BilledFigureError(`${field} is not a decimal amount: ${JSON.stringify(text)}`);
  }
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${whole}${fraction}` || '0');
  // value = digits × 10^(exponent − fraction length); nano = value × 10^unit.
  const shift = Number(exponent) - fraction.length + MONEY_UNIT[unit];
  let nano: bigint;
  if (shift >= 0) nano = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const quotient = digits / divisor;
    nano = (digits % divisor) * 2n >= divisor ? quotient + 1n : quotient;
  }
  const value = Number(sign === '-' ? -nano : nano);
  if (!Number.isSafeInteger(value)) throw new BilledFigureError(`${field} is out of range: ${String(text)}`);
  return value;
};
