import { PAIR_OTHER_SLOT, type PairSlot } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { breakdownValueOf } from '../../../functions/api/breakdown';

describe('one value of a breakdown', () => {
  it('names both models of a shared slot, keeps other apart, and reports what predates the split', () => {
    // Prepare: 10 calls in the totals, 7 in the split (3 written before it existed).
    const counters = { calls: 10, errors: 1, costNanoUsd: 1_000, latencySumMs: 5_000 };
    const slots = new Map<string, PairSlot>([
      [
        'ab12',
        { models: ['claude-a', 'claude-b'], counters: { calls: 4, costNanoUsd: 600, latencySumMs: 2_000 } },
      ],
      [
        'cd34',
        { models: ['claude-c'], counters: { calls: 2, errors: 1, costNanoUsd: 300, latencySumMs: 900 } },
      ],
      [PAIR_OTHER_SLOT, { models: [], counters: { calls: 1, latencySumMs: 100 } }],
    ]);

    // Act
    const value = breakdownValueOf('acme', counters, slots);

    // Assess
    expect(value).toMatchObject({ value: 'acme', calls: 10, errors: 1, cost_nano_usd: 1_000 });
    expect(value.models).toEqual([
      expect.objectContaining({
        model: 'claude-a',
        shared_with: ['claude-b'],
        calls: 4,
        average_latency_ms: 500,
      }),
      expect.objectContaining({ model: 'claude-c', calls: 2, errors: 1, error_rate: 50, cost_nano_usd: 300 }),
    ]);
    expect(value.models[1]!.shared_with).toBeUndefined();
    expect(value.other).toMatchObject({ calls: 1, cost_nano_usd: 0, average_latency_ms: 100 });
    expect(value).toMatchObject({ unsplit_calls: 3, unsplit_cost_nano_usd: 100 });
  });
});
