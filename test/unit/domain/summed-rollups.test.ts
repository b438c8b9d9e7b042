import { ROLLUP_PLAN, summedFrom } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';

describe('rollups read as sums of finer ones', () => {
  it('reads a month from its days and a session total from all its hours', () => {
    // Act
    const month = summedFrom('month', 'user', '2026-11');
    const total = summedFrom('total', 'session', 'total');

    // Assess
    expect(month).toEqual({ granularity: 'day', prefix: '2026-11' });
    expect(total).toEqual({ granularity: 'hour', prefix: '' });
  });

  it('reads stored granularities as items, and nothing is stored by month or in total', () => {
    // Act
    const stored = [summedFrom('day', 'user', '2026-11-29'), summedFrom('hour', 'session', '2026-11-29T10')];

    // Assess
    expect(stored).toEqual([undefined, undefined]);
    for (const granularities of Object.values(ROLLUP_PLAN)) {
      expect(granularities).not.toContain('month');
      expect(granularities).not.toContain('total');
    }
  });

  it('has no value where nothing finer is stored', () => {
    // Act
    const providerHour = summedFrom('hour', 'provider_model', '2026-11-29T10');

    // Assess
    expect(providerHour).toBeUndefined();
  });
});
