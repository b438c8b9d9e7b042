import { describe, expect, it } from 'vitest';
import { computeCost } from '../../../layers/claude-monitor/src/pricing';
import { mulDivRoundHalfUp } from '../../../layers/claude-monitor/src/pricing/exact-math';
import { makeUsage, NOW } from './make-usage';

describe('exact integer money math', () => {
  it.each([
    [5, 1, 10, 1],
    [4, 1, 10, 0],
    [15, 1, 10, 2],
    [25, 1, 10, 3],
    [1, 999_999, 1_000_000, 1],
    [1, 499_999, 1_000_000, 0],
  ])('rounds %i × %i ÷ %i half-up to %i', (a, b, divisor, expected) => {
    // Prepare
    const operands = [a, b, divisor] as const;

    // Act
    const result = mulDivRoundHalfUp(...operands);

    // Assess
    expect(result).toBe(expected);
  });

  it('stays exact when the product is beyond 2^53', () => {
    // Prepare: 10,000,000,007 × 3,000,000,001 = 30,000,000,031,000,000,007.
    const a = 10_000_000_007;
    const b = 3_000_000_001;

    // Act
    const result = mulDivRoundHalfUp(a, b, 1_000_000);

    // Assess: ÷ 1,000,000 = 30,000,000,031,000.000007.
    expect(result).toBe(30_000_000_031_000);
  });

  it('prices huge usage exactly (10M output tokens of Opus 4.1 is $750)', () => {
    // Prepare
    const usage = makeUsage({ outputTokens: 10_000_000, inputTokens: 9_999_999 });

    // Act
    const cost = computeCost('claude-opus-4-1', usage, { at: NOW });

    // Assess: 9,999,999 × $15/M = $149.999985.
    expect(cost.outputNanoUsd).toBe(750_000_000_000);
    expect(cost.inputNanoUsd).toBe(149_999_985_000);
  });

  it('treats negative, fractional and missing counts as whole non-negative tokens', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: -5, outputTokens: 10.9, cacheReadTokens: Number.NaN });

    // Act
    const cost = computeCost('claude-3-haiku-20240307', usage, { at: NOW });

    // Assess: 10 output tokens × $1.25/M.
    expect(cost.inputNanoUsd).toBe(0);
    expect(cost.outputNanoUsd).toBe(12_500);
    expect(cost.cacheReadNanoUsd).toBe(0);
  });

  it('sums a million tiny calls to exactly the cost of one call with all their tokens', () => {
    // Prepare: each call is 1 input + 1 cache-read token of Claude 3 Haiku, 250 + 30 nano-dollars.
    const calls = 1_000_000;
    const tiny = makeUsage({ inputTokens: 1, cacheReadTokens: 1 });
    const whole = makeUsage({ inputTokens: calls, cacheReadTokens: calls });

    // Act
    let sum = 0;
    let floatUsd = 0;
    for (let call = 0; call < calls; call += 1) {
      const cost = computeCost('claude-3-haiku-20240307', tiny, { at: NOW });
      sum += cost.totalNanoUsd;
      floatUsd += cost.totalNanoUsd / 1e9;
    }
    const single = computeCost('claude-3-haiku-20240307', whole, { at: NOW });

    // Assess: $0.25 + $0.03 for a million tokens each; dollars summed as doubles would have drifted.
    expect(sum).toBe(280_000_000);
    expect(single.totalNanoUsd).toBe(280_000_000);
    expect(sum).toBe(single.totalNanoUsd);
    expect(floatUsd).not.toBe(0.28);
  });
});
