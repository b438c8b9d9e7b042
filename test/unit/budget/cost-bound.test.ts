import { describe, expect, it } from 'vitest';
import {
  costBound,
  DOCUMENT_ALLOWANCE,
  TOOL_PROMPT_ALLOWANCE,
} from '../../../layers/claude-monitor/src/budget/cost-bound';
import { EMPTY_USAGE } from '../../../layers/claude-monitor/src/domain/call-record';
import { computeCost, PRICE_TABLE } from '../../../layers/claude-monitor/src/pricing';

const AT = new Date('2026-12-01T10:00:00.000Z');
const bound = (body: Record<string, unknown>, model = 'claude-sonnet-4-6') => {
  const text = JSON.stringify(body);
  return costBound(model, text, body, PRICE_TABLE, AT);
};

describe('the upper bound of a call reserved before it is sent', () => {
  it('prices the body bytes as input and max_tokens as output at the model’s rates', () => {
    // Prepare
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 1_000,
      messages: [{ role: 'user', content: 'Hello' }],
    };
    const bytes = Buffer.byteLength(JSON.stringify(body));

    // Act
    const result = bound(body);

    // Assess: $3 and $15 per million tokens
    expect(result).toEqual({
      nanoUsd: bytes * 3_000 + 1_000 * 15_000,
      promptTokens: bytes,
      outputTokens: 1_000,
    });
  });

  it('is at least the exact cost of any answer the request can get (text of any length, all of max_tokens)', () => {
    // Prepare: English text runs at about four characters a token; a token is never less than one byte.
    const text = 'The quarterly report shows revenue growth across all regions. '.repeat(200);
    const body = { model: 'claude-sonnet-4-6', max_tokens: 800, messages: [{ role: 'user', content: text }] };
    const worstTokens = Buffer.byteLength(text);

    // Act
    const result = bound(body)!;
    const exact = computeCost(
      'claude-sonnet-4-6',
      { ...EMPTY_USAGE, inputTokens: worstTokens, outputTokens: 800 },
      {
        at: AT,
      },
    ).totalNanoUsd;
    const typical = computeCost(
      'claude-sonnet-4-6',
      { ...EMPTY_USAGE, inputTokens: Math.ceil(text.length / 4), outputTokens: 200 },
      { at: AT },
    ).totalNanoUsd;

    // Assess
    expect(result.nanoUsd).toBeGreaterThanOrEqual(exact);
    expect(result.nanoUsd / typical).toBeGreaterThan(3);
  });

  it('prices every prompt token as a cache write when the request caches, at the 1-hour rate when it asks for it', () => {
    // Prepare
    const system = [{ type: 'text', text: 'policy', cache_control: { type: 'ephemeral' } }];
    const fiveMinutes = { model: 'claude-sonnet-4-6', max_tokens: 10, system, messages: [] };
    const oneHour = {
      ...fiveMinutes,
      system: [{ type: 'text', text: 'policy', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    };

    // Act
    const five = bound(fiveMinutes)!;
    const hour = bound(oneHour)!;

    // Assess: $3.75 and $6 per million
    expect(five.nanoUsd).toBe(five.promptTokens * 3_750 + 10 * 15_000);
    expect(hour.nanoUsd).toBe(hour.promptTokens * 6_000 + 10 * 15_000);
  });

  it('adds allowances for tools, documents and URL sources, and the web searches the tools allow', () => {
    // Prepare
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }],
        },
      ],
    };
    const bytes = Buffer.byteLength(JSON.stringify(body));

    // Act
    const result = bound(body)!;

    // Assess: one document, one URL source, one tool; $10 per thousand searches
    expect(result.promptTokens).toBe(bytes + TOOL_PROMPT_ALLOWANCE + 2 * DOCUMENT_ALLOWANCE);
    expect(result.nanoUsd).toBe(result.promptTokens * 3_000 + 10 * 15_000 + 3 * 10_000_000);
  });

  it('is unknown for a model missing from the price table', () => {
    // Act
    const result = bound({ model: 'claude-imaginary-9', max_tokens: 10, messages: [] }, 'claude-imaginary-9');

    // Assess
    expect(result).toBeUndefined();
  });
});
