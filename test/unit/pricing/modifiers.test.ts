import { describe, expect, it } from 'vitest';
import { computeCost } from '../../../layers/claude-monitor/src/pricing';
import { makeUsage, NOW } from './make-usage';

const THOUSAND_IN_OUT = makeUsage({ inputTokens: 1000, outputTokens: 1000 });

describe('computeCost batch discount', () => {
  it('halves every token rate for service tier batch', () => {
    // Prepare
    const usage = makeUsage({
      inputTokens: 1000,
      outputTokens: 1000,
      cacheWrite5mTokens: 1000,
      cacheReadTokens: 1000,
    });

    // Act
    const cost = computeCost('claude-sonnet-4-5', usage, { serviceTier: 'batch', at: NOW });

    // Assess: $1.50, $7.50, $1.875 and $0.15 per M, for 1,000 tokens each.
    expect(cost.inputNanoUsd).toBe(1_500_000);
    expect(cost.outputNanoUsd).toBe(7_500_000);
    expect(cost.cacheWrite5mNanoUsd).toBe(1_875_000);
    expect(cost.cacheReadNanoUsd).toBe(150_000);
    expect(cost.modifiers).toEqual(['batch']);
  });

  it('applies the same discount for batch: true', () => {
    // Prepare
    const options = { batch: true, at: NOW };

    // Act
    const cost = computeCost('claude-sonnet-4-5', THOUSAND_IN_OUT, options);

    // Assess
    expect(cost.totalNanoUsd).toBe(9_000_000);
  });

  it('stacks on the long-context rates', () => {
    // Prepare: 200,001 prompt tokens on Sonnet 4.5.
    const usage = makeUsage({ inputTokens: 200_001 });

    // Act
    const cost = computeCost('claude-sonnet-4-5', usage, { batch: true, at: NOW });

    // Assess: 200,001 × $6/M ÷ 2 = $0.600003.
    expect(cost.inputNanoUsd).toBe(600_003_000);
    expect(cost.modifiers).toEqual(['long_context', 'batch']);
  });
});

describe('computeCost fast mode', () => {
  it('prices Opus 4.6 fast mode at six times the standard rates', () => {
    // Prepare
    const options = { speed: 'fast', at: NOW };

    // Act
    const cost = computeCost('claude-opus-4-6', THOUSAND_IN_OUT, options);

    // Assess: $30 / $150 per M.
    expect(cost.inputNanoUsd).toBe(30_000_000);
    expect(cost.outputNanoUsd).toBe(150_000_000);
    expect(cost.modifiers).toEqual(['fast']);
  });

  it('prices Opus 5.5 fast mode at twice the rates, cache reads included', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: 1000, cacheReadTokens: 1000, outputTokens: 1000 });

    // Act
    const cost = computeCost('claude-opus-5-5', usage, { speed: 'fast', at: NOW });

    // Assess: $8 / $0.40 / $40 per M.
    expect([cost.inputNanoUsd, cost.cacheReadNanoUsd, cost.outputNanoUsd]).toEqual([
      8_000_000, 400_000, 40_000_000,
    ]);
  });

  it('keeps standard rates for a model without fast mode', () => {
    // Prepare
    const options = { speed: 'fast', at: NOW };

    // Act
    const cost = computeCost('claude-sonnet-4-5', THOUSAND_IN_OUT, options);

    // Assess
    expect(cost.totalNanoUsd).toBe(18_000_000);
    expect(cost.modifiers).toEqual([]);
  });
});

describe('computeCost data residency and Bedrock profiles', () => {
  it('applies the 1.1x us inference-geo multiplier to every token kind', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: 1000, cacheReadTokens: 1000, outputTokens: 1000 });

    // Act
    const cost = computeCost('claude-opus-4-6', usage, { inferenceGeo: 'us', at: NOW });

    // Assess: $5.50 / $0.55 / $27.50 per M.
    expect([cost.inputNanoUsd, cost.cacheReadNanoUsd, cost.outputNanoUsd]).toEqual([
      5_500_000, 550_000, 27_500_000,
    ]);
    expect(cost.modifiers).toEqual(['geo:us']);
  });

  it('charges nothing extra for inference geo global', () => {
    // Prepare
    const options = { inferenceGeo: 'global', at: NOW };

    // Act
    const cost = computeCost('claude-opus-4-6', THOUSAND_IN_OUT, options);

    // Assess
    expect(cost.totalNanoUsd).toBe(30_000_000);
    expect(cost.modifiers).toEqual([]);
  });

  it('ignores inference-geo values without a multiplier, even names of Object members', () => {
    // Prepare
    const values = ['eu', 'constructor', 'toString'];

    // Act
    const costs = values.map((inferenceGeo) =>
      computeCost('claude-opus-4-6', THOUSAND_IN_OUT, { inferenceGeo, at: NOW }),
    );

    // Assess
    for (const cost of costs) {
      expect(cost.totalNanoUsd).toBe(30_000_000);
      expect(cost.modifiers).toEqual([]);
    }
  });

  it('charges Bedrock regional profiles 10% over global', () => {
    // Prepare
    const ids = ['us.', 'eu.', 'jp.', 'au.', 'apac.'].map((prefix) => `${prefix}anthropic.claude-opus-4-8`);

    // Act
    const regional = ids.map((id) => computeCost(id, THOUSAND_IN_OUT, { at: NOW }));
    const global = computeCost('global.anthropic.claude-opus-4-8', THOUSAND_IN_OUT, { at: NOW });

    // Assess: global $5 / $25, regional $5.50 / $27.50 per M.
    expect(global.totalNanoUsd).toBe(30_000_000);
    expect(global.modifiers).toEqual([]);
    for (const cost of regional) {
      expect([cost.inputNanoUsd, cost.outputNanoUsd]).toEqual([5_500_000, 27_500_000]);
      expect(cost.modifiers).toEqual(['bedrock_regional']);
    }
  });

  it('adds no premium to regional profiles of models older than global routing', () => {
    // Prepare
    const id = 'us.anthropic.claude-3-haiku-20240307-v1:0';

    // Act
    const cost = computeCost(id, THOUSAND_IN_OUT, { at: NOW });

    // Assess: $0.25 + $1.25 per M.
    expect(cost.totalNanoUsd).toBe(1_500_000);
    expect(cost.modifiers).toEqual([]);
  });

  it('stacks batch and data residency, rounding each component half-up once', () => {
    // Prepare: Haiku 5.5 cache reads cost $0.01/M, so 5.5 nano-dollars a token after ÷2 and ×1.1.
    const one = makeUsage({ cacheReadTokens: 1 });
    const two = makeUsage({ cacheReadTokens: 2 });
    const three = makeUsage({ cacheReadTokens: 3 });
    const options = { batch: true, inferenceGeo: 'us', at: NOW };

    // Act
    const costs = [one, two, three].map(
      (usage) => computeCost('claude-haiku-5-5', usage, options).cacheReadNanoUsd,
    );

    // Assess: 5.5 → 6, 11 → 11, 16.5 → 17.
    expect(costs).toEqual([6, 11, 17]);
  });
});

describe('computeCost server tools', () => {
  it('charges web search $10 per 1,000 requests', () => {
    // Prepare
    const usage = makeUsage({ webSearchRequests: 3, inputTokens: 1000 });

    // Act
    const cost = computeCost('claude-sonnet-4-5', usage, { at: NOW });

    // Assess: 3 × $0.01 = $0.03, plus $0.003 of input.
    expect(cost.webSearchNanoUsd).toBe(30_000_000);
    expect(cost.totalNanoUsd).toBe(33_000_000);
  });

  it('does not discount web search in batch and charges no fee for web fetch', () => {
    // Prepare
    const usage = makeUsage({ webSearchRequests: 1000, webFetchRequests: 7 });

    // Act
    const cost = computeCost('claude-haiku-4-5', usage, { batch: true, at: NOW });

    // Assess: exactly $10.
    expect(cost.webSearchNanoUsd).toBe(10_000_000_000);
    expect(cost.totalNanoUsd).toBe(10_000_000_000);
  });
});

describe('computeCost price history', () => {
  it('uses the Sonnet 5.5 launch cache-read price up to 2026-10-06 and the cut price after', () => {
    // Prepare
    const usage = makeUsage({ cacheReadTokens: 1000 });

    // Act
    const before = computeCost('claude-sonnet-5-5', usage, { at: new Date('2026-10-06T23:59:59.999Z') });
    const after = computeCost('claude-sonnet-5-5', usage, { at: new Date('2026-10-07T00:00:00.000Z') });

    // Assess: $0.20 then $0.10 per M.
    expect(before.cacheReadNanoUsd).toBe(200_000);
    expect(before.modifiers).toEqual(['prices_until:2026-10-06']);
    expect(after.cacheReadNanoUsd).toBe(100_000);
    expect(after.modifiers).toEqual([]);
  });

  it('applies the Opus 4.6 long-context surcharge only to calls before its removal', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: 200_001 });

    // Act
    const before = computeCost('claude-opus-4-6', usage, { at: new Date('2026-03-12T18:00:00Z') });
    const after = computeCost('claude-opus-4-6', usage, { at: new Date('2026-03-13T00:00:00Z') });

    // Assess: 200,001 × $10/M = $2.00001, then × $5/M = $1.000005.
    expect(before.inputNanoUsd).toBe(2_000_010_000);
    expect(before.modifiers).toEqual(['prices_until:2026-03-12', 'long_context']);
    expect(after.inputNanoUsd).toBe(1_000_005_000);
  });
});
