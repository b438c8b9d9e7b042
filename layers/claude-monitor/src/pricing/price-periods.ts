import { PricingError } from './errors';
import type { LongContextTier, ModelPrice, TokenRates } from './types';

/** The rates of a model on one date. */
export interface DatedPrices {
  rates: TokenRates;
  longContext?: LongContextTier;
  /** Last day of the historical period used; absent for current prices. */
  until?: string;
}

interface Period extends DatedPrices {
  /** First instant after the period, epoch ms. */
  endsBeforeMs: number;
}

const DAY_MS = 86_400_000;
const compiled = new WeakMap<ModelPrice, { periods: Period[]; current: DatedPrices }>();

/** Parses `YYYY-MM-DD` as a UTC day; a malformed date would silently misprice, so it throws. */
export const dayEndMs = (day: string): number => {
  const start = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(start))
    throw new PricingError(`price history day is not YYYY-MM-DD: ${day}`);
  return start + DAY_MS;
};

const compile = (price: ModelPrice): { periods: Period[]; current: DatedPrices } => {
  const current: DatedPrices =
    price.longContext === undefined
      ? { rates: price.rates }
      : { rates: price.rates, longContext: price.longContext };
  const periods = (price.history ?? [])
    .map((period): Period => {
      const longContext =
        period.longContext === undefined ? price.longContext : (period.longContext ?? undefined);
      const dated: Period = {
        rates: { ...price.rates, ...period.rates },
        until: period.until,
        endsBeforeMs: dayEndMs(period.until),
      };
      if (longContext !== undefined) dated.longContext = longContext;
      return dated;
    })
    .sort((a, b) => a.endsBeforeMs - b.endsBeforeMs);
  return { periods, current };
};

/** Prices of `price` in force at `atMs` (epoch ms). Compiled once per entry; a lookup is a short scan. */
export const pricesAt = (price: ModelPrice, atMs: number): DatedPrices => {
  let entry = compiled.get(price);
  if (entry === undefined) {
    entry = compile(price);
    compiled.set(price, entry);
  }
  for (const period of entry.periods) {
    if (atMs < period.endsBeforeMs) return period;
  }
  return entry.current;
};
