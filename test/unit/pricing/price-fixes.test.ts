import { describe, expect, it } from 'vitest';
import { computeCost, resolveModel } from '../../../layers/claude-monitor/src/pricing';
import { makeUsage, NOW } from './make-usage';

/** 1,000 input and 1,000 output tokens: the total is (input rate + output rate) × 1,000,000 nano-dollars. */
const THOUSAND_IN_OUT = makeUsage({ inputTokens: 1000, outputTokens: 1000 });

describe('Claude Sonnet 3.5 is priced under every id it had', () => {
  // The 14 ids of the two Sonnet 3.5 releases on the Claude API, Bedrock (in-Region and every
  // geographic profile that offered them) and Vertex.
  const IDS: [id: string, model: string][] = [
    ['claude-3-5-sonnet-20240620', 'claude-3-5-sonnet-20240620'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20241022'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet-20241022'],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
    ['us.anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
    ['eu.anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
    ['apac.anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
    ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
    ['us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
    [
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
      'claude-3-5-sonnet-20241022',
    ],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet-20240620'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet-20241022'],
  ];

  it.each(IDS)('prices %s as %s at $3 / $15 per million', (id, model) => {
    // Act
    const cost = computeCost(id, THOUSAND_IN_OUT, { at: NOW });

    // Assess: Sonnet 3.5 predates regional pricing, so no spelling carries a premium.
    expect(cost).toMatchObject({ priced: true, pricedAs: model, totalNanoUsd: 18_000_000, modifiers: [] });
  });

  it('prices cache writes and reads at the published $3.75 / $6 / $0.30', () => {
    // Prepare
    const usage = makeUsage({ cacheWrite5mTokens: 1000, cacheWrite1hTokens: 1000, cacheReadTokens: 1000 });

    // Act
    const cost = computeCost('claude-3-5-sonnet-20241022', usage, { at: NOW });

    // Assess
    expect([cost.cacheWrite5mNanoUsd, cost.cacheWrite1hNanoUsd, cost.cacheReadNanoUsd]).toEqual([
      3_750_000, 6_000_000, 300_000,
    ]);
  });

  it('maps the Vertex "-v2@" spelling as a Vertex id, not as an Anthropic one', () => {
    // Act
    const resolved = resolveModel('claude-3-5-sonnet-v2@20241022');
    const bogus = resolveModel('claude-3-5-sonnet-v2-20241022');

    // Assess
    expect(resolved).toEqual({ model: 'claude-3-5-sonnet-20241022', provider: 'vertex' });
    expect(bogus).toBeUndefined();
  });
});

describe('a us. Bedrock profile whose response reports inference_geo "us"', () => {
  it('is charged the regional premium once (1.1x), not stacked with data residency (1.21x)', () => {
    // Prepare: Opus 4.8 costs $5 / $25 per million on the global endpoint.
    const id = 'us.anthropic.claude-opus-4-8';

    // Act
    const cost = computeCost(id, THOUSAND_IN_OUT, { inferenceGeo: 'us', at: NOW });

    // Assess: $5.50 + $27.50, i.e. 1.1x; 1.21x would be 36,300,000.
    expect(cost.totalNanoUsd).toBe(33_000_000);
    expect(cost.modifiers).toEqual(['bedrock_regional']);
  });

  it('is charged the same for a plain id when the call is known to come from Bedrock or Vertex', () => {
    // Prepare: a Bedrock or Vertex response reports the plain Anthropic id.
    const options = { inferenceGeo: 'us', at: NOW };

    // Act
    const bedrock = computeCost('claude-opus-4-8', THOUSAND_IN_OUT, { ...options, provider: 'bedrock' });
    const vertex = computeCost('claude-opus-4-8', THOUSAND_IN_OUT, {
      ...options,
      provider: 'vertex',
      region: 'global',
    });

    // Assess: no data-residency multiplier off the Claude API.
    expect(bedrock.totalNanoUsd).toBe(30_000_000);
    expect(vertex.totalNanoUsd).toBe(30_000_000);
  });

  it('still applies data residency on the Claude API itself', () => {
    // Act
    const cost = computeCost('claude-opus-4-8', THOUSAND_IN_OUT, {
      inferenceGeo: 'us',
      provider: 'anthropic',
      at: NOW,
    });

    // Assess
    expect(cost.totalNanoUsd).toBe(33_000_000);
    expect(cost.modifiers).toEqual(['geo:us']);
  });
});

describe('regional endpoints cost 10% more than global ones for Sonnet 4.5 and later', () => {
  it.each([
    'anthropic.claude-sonnet-4-5-20250929-v1:0',
    'arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ])('charges the Bedrock in-Region or geographic id %s the regional rate', (id) => {
    // Act
    const cost = computeCost(id, THOUSAND_IN_OUT, { at: NOW });

    // Assess: $3.30 / $16.50 per million.
    expect([cost.inputNanoUsd, cost.outputNanoUsd]).toEqual([3_300_000, 16_500_000]);
    expect(cost.modifiers).toEqual(['bedrock_regional']);
  });

  it('charges the Bedrock global profile the base rate', () => {
    // Act
    const cost = computeCost('global.anthropic.claude-sonnet-4-5-20250929-v1:0', THOUSAND_IN_OUT, {
      at: NOW,
    });

    // Assess
    expect(cost.totalNanoUsd).toBe(18_000_000);
    expect(cost.modifiers).toEqual([]);
  });

  it.each(['us-east5', 'europe-west1', 'us', 'eu'])(
    'charges the Vertex regional or multi-region endpoint %s the regional rate',
    (region) => {
      // Act
      const cost = computeCost('claude-sonnet-4-5@20250929', THOUSAND_IN_OUT, { region, at: NOW });

      // Assess
      expect(cost.totalNanoUsd).toBe(19_800_000);
      expect(cost.modifiers).toEqual(['vertex_regional']);
    },
  );

  it('charges the Vertex global endpoint the base rate, and treats a missing region as global', () => {
    // Act
    const global = computeCost('claude-sonnet-4-5@20250929', THOUSAND_IN_OUT, { region: 'global', at: NOW });
    const unspecified = computeCost('claude-sonnet-4-5@20250929', THOUSAND_IN_OUT, { at: NOW });

    // Assess
    expect(global.totalNanoUsd).toBe(18_000_000);
    expect(unspecified.totalNanoUsd).toBe(18_000_000);
  });

  it('ignores the region of a Claude API call', () => {
    // Act
    const cost = computeCost('claude-sonnet-4-5', THOUSAND_IN_OUT, { region: 'us-east5', at: NOW });

    // Assess
    expect(cost.totalNanoUsd).toBe(18_000_000);
  });

  it('adds no premium on any endpoint for models older than Sonnet 4.5', () => {
    // Prepare
    const usage = THOUSAND_IN_OUT;

    // Act
    const inRegion = computeCost('anthropic.claude-sonnet-4-20250514-v1:0', usage, { at: NOW });
    const vertex = computeCost('claude-sonnet-4@20250514', usage, { region: 'us-east5', at: NOW });

    // Assess
    expect(inRegion.totalNanoUsd).toBe(18_000_000);
    expect(vertex.totalNanoUsd).toBe(18_000_000);
  });
});
