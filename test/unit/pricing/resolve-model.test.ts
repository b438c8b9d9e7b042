import { describe, expect, it } from 'vitest';
import { computeCost, resolveModel } from '../../../layers/claude-monitor/src/pricing';
import { makeUsage, NOW } from './make-usage';

describe('resolveModel', () => {
  it.each([
    ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
    ['claude-haiku-4-5', 'claude-haiku-4-5-20251001'],
    ['claude-opus-4-5', 'claude-opus-4-5-20251101'],
    ['claude-3-opus-latest', 'claude-3-opus-20240229'],
    ['claude-opus-4-1', 'claude-opus-4-1-20250805'],
    ['Claude-Sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929'],
    [' claude-opus-4-8 ', 'claude-opus-4-8'],
  ])('maps the Anthropic id %s to %s', (id, model) => {
    // Prepare
    const expected = { model, provider: 'anthropic' };

    // Act
    const resolved = resolveModel(id);

    // Assess
    expect(resolved).toEqual(expected);
  });

  it.each([
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929', 'regional'],
    ['anthropic.claude-3-haiku-20240307-v1:0:200k', 'claude-3-haiku-20240307', 'regional'],
    ['anthropic.claude-opus-4-1-20250805-v2:0', 'claude-opus-4-1-20250805', 'regional'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929', 'regional'],
    ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5-20251001', 'regional'],
    ['apac.anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku-20240307', 'regional'],
    ['global.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6', 'global'],
    ['global.anthropic.claude-sonnet-5-5', 'claude-sonnet-5-5', 'global'],
    [
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5-20250929',
      'regional',
    ],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      'claude-3-haiku-20240307',
      'regional',
    ],
  ])('maps the Bedrock id %s to %s', (id, model, scope) => {
    // Prepare
    const expected = { model, provider: 'bedrock', scope };

    // Act
    const resolved = resolveModel(id);

    // Assess
    expect(resolved).toEqual(expected);
  });

  it.each([
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5-20250929'],
    ['claude-3-haiku@20240307', 'claude-3-haiku-20240307'],
    ['claude-opus-4-1@20250805', 'claude-opus-4-1-20250805'],
  ])('maps the Vertex id %s to %s', (id, model) => {
    // Prepare
    const expected = { model, provider: 'vertex' };

    // Act
    const resolved = resolveModel(id);

    // Assess
    expect(resolved).toEqual(expected);
  });

  it.each([
    'gpt-4o',
    '',
    'claude-mythos-preview',
    'claude-sonnet-4-5-20990101',
    'claude-sonnet-4-5@20990101',
    'anthropic.claude-instant-v1',
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
  ])('leaves %j unresolved rather than guessing', (id) => {
    // Prepare
    const unknown = id;

    // Act
    const resolved = resolveModel(unknown);

    // Assess
    expect(resolved).toBeUndefined();
  });

  it('returns the cached resolution on the next lookup of the same id', () => {
    // Prepare
    const first = resolveModel('us.anthropic.claude-opus-4-8');

    // Act
    const second = resolveModel('us.anthropic.claude-opus-4-8');

    // Assess
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
  });
});

describe('computeCost with unknown models', () => {
  it('returns priced false, every component 0 and no pricedAs', () => {
    // Prepare
    const usage = makeUsage({
      inputTokens: 5000,
      outputTokens: 800,
      cacheReadTokens: 100,
      webSearchRequests: 2,
    });

    // Act
    const cost = computeCost('claude-mythos-preview', usage, { at: NOW, batch: true });

    // Assess
    expect(cost).toEqual({
      inputNanoUsd: 0,
      outputNanoUsd: 0,
      cacheWrite5mNanoUsd: 0,
      cacheWrite1hNanoUsd: 0,
      cacheReadNanoUsd: 0,
      webSearchNanoUsd: 0,
      totalNanoUsd: 0,
      priced: false,
      priceVersion: '2026-11-29',
      modifiers: [],
    });
    expect('pricedAs' in cost).toBe(false);
  });

  it('prices the same model identically under every spelling', () => {
    // Prepare
    const usage = makeUsage({ inputTokens: 777, outputTokens: 333 });
    // Every spelling of a global endpoint; regional ones carry a premium (price-fixes.test.ts).
    const spellings = [
      'claude-sonnet-4-5',
      'claude-sonnet-4-5-20250929',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5@20250929',
    ];

    // Act
    const totals = spellings.map((id) => computeCost(id, usage, { at: NOW }).totalNanoUsd);

    // Assess: 777 × $3/M + 333 × $15/M = $0.002331 + $0.004995.
    expect(new Set(totals)).toEqual(new Set([7_326_000]));
  });
});
