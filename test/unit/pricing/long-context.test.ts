import { describe, expect, it } from 'vitest';
import { computeCost } from '../../../layers/claude-monitor/src/pricing';
import { makeUsage, NOW } from './make-usage';

/** Sonnet 4.5 prompt of `input` + 30,000 cache reads + 10,000 5m writes + 10,000 1h writes, 1,000 output. */
const sonnetPrompt = (input: number) =>
  makeUsage({
    inputTokens: input,
    cacheReadTokens: 30_000,
    cacheWrite5mTokens: 10_000,
    cacheWrite1hTokens: 10_000,
    outputTokens: 1000,
  });

describe('computeCost long-context tier', () => {
  it('keeps base rates just below the 200K threshold (199,999 prompt tokens)', () => {
    // Prepare
    const usage = sonnetPrompt(149_999);

    // Act
    const cost = computeCost('claude-sonnet-4-5', usage, { at: NOW });

    // Assess: 149,999 × $3/M = $0.449997; reads 30,000 × $0.30/M = $0.009; writes $0.0375 + $0.06; output $0.015.
    expect(cost.inputNanoUsd).toBe(449_997_000);
    expect(cost.cacheReadNanoUsd).toBe(9_000_000);
    expect(cost.cacheWrite5mNanoUsd).toBe(37_500_000);
    expect(cost.cacheWrite1hNanoUsd).toBe(60_000_000);
    expect(cost.outputNanoUsd).toBe(15_000_000);
    expect(cost.totalNanoUsd).toBe(571_497_000);
    expect(cost.modifiers).not.toContain('long_context');
  });

  it('keeps base rates at exactly 200,000 prompt tokens (the tier starts above it)', () => {
    // Prepare
    const usage = sonnetPrompt(150_000);

    // Act
    const cost = computeCost('claude-sonnet-4-5', usage, { at: NOW });

    // Assess: 150,000 × $3/M = $0.45.
    expect(cost.inputNanoUsd).toBe(450_000_000);
    expect(cost.totalNanoUsd).toBe(571_500_000);
    expect(cost.modifiers).toEqual([]);
  });

  it('prices every token of the call at long-context rates above the threshold (200,001)', () => {
    // Prepare
    const usage = sonnetPrompt(150_001);

    // Act
    const cost = computeCost('claude-sonnet-4-5', usage, { at: NOW });

    // Assess: 150,001 × $6/M = $0.900006; reads × $0.60/M = $0.018; writes × $7.50 and $12 /M; output × $22.50/M.
    expect(cost.inputNanoUsd).toBe(900_006_000);
    expect(cost.cacheReadNanoUsd).toBe(18_000_000);
    expect(cost.cacheWrite5mNanoUsd).toBe(75_000_000);
    expect(cost.cacheWrite1hNanoUsd).toBe(120_000_000);
    expect(cost.outputNanoUsd).toBe(22_500_000);
    expect(cost.totalNanoUsd).toBe(1_135_506_000);
    expect(cost.modifiers).toEqual(['long_context']);
  });

  it('does not count output tokens toward the threshold', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: 200_000, outputTokens: 50_000 });

    // Act
    const cost = computeCost('claude-sonnet-4-5-20250929', usage, { at: NOW });

    // Assess: $0.60 input + $0.75 output at base rates.
    expect(cost.totalNanoUsd).toBe(1_350_000_000);
    expect(cost.modifiers).toEqual([]);
  });

  it('counts cache reads toward Haiku 5.5 100K threshold', () => {
    // Prepare: 90,000 input + 10,001 cache reads = 100,001 prompt tokens.
    const usage = makeUsage({ inputTokens: 90_000, cacheReadTokens: 10_001, outputTokens: 10 });

    // Act
    const cost = computeCost('claude-haiku-5-5', usage, { at: NOW });

    // Assess: 90,000 × $0.50/M = $0.045; 10,001 × $0.05/M = $0.00050005; 10 × $2.50/M = $0.000025.
    expect(cost.inputNanoUsd).toBe(45_000_000);
    expect(cost.cacheReadNanoUsd).toBe(500_050);
    expect(cost.outputNanoUsd).toBe(25_000);
    expect(cost.modifiers).toEqual(['long_context']);
  });

  it('keeps Haiku 5.5 base rates at exactly 100,000 prompt tokens', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: 100_000, outputTokens: 10 });

    // Act
    const cost = computeCost('claude-haiku-5-5', usage, { at: NOW });

    // Assess: 100,000 × $0.10/M = $0.01; 10 × $0.50/M = $0.000005.
    expect(cost.inputNanoUsd).toBe(10_000_000);
    expect(cost.outputNanoUsd).toBe(5_000);
    expect(cost.modifiers).toEqual([]);
  });

  it('has no tier on models priced flat across their 1M window', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: 900_000 });

    // Act
    const cost = computeCost('claude-opus-4-6', usage, { at: NOW });

    // Assess: 900,000 × $5/M = $4.50.
    expect(cost.inputNanoUsd).toBe(4_500_000_000);
    expect(cost.modifiers).toEqual([]);
  });
});
