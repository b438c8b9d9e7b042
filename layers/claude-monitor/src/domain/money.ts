/**
 * Money is integer nano-dollars (1e-9 USD) from the price table to the API, so sums never drift.
 * Conversion to dollars happens only at the edge (API responses, alert messages, CSV).
 */
export const NANO_PER_USD = 1_000_000_000;

/** Nano-dollars to a dollar figure for display, rounded to `digits` decimals. */
export const nanoToUsd = (nano: number, digits = 6): number => Number((nano / NANO_PER_USD).toFixed(digits));

/** A dollar amount from configuration (e.g. a $10 threshold) to nano-dollars. */
export const usdToNano = (usd: number): number => Math.round(usd * NANO_PER_USD);

/** `$12.34` style text for subjects and bodies. */
export const formatUsd = (nano: number): string => `$${(nano / NANO_PER_USD).toFixed(2)}`;
