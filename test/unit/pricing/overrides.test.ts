import { ENV } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import {
  computeCost,
  loadPriceTable,
  PRICE_TABLE,
  PricingError,
  parsePriceOverrides,
  withOverrides,
} from '../../../layers/claude-monitor/src/pricing';
import { makeUsage, NOW, THOUSAND_OF_EACH } from './make-usage';

const thrown = (action: () => unknown): PricingError => {
  try {
    action();
  } catch (error) {
    if (error instanceof PricingError) return error;
    throw error;
  }
  throw new Error('expected a PricingError');
};

describe('price overrides', () => {
  it('changes the rates of an existing model named by its alias, cache rates following the input rate', () => {
    // Prepare
    const prices = parsePriceOverrides('{"models":{"claude-sonnet-4-5":{"input":2.5,"output":12.5}}}');

    // Act
    const cost = computeCost('us.anthropic.claude-sonnet-4-5-20250929-v1:0', THOUSAND_OF_EACH, {
      prices,
      at: NOW,
    });

    // Assess: $2.50 / $3.125 / $5 / $0.25 / $12.50 per M, then the regional 1.1x kept from the entry.
    expect(cost).toMatchObject({
      inputNanoUsd: 2_750_000,
      cacheWrite5mNanoUsd: 3_437_500,
      cacheWrite1hNanoUsd: 5_500_000,
      cacheReadNanoUsd: 275_000,
      outputNanoUsd: 13_750_000,
      pricedAs: 'claude-sonnet-4-5-20250929',
      priceVersion: '2026-11-29+overrides',
      modifiers: ['bedrock_regional'],
    });
  });

  it('keeps the cache rates of an existing model when only output changes, and drops its price history', () => {
    // Prepare
    const prices = withOverrides(PRICE_TABLE, '{"models":{"claude-sonnet-5-5":{"output":9}}}');
    const usage = makeUsage({ cacheReadTokens: 1000, outputTokens: 1000 });

    // Act
    const cost = computeCost('claude-sonnet-5-5', usage, { prices, at: new Date('2026-10-01T00:00:00Z') });

    // Assess: current $0.10 read (not the older $0.20), $9 output per M.
    expect(cost.cacheReadNanoUsd).toBe(100_000);
    expect(cost.outputNanoUsd).toBe(9_000_000);
    expect(cost.modifiers).toEqual([]);
  });

  it('adds a private model with aliases, a long-context tier and exact decimal rates', () => {
    // Prepare
    const json = JSON.stringify({
      models: {
        'acme-claude-ft': {
          input: 0.123456789,
          output: '0.29',
          aliases: ['acme-ft'],
          longContext: { thresholdTokens: 1000, input: 1, output: 2 },
        },
      },
    });
    const prices = parsePriceOverrides(json);

    // Act
    const small = computeCost('ACME-FT', makeUsage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), {
      prices,
      at: NOW,
    });
    const cached = computeCost(
      'acme-claude-ft',
      makeUsage({ cacheWrite5mTokens: 1_000_000, cacheReadTokens: 1 }),
      {
        prices,
        at: NOW,
      },
    );

    // Assess: $0.123456789 and $0.29 for a million tokens each, with no binary rounding.
    expect(small.priced).toBe(true);
    expect(small.pricedAs).toBe('acme-claude-ft');
    expect(small.modifiers).toEqual(['long_context']);
    expect(cached.modifiers).toEqual(['long_context']);
    // Long prompt: 1,000,000 × $1/M and × $2/M.
    expect([small.inputNanoUsd, small.outputNanoUsd]).toEqual([1_000_000_000, 2_000_000_000]);
    // Long tier with defaulted cache rates: 5m write 1.25 × $1 = $1.25 per M; read 0.1 × $1 per M for 1 token.
    expect([cached.cacheWrite5mNanoUsd, cached.cacheReadNanoUsd]).toEqual([1_250_000_000, 100]);
  });

  it('converts dollar figures that doubles cannot hold exactly', () => {
    // Prepare: 0.29 × 1e9 is 290000000.00000006 in binary floating point.
    const prices = parsePriceOverrides('{"models":{"m":{"input":0.29,"output":0.1}}}');

    // Act
    const cost = computeCost('m', makeUsage({ inputTokens: 1_000_000, outputTokens: 3_000_000 }), {
      prices,
      at: NOW,
    });

    // Assess
    expect(cost.inputNanoUsd).toBe(290_000_000);
    expect(cost.outputNanoUsd).toBe(300_000_000);
  });

  it('changes the web search fee', () => {
    // Prepare
    const prices = parsePriceOverrides('{"webSearchPer1000":7.5}');

    // Act
    const cost = computeCost('claude-opus-4-8', makeUsage({ webSearchRequests: 4 }), { prices, at: NOW });

    // Assess: 4 × $0.0075.
    expect(cost.webSearchNanoUsd).toBe(30_000_000);
  });

  it('reads the overrides from CLAUDE_MONITOR_PRICE_OVERRIDES and uses the built-in table when unset', () => {
    // Prepare
    const env = { [ENV.priceOverrides]: '{"models":{"claude-opus-4-8":{"input":4}}}' };

    // Act
    const overridden = loadPriceTable(env);
    const builtIn = loadPriceTable({});

    // Assess
    expect(
      computeCost('claude-opus-4-8', makeUsage({ inputTokens: 1000 }), { prices: overridden }).inputNanoUsd,
    ).toBe(4_000_000);
    expect(builtIn).toBe(PRICE_TABLE);
  });

  it.each([
    ['{"models":', undefined, undefined, 'CLAUDE_MONITOR_PRICE_OVERRIDES is not valid JSON'],
    ['[1]', undefined, undefined, 'must be a JSON object'],
    ['{"model":{}}', undefined, undefined, 'unknown key "model"'],
    ['{"models":{"new-model":{"input":1}}}', 'new-model', 'output', 'is required'],
    ['{"models":{"new-model":{"output":1}}}', 'new-model', 'input', 'is required'],
    ['{"models":{"claude-opus-4-8":{"input":-1}}}', 'claude-opus-4-8', 'input', 'non-negative'],
    ['{"models":{"claude-opus-4-8":{"input":"cheap"}}}', 'claude-opus-4-8', 'input', '"cheap"'],
    [
      '{"models":{"claude-opus-4-8":{"input":0.0000000001}}}',
      'claude-opus-4-8',
      'input',
      'at most 9 decimals',
    ],
    ['{"models":{"claude-opus-4-8":{"ouput":25}}}', 'claude-opus-4-8', 'ouput', 'is not a known field'],
    ['{"models":{"m":3}}', 'm', undefined, 'must be an object'],
    ['{"models":{"m":{"input":1,"output":1,"aliases":"m2"}}}', 'm', 'aliases', 'array of model ids'],
    [
      '{"models":{"m":{"input":1,"output":1,"longContext":{"thresholdTokens":0,"input":2,"output":2}}}}',
      'm',
      'longContext.thresholdTokens',
      'positive whole number',
    ],
    [
      '{"models":{"m":{"input":1,"output":1,"longContext":{"thresholdTokens":10,"input":2}}}}',
      'm',
      'longContext.output',
      'is required',
    ],
    ['{"webSearchPer1000":0.0000001}', undefined, 'webSearchPer1000', 'nano-dollars per request'],
    ['{"models":{"__proto__":{"input":1,"output":1}}}', '__proto__', undefined, 'not a usable model id'],
  ])('rejects %s naming model %s and field %s', (json, model, field, fragment) => {
    // Prepare
    const parse = () => parsePriceOverrides(json);

    // Act
    const error = thrown(parse);

    // Assess
    expect(error.name).toBe('PricingError');
    expect(error.model).toBe(model);
    expect(error.field).toBe(field);
    expect(error.message).toContain(fragment);
    if (model !== undefined) expect(error.message).toContain(`model "${model}"`);
    if (field !== undefined) expect(error.message).toContain(`field "${field}"`);
  });
});
