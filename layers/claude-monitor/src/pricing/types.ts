import type { Ratio } from './exact-math';

/**
 * Token rates of one model in integer nano-dollars per million tokens ($3 / MTok is `3_000_000_000`).
 * Per million rather than per token so that every published rate, down to $0.03, is a whole number.
 */
export interface TokenRates {
  readonly input: number;
  readonly output: number;
  /** Prompt-cache writes with the default 5-minute lifetime. */
  readonly cacheWrite5m: number;
  /** Prompt-cache writes with the 1-hour lifetime. */
  readonly cacheWrite1h: number;
  /** Cache hits and refreshes. */
  readonly cacheRead: number;
}

/**
 * Dearer rates for long prompts. A call is in the tier when its prompt (input + cache reads + both kinds of
 * cache writes) is strictly above `thresholdTokens`; then every token of the call, output included, is priced
 * at `rates`.
 */
export interface LongContextTier {
  readonly thresholdTokens: number;
  readonly rates: TokenRates;
}

/**
 * Prices that held until a date, for calls made before a price change.
 * Fields left out are those of the current entry.
 */
export interface PricePeriod {
  /** Last UTC day (inclusive, `YYYY-MM-DD`) on which these prices applied. */
  readonly until: string;
  readonly rates?: Partial<TokenRates>;
  /** `null` when the model had no long-context tier then. */
  readonly longContext?: LongContextTier | null;
}

/** How far a price has been checked against the publisher's own pages. */
export const VERIFICATION = {
  /** Read on Anthropic's pricing or model pages. */
  official: 'official',
  /** Only in third-party price lists or coverage. */
  thirdParty: 'third-party',
  /** Derived by a published rule (e.g. a sister model's price, or the cache multipliers). */
  derived: 'derived',
  /** Set by the deployment's price overrides. */
  override: 'override',
} as const;
export type Verification = (typeof VERIFICATION)[keyof typeof VERIFICATION];

/** One model in the price table. */
export interface ModelPrice {
  /** Human name, e.g. `Claude Sonnet 4.5`. */
  readonly name: string;
  /** Other Anthropic ids of the same model (undated alias, `-latest`). Matched case-insensitively. */
  readonly aliases?: readonly string[];
  /** Current rates. */
  readonly rates: TokenRates;
  readonly longContext?: LongContextTier;
  /** Multiplier of the Message Batches API on every token rate. */
  readonly batch: Ratio;
  /** Multiplier of fast mode (`speed: 'fast'`) on every token rate, when the model offers it. */
  readonly fast?: Ratio;
  /**
   * Premium of Bedrock's regional and geographic inference profiles (`us.`, `eu.`, …) over `global.`,
   * for the models whose cloud prices differ by endpoint.
   */
  readonly regionalPremium?: Ratio;
  /** Older prices, oldest first. */
  readonly history?: readonly PricePeriod[];
  /** Where the figures come from. */
  readonly source: string;
  readonly verified: Verification;
}

/** Fees of server tools, in integer nano-dollars per request. Web fetch has none: its content is billed as input. */
export interface ServerToolPrices {
  readonly webSearchPerRequest: number;
}

/** The price table: one per deployment (the built-in one, possibly with overrides merged in). */
export interface PriceTable {
  /** Date-like version recorded with every cost, e.g. `2026-11-29` or `2026-11-29+overrides`. */
  readonly version: string;
  /** Entries by canonical model id (lower case). */
  readonly models: Readonly<Record<string, ModelPrice>>;
  readonly serverTools: ServerToolPrices;
  /** Data-residency multipliers by `inference_geo` value; a value not listed costs the base rates. */
  readonly inferenceGeo: Readonly<Record<string, Ratio>>;
}
