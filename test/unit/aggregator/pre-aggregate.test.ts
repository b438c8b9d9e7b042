import { type CallRecord, countersOf } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { firstFitChunks } from '../../../bench/previous-layout';
import {
  chunkCalls,
  MAX_CHUNK_RECORDS,
  MAX_TRANSACTION_ITEMS,
  sortForSharing,
} from '../../../functions/aggregator/chunking';
import { transactionalRollupKeysOf } from '../../../functions/aggregator/day-sync';
import { ledgerKeyId, ledgerKeyOf, sessionRollupOf } from '../../../functions/aggregator/ledger';
import { preAggregate } from '../../../functions/aggregator/pre-aggregate';
import { realisticWorkload } from '../../../functions/aggregator/realistic-workload';
import { rollupKeyId, rollupKeysOf } from '../../../functions/aggregator/rollup-keys';
import { makeCallRecord, makeErrorRecord } from '../../helpers/call-records';

describe('rollup keys of a record', () => {
  it('covers every dimension and granularity of the plan', () => {
    // Prepare
    const record = makeCallRecord({ timestamp: '2026-11-29T10:15:00.000Z' });

    // Act
    const ids = rollupKeysOf(record).map(rollupKeyId);

    // Assess
    expect(ids).toHaveLength(11);
    expect(ids).toContain('ROLLUP#hour#all#*|2026-11-29T10');
    expect(ids).toContain('ROLLUP#day#tenant#tenant-1|2026-11-29');
    expect(ids).toContain('ROLLUP#hour#session#session-1|2026-11-29T10');
    // Months and a session's running total are read as sums of days and hours, never stored.
    expect(ids.filter((id) => /^ROLLUP#(month|total)#/.test(id))).toEqual([]);
  });

  it('leaves out the dimensions a record has no value for', () => {
    // Prepare
    const record = makeCallRecord({
      userId: undefined,
      tenantId: undefined,
      sessionId: undefined,
      functionName: undefined,
    });

    // Act
    const dims = new Set(rollupKeysOf(record).map((key) => key.dim));

    // Assess
    expect([...dims].sort()).toEqual(['all', 'model']);
  });

  it('keeps the day per provider and model for cloud calls only', () => {
    // Prepare
    const bedrock = makeCallRecord({
      provider: 'bedrock',
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    });

    // Act
    const ids = rollupKeysOf(bedrock).map(rollupKeyId);

    // Assess
    expect(ids).toHaveLength(12);
    expect(ids).toContain(
      'ROLLUP#day#provider_model#bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0|2026-11-29',
    );
  });
});

describe('preAggregate', () => {
  it('sums the records of a key into one delta', () => {
    // Prepare
    const records = [
      makeCallRecord({ latencyMs: 100 }),
      makeCallRecord({ latencyMs: 300 }),
      makeErrorRecord({ errorType: 'rate_limit' }),
    ];

    // Act
    const deltas = preAggregate(records);

    // Assess
    const hour = deltas.get('ROLLUP#hour#all#*|2026-11-29T10')!;
    expect(deltas.size).toBe(11);
    expect(hour.counters).toMatchObject({
      calls: 3,
      successes: 2,
      errors: 1,
      err_rate_limit: 1,
      costNanoUsd: 12_000_000,
    });
    expect(hour.counters.latencySumMs).toBe(100 + 300 + 850);
  });

  it('does not change the counters of the records it sums', () => {
    // Prepare
    const record = makeCallRecord();
    const before = countersOf(record);

    // Act
    preAggregate([record, record]);

    // Assess
    expect(countersOf(record)).toEqual(before);
  });
});

describe('chunking', () => {
  const calls = (n: number, sessions: number) =>
    Array.from({ length: n }, (_, i) => ({
      record: makeCallRecord({
        sessionId: `s-${i % sessions}`,
        userId: `u-${i % 7}`,
        functionName: `f-${i % 3}`,
      }),
      sequenceNumber: String(i),
    }));

  it('keeps every transaction within 100 items and loses no record', () => {
    // Prepare
    const input = sortForSharing(calls(1_000, 200));

    // Act
    const chunks = chunkCalls(input);

    // Assess
    for (const chunk of chunks) {
      // The days of the hot dimensions are summed after the transactions, not written in them.
      const keys = new Set(chunk.flatMap((call) => transactionalRollupKeysOf(call.record).map(rollupKeyId)));
      // Calls with a session are marked in their session rollup; the others in an entry of their own.
      const entries = new Set(
        chunk
          .filter((call) => !sessionRollupOf(call.record))
          .map((call) => ledgerKeyId(ledgerKeyOf(call.record))),
      );
      expect(entries.size + keys.size).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
      expect(chunk.length).toBeLessThanOrEqual(MAX_CHUNK_RECORDS);
    }
    expect(chunks.flat()).toHaveLength(1_000);
    expect(new Set(chunks.flat().map((call) => call.record.callId)).size).toBe(1_000);
  });

  it('writes fewer rollup updates than chunks filled in sorted order, on the realistic mix', () => {
    // Prepare: one busy batch of the mix the write-cost figures are measured on
    const batch = realisticWorkload(1_000, 200).map((record) => ({ record }));
    const updates = (chunks: readonly (readonly CallRecord[])[]) =>
      chunks.reduce((sum, chunk) => sum + preAggregate(chunk).size, 0);
    const sorted = sortForSharing(batch);

    // Act
    const packed = chunkCalls(sorted).map((chunk) => chunk.map((call) => call.record));
    const firstFit = firstFitChunks(
      sorted.map((call) => call.record),
      MAX_TRANSACTION_ITEMS,
    );

    // Assess: the hot rollups (account, model, function, tenant) are rewritten in fewer chunks
    expect(packed.flat()).toHaveLength(1_000);
    expect(packed.length).toBeLessThan(firstFit.length);
    expect(updates(packed)).toBeLessThan(0.96 * updates(firstFit));
  });
});
