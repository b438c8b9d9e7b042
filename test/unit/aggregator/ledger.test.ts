import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { itemSize } from '../../../bench/item-size';
import { chunkCalls, MAX_CHUNK_RECORDS } from '../../../functions/aggregator/chunking';
import {
  callMark,
  LEDGER_MARKS,
  ledgerKeyId,
  ledgerKeyOf,
  ledgerPk,
  ROLLUP_MARKS_FULL,
  SESSION_ROLLUP_MARKS,
  sessionRollupOf,
} from '../../../functions/aggregator/ledger';
import { preAggregate } from '../../../functions/aggregator/pre-aggregate';
import { realisticWorkload } from '../../../functions/aggregator/realistic-workload';
import { rollupItemOf } from '../../../functions/aggregator/recompute-store';
import { rollupKeyId } from '../../../functions/aggregator/rollup-keys';
import { makeCallRecord } from '../../helpers/call-records';

describe('ledger entries', () => {
  it('gives the calls of one session and minute one entry, and each other minute or session its own', () => {
    // Prepare
    const at = (sessionId: string, timestamp: string, callId: string) =>
      ledgerKeyId(ledgerKeyOf(makeCallRecord({ sessionId, timestamp, callId })));

    // Act
    const first = at('s-1', '2026-12-02T10:15:03.000Z', 'a');
    const sameMinute = at('s-1', '2026-12-02T10:15:59.999Z', 'b');
    const nextMinute = at('s-1', '2026-12-02T10:16:00.000Z', 'c');
    const otherSession = at('s-2', '2026-12-02T10:15:03.000Z', 'd');

    // Assess
    expect(sameMinute).toBe(first);
    expect(nextMinute).not.toBe(first);
    expect(otherSession).not.toBe(first);
    expect(first.endsWith('|2026-12-02T10:15')).toBe(true);
  });

  it('gives a call without a session the entry of its own that every call had before grouping', () => {
    // Prepare
    const record = makeCallRecord({ sessionId: undefined, callId: 'call-42' });

    // Act
    const key = ledgerKeyOf(record);

    // Assess
    expect(key).toEqual({ pk: ledgerPk('call-42'), sk: 'LEDGER', grouped: false });
  });

  it('keeps the key short however long the session id, and marks calls with 12 distinct bytes', () => {
    // Prepare
    const record = makeCallRecord({ sessionId: 'x'.repeat(1_000) });

    // Act
    const key = ledgerKeyOf(record);
    const marks = new Set(
      Array.from({ length: 10_000 }, (_, i) => Buffer.from(callMark(`call-${i}`)).toString('hex')),
    );

    // Assess
    expect(key.pk.length).toBeLessThan(40);
    expect(marks.size).toBe(10_000);
    expect(callMark('call-1')).toHaveLength(12);
    expect(callMark('call-1')).toEqual(callMark('call-1'));
  });

  it('puts at most 100 calls in a chunk, even when they all share every item', () => {
    // Prepare: one session calling many times in one minute, so each call adds no item to the chunk
    const calls = Array.from({ length: 250 }, (_, i) => ({
      record: makeCallRecord({ sessionId: 'busy', callId: `c-${i}`, timestamp: '2026-12-02T10:15:30.000Z' }),
    }));

    // Act
    const chunks = chunkCalls(calls);

    // Assess
    expect(chunks.map((chunk) => chunk.length)).toEqual([MAX_CHUNK_RECORDS, MAX_CHUNK_RECORDS, 50]);
  });

  it('keeps a session hour rollup holding its marks within one write unit over whole hours of the realistic mix', () => {
    // Prepare: 200,000 calls at the busy rate, so most sessions run their whole course in their hours
    const records = realisticWorkload(200_000, 200);
    const callsOf = new Map<string, string[]>();
    for (const record of records) {
      const id = rollupKeyId(sessionRollupOf(record)!);
      const calls = callsOf.get(id);
      if (calls) calls.push(record.callId);
      else callsOf.set(id, [record.callId]);
    }

    // Act: each session rollup as stored at the end of its hour, with the marks it took
    const sizes: number[] = [];
    for (const [id, delta] of preAggregate(records)) {
      const callIds = callsOf.get(id);
      if (!callIds) continue;
      const item: Record<string, AttributeValue> = {
        ...marshall(rollupItemOf(delta)),
        [LEDGER_MARKS]: { BS: callIds.slice(0, SESSION_ROLLUP_MARKS).map(callMark) },
        ...(callIds.length > SESSION_ROLLUP_MARKS ? { [ROLLUP_MARKS_FULL]: { BOOL: true } } : {}),
      };
      sizes.push(itemSize(item));
    }

    // Assess: at most 1 in 1,000 above 1 KB (32 marks would leave 4.7 % above)
    expect(sizes.length).toBeGreaterThan(10_000);
    expect(sizes.filter((size) => size > 1_024).length).toBeLessThanOrEqual(sizes.length / 1_000);
  }, 600_000);
});
