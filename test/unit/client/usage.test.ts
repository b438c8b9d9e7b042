import { describe, expect, it } from 'vitest';
import {
  errorTypeOf,
  errorTypeOfStatus,
  mergeRawUsage,
  toTokenUsage,
} from '../../../layers/claude-monitor/src/client/usage';

describe('toTokenUsage', () => {
  it('reads every count, with the 5m/1h cache split', () => {
    // Prepare
    const raw = {
      input_tokens: 10,
      output_tokens: 20,
      cache_creation_input_tokens: 70,
      cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 40 },
      cache_read_input_tokens: 50,
      server_tool_use: { web_search_requests: 3, web_fetch_requests: 4 },
    };

    // Act
    const usage = toTokenUsage(raw);

    // Assess
    expect(usage).toEqual({
      inputTokens: 10,
      outputTokens: 20,
      cacheWrite5mTokens: 30,
      cacheWrite1hTokens: 40,
      cacheReadTokens: 50,
      webSearchRequests: 3,
      webFetchRequests: 4,
    });
  });

  it('counts cache writes without a split as 5-minute writes and nulls as zero', () => {
    // Act
    const usage = toTokenUsage({
      input_tokens: 1,
      output_tokens: 2,
      cache_creation_input_tokens: 9,
      cache_creation: null,
      cache_read_input_tokens: null,
      server_tool_use: null,
    });

    // Assess
    expect(usage).toMatchObject({
      cacheWrite5mTokens: 9,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
      webSearchRequests: 0,
    });
  });

  it('treats missing usage as all zero', () => {
    // Act
    const usage = toTokenUsage(undefined);

    // Assess
    expect(Object.values(usage).every((n) => n === 0)).toBe(true);
  });
});

describe('mergeRawUsage', () => {
  it('lets cumulative message_delta counts replace message_start ones and keeps what the delta omits', () => {
    // Prepare
    const start = {
      input_tokens: 100,
      output_tokens: 1,
      cache_read_input_tokens: 30,
      service_tier: 'standard',
    };
    const delta = { output_tokens: 55, input_tokens: null, server_tool_use: { web_search_requests: 1 } };

    // Act
    const merged = mergeRawUsage(start, delta);

    // Assess
    expect(merged).toEqual({
      input_tokens: 100,
      output_tokens: 55,
      cache_read_input_tokens: 30,
      service_tier: 'standard',
      server_tool_use: { web_search_requests: 1 },
    });
  });
});

describe('error classification', () => {
  it.each([
    [429, 'rate_limit'],
    [529, 'overloaded'],
    [500, 'server'],
    [503, 'server'],
    [401, 'authentication'],
    [403, 'authentication'],
    [400, 'client'],
    [413, 'client'],
  ])('maps HTTP %i to %s', (status, type) => {
    // Act
    const result = errorTypeOfStatus(status);

    // Assess
    expect(result).toBe(type);
  });

  it('classifies SDK errors by class name, whichever SDK copy threw them', () => {
    // Prepare
    class APIUserAbortError extends Error {}
    class APIConnectionTimeoutError extends Error {}
    class APIConnectionError extends Error {}

    // Act
    const types = [
      errorTypeOf(new APIUserAbortError()),
      errorTypeOf(new APIConnectionTimeoutError()),
      errorTypeOf(new APIConnectionError()),
      errorTypeOf(Object.assign(new Error('x'), { status: 429 })),
      errorTypeOf('not an error'),
    ];

    // Assess
    expect(types).toEqual(['aborted', 'timeout', 'connection', 'rate_limit', 'unknown']);
  });
});
