import { LEGACY_MODEL_PRICES } from './legacy-prices';
import { BATCH_DISCOUNT, FAST_2X, FAST_6X, TEN_PERCENT_PREMIUM } from './multipliers';
import { SOURCE } from './sources';
import type { ModelPrice, PriceTable } from './types';
import { VERIFICATION } from './types';
import { usdRates, usdToNanoExact } from './usd-rate';

/** Version of the built-in table: the day its figures were last checked. Recorded with every cost. */
export const PRICE_TABLE_VERSION = '2026-11-29';

const CURRENT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-2': {
    name: 'Claude Fable 5.2',
    rates: usdRates(8, 10, 16, 0.2, 40),
    batch: BATCH_DISCOUNT,
    fast: FAST_2X,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.modelPages} ($8/$40); ${SOURCE.fable52Coverage}. 1h write = 2x input by the caching rule.`,
    verified: VERIFICATION.thirdParty,
  },
  'claude-mythos-5-2': {
    name: 'Claude Mythos 5.2 (limited availability)',
    rates: usdRates(8, 10, 16, 0.2, 40),
    batch: BATCH_DISCOUNT,
    fast: FAST_2X,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `Same as Claude Fable 5.2, as for every earlier Fable/Mythos pair on ${SOURCE.pricingPage}.`,
    verified: VERIFICATION.derived,
  },
  'claude-haiku-5-5': {
    name: 'Claude Haiku 5.5',
    rates: usdRates(0.1, 0.125, 0.2, 0.01, 0.5),
    longContext: { thresholdTokens: 100_000, rates: usdRates(0.5, 0.625, 1, 0.05, 2.5) },
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.modelPages} (from $0.10/$0.50); ${SOURCE.haiku55Tiers}; cache rates: ${SOURCE.claudit}.`,
    verified: VERIFICATION.official,
  },
  'claude-sonnet-5-5': {
    name: 'Claude Sonnet 5.5',
    rates: usdRates(2, 2.5, 4, 0.1, 10),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    history: [{ until: '2026-10-06', rates: { cacheRead: usdToNanoExact(0.2) } }],
    source: `${SOURCE.modelPages} ($2/$10, cache read $0.20 at launch); cache read cut to $0.10 from 2026-10-07: ${SOURCE.claudit}; ${SOURCE.promptFuel}.`,
    verified: VERIFICATION.thirdParty,
  },
  'claude-opus-5-5': {
    name: 'Claude Opus 5.5',
    rates: usdRates(4, 5, 8, 0.2, 20),
    batch: BATCH_DISCOUNT,
    fast: FAST_2X,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.modelPages} ($4/$20, writes $5/$8, read $0.20); fast $8/$40: ${SOURCE.claudit}; ${SOURCE.promptFuel}.`,
    verified: VERIFICATION.official,
  },
  'claude-fable-5-1': {
    name: 'Claude Fable 5.1',
    rates: usdRates(10, 12.5, 20, 0.25, 50),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: SOURCE.pricingPage,
    verified: VERIFICATION.official,
  },
  'claude-mythos-5-1': {
    name: 'Claude Mythos 5.1 (limited availability)',
    rates: usdRates(10, 12.5, 20, 0.25, 50),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: SOURCE.pricingPage,
    verified: VERIFICATION.official,
  },
  'claude-sonnet-5': {
    name: 'Claude Sonnet 5',
    rates: usdRates(2, 2.5, 4, 0.2, 10),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.modelPages} ($2/$10); ${SOURCE.litellm}. A rise to $3/$15 from 2026-09-01 was announced, then withdrawn: the later model page and price lists still show $2/$10, so $2/$10 is kept.`,
    verified: VERIFICATION.official,
  },
  'claude-fable-5': {
    name: 'Claude Fable 5',
    rates: usdRates(10, 12.5, 20, 1, 50),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: SOURCE.pricingPage,
    verified: VERIFICATION.official,
  },
  'claude-mythos-5': {
    name: 'Claude Mythos 5 (limited availability)',
    rates: usdRates(10, 12.5, 20, 1, 50),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: SOURCE.pricingPage,
    verified: VERIFICATION.official,
  },
  'claude-opus-5': {
    name: 'Claude Opus 5',
    rates: usdRates(5, 6.25, 10, 0.5, 25),
    batch: BATCH_DISCOUNT,
    fast: FAST_2X,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.pricingPage}; fast 2x: ${SOURCE.claudit}.`,
    verified: VERIFICATION.official,
  },
  'claude-opus-4-8': {
    name: 'Claude Opus 4.8',
    rates: usdRates(5, 6.25, 10, 0.5, 25),
    batch: BATCH_DISCOUNT,
    fast: FAST_2X,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.pricingPage}; fast 2x: ${SOURCE.litellm}.`,
    verified: VERIFICATION.official,
  },
  'claude-opus-4-7': {
    name: 'Claude Opus 4.7',
    rates: usdRates(5, 6.25, 10, 0.5, 25),
    batch: BATCH_DISCOUNT,
    fast: FAST_6X,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.pricingPage}; fast 6x ($30/$150): ${SOURCE.litellm}.`,
    verified: VERIFICATION.official,
  },
  'claude-opus-4-6': {
    name: 'Claude Opus 4.6',
    rates: usdRates(5, 6.25, 10, 0.5, 25),
    batch: BATCH_DISCOUNT,
    fast: FAST_6X,
    regionalPremium: TEN_PERCENT_PREMIUM,
    history: [
      {
        until: '2026-03-12',
        longContext: { thresholdTokens: 200_000, rates: usdRates(10, 12.5, 20, 1, 37.5) },
      },
    ],
    source: `${SOURCE.pricingPage}; fast 6x: ${SOURCE.litellm}; >200K surcharge until 2026-03-12 (removed with 1M context GA): ${SOURCE.genaiPrices}.`,
    verified: VERIFICATION.official,
  },
  'claude-sonnet-4-6': {
    name: 'Claude Sonnet 4.6',
    rates: usdRates(3, 3.75, 6, 0.3, 15),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    history: [
      {
        until: '2026-03-12',
        longContext: { thresholdTokens: 200_000, rates: usdRates(6, 7.5, 12, 0.6, 22.5) },
      },
    ],
    source: `${SOURCE.pricingPagePtBr}; >200K surcharge until 2026-03-12: ${SOURCE.genaiPrices} (a generated plan file that still lists it was judged stale).`,
    verified: VERIFICATION.official,
  },
  'claude-haiku-4-5-20251001': {
    name: 'Claude Haiku 4.5',
    aliases: ['claude-haiku-4-5'],
    rates: usdRates(1, 1.25, 2, 0.1, 5),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: SOURCE.pricingPagePtBr,
    verified: VERIFICATION.official,
  },
  'claude-opus-4-5-20251101': {
    name: 'Claude Opus 4.5',
    aliases: ['claude-opus-4-5'],
    rates: usdRates(5, 6.25, 10, 0.5, 25),
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: SOURCE.pricingPage,
    verified: VERIFICATION.official,
  },
  'claude-sonnet-4-5-20250929': {
    name: 'Claude Sonnet 4.5',
    aliases: ['claude-sonnet-4-5'],
    rates: usdRates(3, 3.75, 6, 0.3, 15),
    longContext: { thresholdTokens: 200_000, rates: usdRates(6, 7.5, 12, 0.6, 22.5) },
    batch: BATCH_DISCOUNT,
    regionalPremium: TEN_PERCENT_PREMIUM,
    source: `${SOURCE.pricingPagePtBr}; >200K tier (1M context beta): ${SOURCE.litellm}; ${SOURCE.genaiPrices}; ${SOURCE.bedrockGlobal}.`,
    verified: VERIFICATION.official,
  },
};

/**
 * Model ids the Anthropic SDK names that are deliberately not in the table, each with the reason. Only a
 * model without a public list price belongs here; its calls are recorded as unpriced (and alerted on) until
 * a deployment overrides its price. The SDK-completeness test holds the table to the SDK's `Model` type.
 */
export const UNPRICED_SDK_MODELS: Readonly<Record<string, string>> = {
  'claude-mythos-preview':
    'research preview without a public list price (access by invitation; the SDK marks it deprecated, end of life 2026-06-30)',
};

/**
 * The built-in price table. Models without a public list price are left out on purpose
 * ({@link UNPRICED_SDK_MODELS}): their calls are recorded as unpriced until a deployment overrides them.
 */
export const PRICE_TABLE: PriceTable = {
  version: PRICE_TABLE_VERSION,
  models: { ...CURRENT_MODEL_PRICES, ...LEGACY_MODEL_PRICES },
  serverTools: {
    // $10 per 1,000 searches.
    webSearchPerRequest: usdToNanoExact(0.01),
  },
  inferenceGeo: { us: TEN_PERCENT_PREMIUM },
};
