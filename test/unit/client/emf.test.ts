import { describe, expect, it } from 'vitest';
import { type CallRecord, EMPTY_USAGE } from '../../../layers/claude-monitor/src/domain';
import { emfDocuments } from '../../../layers/claude-monitor/src/recorder/emf';

const record = (overrides: Partial<CallRecord>): CallRecord => ({
  callId: 'c',
  timestamp: '2026-11-29T10:00:00.000Z',
  operation: 'create',
  beta: false,
  provider: 'anthropic',
  requestedModel: 'm',
  model: 'm',
  status: 'success',
  usage: { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 5, cacheWrite1hTokens: 2, cacheReadTokens: 3 },
  cost: {
    inputNanoUsd: 0,
    outputNanoUsd: 0,
    cacheWrite5mNanoUsd: 0,
    cacheWrite1hNanoUsd: 0,
    cacheReadNanoUsd: 0,
    webSearchNanoUsd: 0,
    totalNanoUsd: 1_500_000,
    priced: true,
    priceVersion: 'v',
    modifiers: [],
  },
  latencyMs: 10,
  attempts: 1,
  functionName: 'fn',
  ...overrides,
});

describe('emfDocuments', () => {
  it('sums calls, errors, cost, tokens and unpriced calls per function and model', () => {
    // Prepare
    const unpriced = { ...record({}).cost, priced: false, totalNanoUsd: 0 };
    const records = [record({}), record({ status: 'error' }), record({ model: 'other', cost: unpriced })];

    // Act
    const documents = emfDocuments(records, { recordsNotWritten: 0, monitorFailures: 0 }, 1_000);

    // Assess
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({
      FunctionName: 'fn',
      Model: 'm',
      Calls: 2,
      Errors: 1,
      CostUsd: 0.003,
      InputTokens: 20,
      OutputTokens: 10,
      CacheReadTokens: 6,
      CacheWriteTokens: 4,
      UnpricedCalls: 0,
      _aws: { Timestamp: 1_000, CloudWatchMetrics: [{ Namespace: 'ClaudeMonitor' }] },
    });
    expect(documents[1]).toMatchObject({ Model: 'other', Calls: 1, UnpricedCalls: 1 });
  });

  it('adds a health document only when records were not written or monitoring failed', () => {
    // Act
    const healthy = emfDocuments([record({})], { recordsNotWritten: 0, monitorFailures: 0 });
    const unhealthy = emfDocuments([record({})], { recordsNotWritten: 4, monitorFailures: 1 });

    // Assess
    expect(healthy).toHaveLength(1);
    expect(unhealthy[1]).toMatchObject({ FunctionName: 'fn', RecordsNotWritten: 4, MonitorFailures: 1 });
    expect(unhealthy[1]).not.toHaveProperty('Model');
  });
});
