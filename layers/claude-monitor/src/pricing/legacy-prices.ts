import { BATCH_DISCOUNT } from './multipliers';
import { SOURCE } from './sources';
import type { ModelPrice } from './types';
import { VERIFICATION } from './types';
import { usdRates } from './usd-rate';

/**
 * Retired and deprecated models still priced so that old records, Bedrock/Vertex deployments that keep them,
 * and the original system's three Claude 3 models are costed. Their cloud prices have no regional premium.
 */
export const LEGACY_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-4-1-20250805': {
    name: 'Claude Opus 4.1',
    aliases: ['claude-opus-4-1'],
    rates: usdRates(15, 18.75, 30, 1.5, 75),
    batch: BATCH_DISCOUNT,
    source: SOURCE.pricingPage,
    verified: VERIFICATION.official,
  },
  'claude-opus-4-20250514': {
    name: 'Claude Opus 4',
    aliases: ['claude-opus-4-0'],
    rates: usdRates(15, 18.75, 30, 1.5, 75),
    batch: BATCH_DISCOUNT,
    source: SOURCE.pricingPage,
    verified: VERIFICATION.official,
  },
  'claude-sonnet-4-20250514': {
    name: 'Claude Sonnet 4',
    aliases: ['claude-sonnet-4-0'],
    rates: usdRates(3, 3.75, 6, 0.3, 15),
    longContext: { thresholdTokens: 200_000, rates: usdRates(6, 7.5, 12, 0.6, 22.5) },
    batch: BATCH_DISCOUNT,
    source: `${SOURCE.pricingPagePtBr}; >200K tier (1M context beta): ${SOURCE.litellm}; ${SOURCE.genaiPrices}.`,
    verified: VERIFICATION.official,
  },
  'claude-3-7-sonnet-20250219': {
    name: 'Claude Sonnet 3.7',
    aliases: ['claude-3-7-sonnet-latest'],
    rates: usdRates(3, 3.75, 6, 0.3, 15),
    batch: BATCH_DISCOUNT,
    source: SOURCE.pricingPagePtBr,
    verified: VERIFICATION.official,
  },
  'claude-3-5-sonnet-20241022': {
    // Bedrock and Vertex call this release "v2" (`anthropic.claude-3-5-sonnet-20241022-v2:0`,
    // `claude-3-5-sonnet-v2@20241022`, Cost Explorer's "Claude 3.5 Sonnet v2"); the name follows them.
    name: 'Claude Sonnet 3.5 v2',
    aliases: ['claude-3-5-sonnet-latest'],
    rates: usdRates(3, 3.75, 6, 0.3, 15),
    batch: BATCH_DISCOUNT,
    source: `${SOURCE.modelsOverview2025}; the same $3/$15 on Bedrock and Vertex (no regional premium before Sonnet 4.5: ${SOURCE.cloudEndpoints}).`,
    verified: VERIFICATION.official,
  },
  'claude-3-5-sonnet-20240620': {
    name: 'Claude Sonnet 3.5',
    rates: usdRates(3, 3.75, 6, 0.3, 15),
    batch: BATCH_DISCOUNT,
    source: `${SOURCE.modelsOverview2025} (one row for both Sonnet 3.5 releases).`,
    verified: VERIFICATION.official,
  },
  'claude-3-5-haiku-20241022': {
    name: 'Claude Haiku 3.5',
    aliases: ['claude-3-5-haiku-latest'],
    rates: usdRates(0.8, 1, 1.6, 0.08, 4),
    batch: BATCH_DISCOUNT,
    source: SOURCE.pricingPagePtBr,
    verified: VERIFICATION.official,
  },
  'claude-3-opus-20240229': {
    name: 'Claude Opus 3',
    aliases: ['claude-3-opus-latest'],
    rates: usdRates(15, 18.75, 30, 1.5, 75),
    batch: BATCH_DISCOUNT,
    source: `${SOURCE.pricingPagePtBr}; ${SOURCE.claude3Launch}.`,
    verified: VERIFICATION.official,
  },
  'claude-3-sonnet-20240229': {
    name: 'Claude Sonnet 3',
    rates: usdRates(3, 3.75, 6, 0.3, 15),
    batch: BATCH_DISCOUNT,
    source: `${SOURCE.claude3Launch} ($3/$15). It predates prompt caching; cache rates follow the 1.25x / 2x / 0.1x rule.`,
    verified: VERIFICATION.derived,
  },
  'claude-3-haiku-20240307': {
    name: 'Claude Haiku 3',
    rates: usdRates(0.25, 0.3, 0.5, 0.03, 1.25),
    batch: BATCH_DISCOUNT,
    source: `${SOURCE.pricingPagePtBr} (its 5m write, $0.30, is not 1.25x input); ${SOURCE.claude3Launch}.`,
    verified: VERIFICATION.official,
  },
};
