/**
 * `round(a × b ÷ divisor)` with halves rounded up, exact for non-negative integers.
 * Doubles hold integers exactly only up to 2^53, so larger products go through BigInt; the common case
 * (a few thousand tokens at a few dollars per million) stays on the fast path.
 */
export const mulDivRoundHalfUp = (a: number, b: number, divisor: number): number => {
  const product = a * b;
  if (product <= Number.MAX_SAFE_INTEGER) {
    // `%` on integers below 2^53 is exact, unlike flooring a rounded quotient.
    const remainder = product % divisor;
    const quotient = (product - remainder) / divisor;
    return remainder * 2 >= divisor ? quotient + 1 : quotient;
  }
  const big = BigInt(a) * BigInt(b);
  const bigDivisor = BigInt(divisor);
  const quotient = big / bigDivisor;
  const remainder = big - quotient * bigDivisor;
  return Number(remainder * 2n >= bigDivisor ? quotient + 1n : quotient);
};

/** A multiplier as an exact fraction: `[numerator, denominator]`, e.g. 1.1 is `[11, 10]`. */
export type Ratio = readonly [numerator: number, denominator: number];
