export type { CostOptions } from './compute-cost';
export { COST_MODIFIER, computeCost, isUnpriced, unpricedCost } from './compute-cost';
export type { PricingErrorOptions } from './errors';
export { PricingError } from './errors';
export type { Ratio } from './exact-math';
export { BATCH_DISCOUNT, FAST_2X, FAST_6X, TEN_PERCENT_PREMIUM } from './multipliers';
export { loadPriceTable, OVERRIDES_VERSION_SUFFIX, parsePriceOverrides, withOverrides } from './overrides';
export { PRICE_TABLE, PRICE_TABLE_VERSION, UNPRICED_SDK_MODELS } from './price-table';
export type { BedrockScope, ResolvedModel } from './resolve-model';
export { BEDROCK_SCOPE, resolveModel } from './resolve-model';
export type {
  LongContextTier,
  ModelPrice,
  PricePeriod,
  PriceTable,
  ServerToolPrices,
  TokenRates,
  Verification,
} from './types';
export { VERIFICATION } from './types';
export { usdToNanoExact } from './usd-rate';
