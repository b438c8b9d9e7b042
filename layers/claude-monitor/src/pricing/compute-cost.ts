import { type CostBreakdown, PROVIDER, type Provider, type TokenUsage } from '../domain/call-record';
import { mulDivRoundHalfUp } from './exact-math';
import { type DatedPrices, pricesAt } from './price-periods';
import { PRICE_TABLE } from './price-table';
import { BEDROCK_SCOPE, resolveModel } from './resolve-model';
import type { PriceTable } from './types';

/** How a call was served, as far as it changes the price. */
export interface CostOptions {
  /** `usage.service_tier` of the response; `batch` applies the batch discount. */
  serviceTier?: string;
  /** `usage.speed` of the response; `fast` applies the model's fast-mode multiplier. */
  speed?: string;
  /**
   * `usage.inference_geo` of the response, e.g. `us` (data residency, 1.1x). Only the Claude API (1P) prices
   * it: on Bedrock and Vertex the endpoint decides the region, and its premium is the endpoint's.
   */
  inferenceGeo?: string;
  /**
   * Platform that served the call, when the model id does not say (a Vertex or Bedrock response reports the
   * plain Anthropic id).
   * @default the platform of the id's spelling (`anthropic` for a plain id)
   */
  provider?: Provider;
  /**
   * Vertex only: the endpoint location the client called: `global` costs the base rates; a multi-region
   * (`us`, `eu`) or a single region (e.g. `us-east5`) costs the model's regional premium.
   * @default 'global'
   */
  region?: string;
  /**
   * True for results of the Message Batches API.
   * @default false
   */
  batch?: boolean;
  /**
   * When the call was made: picks the prices in force on that date.
   * @default now
   */
  at?: Date;
  /**
   * Table to price with, e.g. the built-in one with deploy-time overrides merged in ({@link withOverrides}).
   * @default PRICE_TABLE
   */
  prices?: PriceTable;
}

/** Modifier names recorded in `CostBreakdown.modifiers`. */
export const COST_MODIFIER = {
  batch: 'batch',
  fast: 'fast',
  longContext: 'long_context',
  bedrockRegional: 'bedrock_regional',
  vertexRegional: 'vertex_regional',
  geoPrefix: 'geo:',
  periodPrefix: 'prices_until:',
} as const;

const PER_MILLION = 1_000_000;
/** Vertex's endpoint location without a premium. */
const VERTEX_GLOBAL = 'global';

/** One component: `tokens × rate × numerator ÷ divisor`, rounded half-up once. */
const tokenCost = (tokens: number, rate: number, numerator: number, divisor: number): number =>
  tokens === 0 ? 0 : mulDivRoundHalfUp(tokens, rate * numerator, divisor);

/** Token counts from the API are whole and non-negative; anything else is treated as none rather than thrown. */
const count = (value: number): number => (Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

/**
 * Prices one call exactly, in integer nano-dollars.
 *
 * Each component is `tokens × rate × multipliers ÷ 1,000,000` computed as an exact fraction and rounded
 * half-up to the nano-dollar once; the total is the sum of the rounded components, so totals over many calls
 * never drift. Multipliers (batch, fast mode, data residency on the Claude API, the regional-endpoint premium
 * on Bedrock and Vertex) stack by multiplication on every token rate; the long-context tier replaces the rates of the whole call when the
 * prompt (input + cache reads + cache writes) is above its threshold. Web search costs a flat fee per request
 * (never discounted); web fetch has no fee beyond the tokens it adds.
 *
 * Pure and safe for the hot path: ids resolve through a cached map, and no usage or option makes it throw.
 *
 * @returns a breakdown with `priced: false` and every component 0 when the model is not in the table
 * @example computeCost('claude-sonnet-4-5', { ...EMPTY_USAGE, inputTokens: 1000 }).totalNanoUsd // 3_000_000
 */
export const computeCost = (model: string, usage: TokenUsage, options: CostOptions = {}): CostBreakdown => {
  const prices = options.prices ?? PRICE_TABLE;
  const resolved = resolveModel(model, prices);
  const price = resolved === undefined ? undefined : prices.models[resolved.model];
  if (resolved === undefined || price === undefined) return unpricedCost(prices.version);

  const modifiers: string[] = [];
  // Most entries have no history: skip the clock and the period lookup for them.
  const dated: DatedPrices =
    price.history === undefined ? price : pricesAt(price, options.at?.getTime() ?? Date.now());
  if (dated.until !== undefined) modifiers.push(`${COST_MODIFIER.periodPrefix}${dated.until}`);

  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  const write5m = count(usage.cacheWrite5mTokens);
  const write1h = count(usage.cacheWrite1hTokens);
  const read = count(usage.cacheReadTokens);

  let rates = dated.rates;
  if (
    dated.longContext !== undefined &&
    input + write5m + write1h + read > dated.longContext.thresholdTokens
  ) {
    rates = dated.longContext.rates;
    modifiers.push(COST_MODIFIER.longContext);
  }

  // Stacked multipliers stay small integers (at most 6 × 11 × 11 over 2 × 10 × 10), so no reduction is needed.
  let numerator = 1;
  let denominator = 1;
  if (options.speed === 'fast' && price.fast !== undefined) {
    numerator *= price.fast[0];
    denominator *= price.fast[1];
    modifiers.push(COST_MODIFIER.fast);
  }
  if (options.batch === true || options.serviceTier === 'batch') {
    numerator *= price.batch[0];
    denominator *= price.batch[1];
    modifiers.push(COST_MODIFIER.batch);
  }
  const provider =
    options.provider !== undefined && resolved.provider === PROVIDER.anthropic
      ? options.provider
      : resolved.provider;
  // Own keys only: a value such as `constructor` must not reach Object.prototype. On Bedrock and Vertex the
  // endpoint premium below is the only geographic one: stacking both would charge 1.21x for a `us.` profile.
  const geo =
    provider === PROVIDER.anthropic &&
    options.inferenceGeo !== undefined &&
    Object.hasOwn(prices.inferenceGeo, options.inferenceGeo)
      ? prices.inferenceGeo[options.inferenceGeo]
      : undefined;
  if (geo !== undefined) {
    numerator *= geo[0];
    denominator *= geo[1];
    modifiers.push(`${COST_MODIFIER.geoPrefix}${options.inferenceGeo}`);
  }
  const endpointModifier =
    provider === PROVIDER.bedrock && resolved.scope === BEDROCK_SCOPE.regional
      ? COST_MODIFIER.bedrockRegional
      : provider === PROVIDER.vertex && (options.region ?? VERTEX_GLOBAL).toLowerCase() !== VERTEX_GLOBAL
        ? COST_MODIFIER.vertexRegional
        : undefined;
  if (endpointModifier !== undefined && price.regionalPremium !== undefined) {
    numerator *= price.regionalPremium[0];
    denominator *= price.regionalPremium[1];
    modifiers.push(endpointModifier);
  }

  const divisor = PER_MILLION * denominator;
  const inputNanoUsd = tokenCost(input, rates.input, numerator, divisor);
  const outputNanoUsd = tokenCost(output, rates.output, numerator, divisor);
  const cacheWrite5mNanoUsd = tokenCost(write5m, rates.cacheWrite5m, numerator, divisor);
  const cacheWrite1hNanoUsd = tokenCost(write1h, rates.cacheWrite1h, numerator, divisor);
  const cacheReadNanoUsd = tokenCost(read, rates.cacheRead, numerator, divisor);
  const webSearchNanoUsd = count(usage.webSearchRequests) * prices.serverTools.webSearchPerRequest;

  return {
    inputNanoUsd,
    outputNanoUsd,
    cacheWrite5mNanoUsd,
    cacheWrite1hNanoUsd,
    cacheReadNanoUsd,
    webSearchNanoUsd,
    totalNanoUsd:
      inputNanoUsd +
      outputNanoUsd +
      cacheWrite5mNanoUsd +
      cacheWrite1hNanoUsd +
      cacheReadNanoUsd +
      webSearchNanoUsd,
    priced: true,
    pricedAs: resolved.model,
    priceVersion: prices.version,
    modifiers,
  };
};

/** The breakdown of a call whose model has no price: zeros that must not be read as free. */
export const unpricedCost = (priceVersion: string): CostBreakdown => ({
  inputNanoUsd: 0,
  outputNanoUsd: 0,
  cacheWrite5mNanoUsd: 0,
  cacheWrite1hNanoUsd: 0,
  cacheReadNanoUsd: 0,
  webSearchNanoUsd: 0,
  totalNanoUsd: 0,
  priced: false,
  priceVersion,
  modifiers: [],
});

/** True when the call could not be priced: the caller should count it (`UnpricedCalls`) and warn. */
export const isUnpriced = (cost: CostBreakdown): boolean => !cost.priced;
