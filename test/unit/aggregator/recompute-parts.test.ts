import { countersOfItem } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { counterDrift } from '../../../functions/aggregator/drift';
import { RecomputeInputError } from '../../../functions/aggregator/errors';
import { compareSequenceNumbers, parseStreamRecords } from '../../../functions/aggregator/parse-records';
import { recomputeBuckets } from '../../../functions/aggregator/recompute-buckets';

describe('recompute buckets', () => {
  it('widens to whole hours and keeps only whole, closed days', () => {
    // Prepare
    const now = Date.parse('2026-11-30T12:00:00Z');

    // Act
    const buckets = recomputeBuckets('2026-11-29T00:30:00Z', '2026-11-30T11:10:00Z', now, 900_000);

    // Assess
    expect(buckets.from).toBe('2026-11-29T00:00:00.000Z');
    expect(buckets.to).toBe('2026-11-30T12:00:00.000Z');
    expect(buckets.hours).toHaveLength(36);
    expect(buckets.closed.day).toEqual(['2026-11-29']);
    expect(buckets.closed.month).toEqual([]);
    expect(buckets.open).toEqual(['2026-11-30T11']);
  });

  it('rejects a reversed or unreadable range', () => {
    // Prepare
    const now = Date.now();

    // Act
    const reversed = () => recomputeBuckets('2026-11-30', '2026-11-29', now, 0);
    const garbage = () => recomputeBuckets('yesterday', '2026-11-29', now, 0);

    // Assess
    expect(reversed).toThrow(RecomputeInputError);
    expect(garbage).toThrow('from must be an ISO 8601 date or time, got "yesterday"');
  });
});

describe('drift', () => {
  it('treats missing counters as zero and ignores descriptive attributes', () => {
    // Prepare
    const stored = countersOfItem({ pk: 'p', sk: 's', type: 'rollup', value: 'x', calls: 3, err_other: 0 });

    // Act
    const drift = counterDrift(stored, { calls: 3, costNanoUsd: 7 });

    // Assess
    expect(stored).toEqual({ calls: 3, err_other: 0 });
    expect(drift).toEqual({ costNanoUsd: { stored: 0, expected: 7 } });
  });
});

describe('stream record parsing', () => {
  it('ignores records that are not call inserts', () => {
    // Prepare
    const records = [
      { eventName: 'MODIFY' as const, dynamodb: { SequenceNumber: '1', NewImage: { type: { S: 'call' } } } },
      {
        eventName: 'INSERT' as const,
        dynamodb: { SequenceNumber: '2', NewImage: { type: { S: 'rollup' } } },
      },
    ];

    // Act
    const parsed = parseStreamRecords(records);

    // Assess
    expect(parsed).toEqual({ calls: [], poison: [], ignored: 2 });
  });

  it('compares sequence numbers of different lengths numerically', () => {
    // Prepare
    const numbers = ['1000000000000000000010', '999', '100000000000000000009'];

    // Act
    const sorted = [...numbers].sort(compareSequenceNumbers);

    // Assess
    expect(sorted).toEqual(['999', '100000000000000000009', '1000000000000000000010']);
  });
});
