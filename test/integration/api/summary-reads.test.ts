import { describe, expect, it } from 'vitest';
import { measureSummaryReads } from '../../../functions/api/bench-reads';
import { createTestTable } from '../../helpers/dynamodb';
import { NOW } from './app-under-test';

describe('summary read cost', () => {
  it('reads O(buckets) rollup items, the same for 2,160 as for 1,000,000 calls', async () => {
    // Prepare
    const small = await createTestTable('api-reads-small');
    const large = await createTestTable('api-reads-large');

    // Act
    const few = await measureSummaryReads({ ...small, calls: 2_160, now: NOW, runs: 1 });
    const many = await measureSummaryReads({ ...large, calls: 1_000_000, now: NOW, runs: 1 });

    // Assess
    expect(few.thirtyDays.totalCalls).toBe(2_160);
    expect(many.thirtyDays.totalCalls).toBe(1_000_000);
    expect(many.thirtyDays.itemsRead).toBe(few.thirtyDays.itemsRead);
    expect(many.oneDay.itemsRead).toBe(few.oneDay.itemsRead);
    // 30 days = 10 hours of today + 29 whole days + 14 hours of the first day, for `all` and 3 models; the
    // models through the keys-only group-by index: 3 index entries, then the 3 items, per bucket.
    expect(many.thirtyDays.itemsRead).toBe((10 + 29 + 14) * (1 + 3 + 3));
    expect(many.oneDay.itemsRead).toBe(24 * (1 + 3 + 3));
  }, 300_000);
});
