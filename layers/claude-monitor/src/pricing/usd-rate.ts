import { PricingError } from './errors';
import type { TokenRates } from './types';

/** Nano-dollars per dollar: rates are stored as nano-dollars per million tokens. */
const NANO = 1_000_000_000;
const NINE_DECIMALS = /^\d+(\.\d{1,9})?$/;
/** Above this a rate is surely a typo (the dearest Claude rate is $150 per million). */
const MAX_USD_PER_MILLION = 1_000_000;

/**
 * Converts a dollar figure (e.g. USD per million tokens) to integer nano-dollars without binary rounding
 * error: the decimal text is split into whole and fractional digits instead of multiplying a double.
 * Accepts a JSON number or a decimal string with at most nine decimals.
 *
 * @throws PricingError naming `model` and `field` when the value is not such a figure.
 */
export const usdToNanoExact = (value: unknown, model?: string, field?: string): number => {
  const text = decimalText(value);
  if (text === undefined || !NINE_DECIMALS.test(text)) {
    throw new PricingError(
      `expected a non-negative dollar amount with at most 9 decimals, got ${JSON.stringify(value)}`,
      { model, field },
    );
  }
  const [whole = '0', fraction = ''] = text.split('.');
  if (Number(whole) > MAX_USD_PER_MILLION) {
    throw new PricingError(`${text} is above the sanity limit of ${MAX_USD_PER_MILLION}`, { model, field });
  }
  return Number(whole) * NANO + Number(fraction.padEnd(9, '0'));
};

const decimalText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim();
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  // toFixed(9) gives the intended digits of any literal with up to 9 decimals; the round trip rejects more.
  const fixed = value.toFixed(9);
  return Number(fixed) === value ? fixed : undefined;
};

/** Token rates from dollars per million tokens, in the order of Anthropic's pricing table. */
export const usdRates = (
  input: number,
  cacheWrite5m: number,
  cacheWrite1h: number,
  cacheRead: number,
  output: number,
): TokenRates => ({
  input: usdToNanoExact(input),
  output: usdToNanoExact(output),
  cacheWrite5m: usdToNanoExact(cacheWrite5m),
  cacheWrite1h: usdToNanoExact(cacheWrite1h),
  cacheRead: usdToNanoExact(cacheRead),
});
