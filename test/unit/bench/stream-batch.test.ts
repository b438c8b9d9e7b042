import { describe, expect, it } from 'vitest';
import { LAMBDA_PAYLOAD_LIMIT_BYTES, shardedBatches } from '../../../bench/stream-batch';
import { makeCallRecord } from '../../helpers/call-records';

const START_MS = Date.UTC(2026, 10, 29, 10, 0, 0);
const WINDOW = { batchSize: 10_000, windowSeconds: 30 };

/** `count` calls of each of `sessions` sessions, one call of each every second from 10:00:00. */
const calls = (sessions: number, count: number) =>
  Array.from({ length: count }, (_, second) =>
    Array.from({ length: sessions }, (_, s) =>
      makeCallRecord({
        sessionId: `session-${s}`,
        timestamp: new Date(START_MS + second * 1_000).toISOString(),
      }),
    ),
  ).flat();

const sessionsPerBatch = (batches: { sessionId?: string }[][]): number[] =>
  batches.map((batch) => new Set(batch.map((record) => record.sessionId)).size);

describe('shardedBatches', () => {
  it("keeps a session's calls in one shard's batches when keyed by session, and spreads them when keyed by call id", () => {
    // Prepare
    const records = calls(1, 30);

    // Act
    const bySession = shardedBatches(records, 'session', 16, WINDOW, 1_600);
    const byCallId = shardedBatches(records, 'callId', 16, WINDOW, 1_600);

    // Assess
    expect(bySession.map((batch) => batch.length)).toEqual([30]);
    expect(byCallId.length).toBeGreaterThan(4);
    expect(byCallId.flat()).toHaveLength(30);
  });

  it('closes a batch at the window, at the batch size and at the payload limit, and loses no record', () => {
    // Prepare
    const records = calls(40, 90);
    const perPayload = Math.floor(LAMBDA_PAYLOAD_LIMIT_BYTES / 100_000);

    // Act
    const byWindow = shardedBatches(records, 'session', 1, WINDOW, 1_600);
    const bySize = shardedBatches(records, 'session', 1, { ...WINDOW, batchSize: 500 }, 1_600);
    const byPayload = shardedBatches(records, 'session', 1, WINDOW, 100_000);

    // Assess: 30 s of 40 calls a second per batch; 500; what 6 MB holds at 100 KB a record.
    expect(byWindow.map((batch) => batch.length)).toEqual([1_200, 1_200, 1_200]);
    expect(bySize.every((batch) => batch.length <= 500)).toBe(true);
    expect(Math.max(...byPayload.map((batch) => batch.length))).toBe(perPayload);
    for (const batches of [byWindow, bySize, byPayload]) {
      expect(
        batches
          .flat()
          .map((r) => r.callId)
          .sort(),
      ).toEqual(records.map((r) => r.callId).sort());
    }
    expect(sessionsPerBatch(byWindow)).toEqual([40, 40, 40]);
  });
});
