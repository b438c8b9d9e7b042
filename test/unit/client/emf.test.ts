import { describe, expect, it } from 'vitest';
import {
  type CallRecord,
  callMetricDocuments,
  EMPTY_USAGE,
  metricMinute,
} from '../../../layers/claude-monitor/src/domain';
import { healthDocument } from '../../../layers/claude-monitor/src/recorder/emf';

const NOW = Date.parse('2026-11-29T10:05:30.000Z');

const record = (overrides: Partial<CallRecord>): CallRecord => ({
  callId: 'c',
  timestamp: '2026-11-29T10:00:10.000Z',
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

describe('callMetricDocuments', () => {
  it('sums calls, errors, cost, tokens and unpriced calls per function, model and minute of the calls', () => {
    // Prepare
    const unpriced = { ...record({}).cost, priced: false, totalNanoUsd: 0 };
    const records = [
      record({}),
      record({ status: 'error', timestamp: '2026-11-29T10:00:59.999Z' }),
      record({ model: 'other', cost: unpriced }),
      record({ timestamp: '2026-11-29T10:01:00.000Z' }),
    ];

    // Act
    const documents = callMetricDocuments(records, NOW);

    // Assess
    expect(documents).toHaveLength(3);
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
      _aws: {
        Timestamp: Date.parse('2026-11-29T10:00:00.000Z'),
        CloudWatchMetrics: [{ Namespace: 'ClaudeMonitor', Dimensions: [['FunctionName', 'Model']] }],
      },
    });
    expect(documents[1]).toMatchObject({ Model: 'other', Calls: 1, UnpricedCalls: 1 });
    expect(documents[2]).toMatchObject({
      Model: 'm',
      Calls: 1,
      _aws: { Timestamp: Date.parse('2026-11-29T10:01:00.000Z') },
    });
  });

  it('declares budget metrics only when a call was refused or sent unchecked', () => {
    // Act
    const [plain] = callMetricDocuments([record({})], NOW);
    const [budget] = callMetricDocuments(
      [
        record({ budget: { outcome: 'refused', reservedNanoUsd: 0, limits: [] } }),
        record({ budget: { outcome: 'unavailable', reservedNanoUsd: 0, limits: [] } }),
      ],
      NOW,
    );

    // Assess
    expect(plain).not.toHaveProperty('BudgetRefusals');
    expect(plain).not.toHaveProperty('BudgetChecksUnavailable');
    expect(budget).toMatchObject({ BudgetRefusals: 1, BudgetChecksUnavailable: 1 });
    const declared = budget!._aws.CloudWatchMetrics[0]!.Metrics.map((metric) => metric.Name);
    expect(declared).toContain('BudgetRefusals');
  });

  it('counts a call CloudWatch would refuse the time of (weeks old, or far ahead) at the time it is counted', () => {
    // Act
    const old = metricMinute('2026-11-01T10:00:00.000Z', NOW);
    const ahead = metricMinute('2026-11-29T14:00:00.000Z', NOW);
    const unreadable = metricMinute('not a time', NOW);
    const recent = metricMinute('2026-11-28T10:00:42.000Z', NOW);

    // Assess
    const nowMinute = Date.parse('2026-11-29T10:05:00.000Z');
    expect([old, ahead, unreadable]).toEqual([nowMinute, nowMinute, nowMinute]);
    expect(recent).toBe(Date.parse('2026-11-28T10:00:00.000Z'));
  });
});

describe('healthDocument', () => {
  it('is printed only when records were not written, are unconfirmed or monitoring failed', () => {
    // Act
    const healthy = healthDocument('fn', { recordsNotWritten: 0, monitorFailures: 0 });
    const unhealthy = healthDocument('fn', {
      recordsNotWritten: 4,
      recordsUnconfirmed: 2,
      monitorFailures: 1,
    });
    const outsideLambda = healthDocument(undefined, { recordsNotWritten: 1, monitorFailures: 0 });

    // Assess
    expect(healthy).toBeUndefined();
    expect(unhealthy).toMatchObject({
      FunctionName: 'fn',
      RecordsNotWritten: 4,
      RecordsUnconfirmed: 2,
      MonitorFailures: 1,
    });
    expect(unhealthy).not.toHaveProperty('Model');
    expect(outsideLambda).toMatchObject({ FunctionName: 'local', RecordsNotWritten: 1 });
  });
});
