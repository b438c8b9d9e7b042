import { describe, expect, it } from 'vitest';
import { computeCost, PRICE_TABLE } from '../../../layers/claude-monitor/src/pricing';
import { makeUsage, NOW, THOUSAND_OF_EACH } from './make-usage';

/**
 * Expected nano-dollars for 1,000 tokens of each kind, worked out by hand from the published $/MTok rates:
 * 1,000 tokens at $R per million is $R/1,000, i.e. R × 1,000,000 nano-dollars.
 * Columns: input, 5m write, 1h write, cache read, output.
 */
const EXPECTED: Record<string, readonly [number, number, number, number, number]> = {
  'claude-fable-5-2': [8_000_000, 10_000_000, 16_000_000, 200_000, 40_000_000],
  'claude-mythos-5-2': [8_000_000, 10_000_000, 16_000_000, 200_000, 40_000_000],
  'claude-haiku-5-5': [100_000, 125_000, 200_000, 10_000, 500_000],
  'claude-sonnet-5-5': [2_000_000, 2_500_000, 4_000_000, 100_000, 10_000_000],
  'claude-opus-5-5': [4_000_000, 5_000_000, 8_000_000, 200_000, 20_000_000],
  'claude-fable-5-1': [10_000_000, 12_500_000, 20_000_000, 250_000, 50_000_000],
  'claude-mythos-5-1': [10_000_000, 12_500_000, 20_000_000, 250_000, 50_000_000],
  'claude-sonnet-5': [2_000_000, 2_500_000, 4_000_000, 200_000, 10_000_000],
  'claude-fable-5': [10_000_000, 12_500_000, 20_000_000, 1_000_000, 50_000_000],
  'claude-mythos-5': [10_000_000, 12_500_000, 20_000_000, 1_000_000, 50_000_000],
  'claude-opus-5': [5_000_000, 6_250_000, 10_000_000, 500_000, 25_000_000],
  'claude-opus-4-8': [5_000_000, 6_250_000, 10_000_000, 500_000, 25_000_000],
  'claude-opus-4-7': [5_000_000, 6_250_000, 10_000_000, 500_000, 25_000_000],
  'claude-opus-4-6': [5_000_000, 6_250_000, 10_000_000, 500_000, 25_000_000],
  'claude-sonnet-4-6': [3_000_000, 3_750_000, 6_000_000, 300_000, 15_000_000],
  'claude-haiku-4-5-20251001': [1_000_000, 1_250_000, 2_000_000, 100_000, 5_000_000],
  'claude-opus-4-5-20251101': [5_000_000, 6_250_000, 10_000_000, 500_000, 25_000_000],
  'claude-sonnet-4-5-20250929': [3_000_000, 3_750_000, 6_000_000, 300_000, 15_000_000],
  'claude-opus-4-1-20250805': [15_000_000, 18_750_000, 30_000_000, 1_500_000, 75_000_000],
  'claude-opus-4-20250514': [15_000_000, 18_750_000, 30_000_000, 1_500_000, 75_000_000],
  'claude-sonnet-4-20250514': [3_000_000, 3_750_000, 6_000_000, 300_000, 15_000_000],
  'claude-3-7-sonnet-20250219': [3_000_000, 3_750_000, 6_000_000, 300_000, 15_000_000],
  'claude-3-5-sonnet-20241022': [3_000_000, 3_750_000, 6_000_000, 300_000, 15_000_000],
  'claude-3-5-sonnet-20240620': [3_000_000, 3_750_000, 6_000_000, 300_000, 15_000_000],
  'claude-3-5-haiku-20241022': [800_000, 1_000_000, 1_600_000, 80_000, 4_000_000],
  'claude-3-opus-20240229': [15_000_000, 18_750_000, 30_000_000, 1_500_000, 75_000_000],
  'claude-3-sonnet-20240229': [3_000_000, 3_750_000, 6_000_000, 300_000, 15_000_000],
  'claude-3-haiku-20240307': [250_000, 300_000, 500_000, 30_000, 1_250_000],
};

describe('computeCost base rates', () => {
  it('has a hand-worked expectation for every model of the table', () => {
    // Prepare
    const tableModels = Object.keys(PRICE_TABLE.models).sort();

    // Act
    const tested = Object.keys(EXPECTED).sort();

    // Assess
    expect(tested).toEqual(tableModels);
  });

  it.each(Object.entries(EXPECTED))('prices %s from its published rates', (model, expected) => {
    // Prepare
    const [input, write5m, write1h, read, output] = expected;

    // Act
    const cost = computeCost(model, THOUSAND_OF_EACH, { at: NOW });

    // Assess
    expect(cost).toMatchObject({
      inputNanoUsd: input,
      cacheWrite5mNanoUsd: write5m,
      cacheWrite1hNanoUsd: write1h,
      cacheReadNanoUsd: read,
      outputNanoUsd: output,
      webSearchNanoUsd: 0,
      totalNanoUsd: input + write5m + write1h + read + output,
      priced: true,
      pricedAs: model,
      priceVersion: '2026-11-29',
      modifiers: [],
    });
  });

  it('prices the original system three Claude 3 models from odd token counts', () => {
    // Prepare: 1,234 input and 567 output tokens.
    const usage = makeUsage({ inputTokens: 1234, outputTokens: 567 });

    // Act
    const opus = computeCost('claude-3-opus-20240229', usage, { at: NOW });
    const sonnet = computeCost('claude-3-sonnet-20240229', usage, { at: NOW });
    const haiku = computeCost('claude-3-haiku-20240307', usage, { at: NOW });

    // Assess: 1,234 × $15/M = $0.01851; 567 × $75/M = $0.042525.
    expect([opus.inputNanoUsd, opus.outputNanoUsd, opus.totalNanoUsd]).toEqual([
      18_510_000, 42_525_000, 61_035_000,
    ]);
    // 1,234 × $3/M = $0.003702; 567 × $15/M = $0.008505.
    expect([sonnet.inputNanoUsd, sonnet.outputNanoUsd, sonnet.totalNanoUsd]).toEqual([
      3_702_000, 8_505_000, 12_207_000,
    ]);
    // 1,234 × $0.25/M = $0.0003085; 567 × $1.25/M = $0.00070875.
    expect([haiku.inputNanoUsd, haiku.outputNanoUsd, haiku.totalNanoUsd]).toEqual([
      308_500, 708_750, 1_017_250,
    ]);
  });

  it('prices prompt-cache writes of both lifetimes and cache reads separately', () => {
    // Prepare
    const usage = makeUsage({
      inputTokens: 100,
      cacheWrite5mTokens: 2000,
      cacheWrite1hTokens: 3000,
      cacheReadTokens: 40_000,
    });

    // Act
    const cost = computeCost('claude-opus-4-8', usage, { at: NOW });

    // Assess: 100 × $5 = $0.0005; 2,000 × $6.25 = $0.0125; 3,000 × $10 = $0.03; 40,000 × $0.50 = $0.02 (per M).
    expect(cost.inputNanoUsd).toBe(500_000);
    expect(cost.cacheWrite5mNanoUsd).toBe(12_500_000);
    expect(cost.cacheWrite1hNanoUsd).toBe(30_000_000);
    expect(cost.cacheReadNanoUsd).toBe(20_000_000);
    expect(cost.totalNanoUsd).toBe(63_000_000);
  });
});
