import {
  CALL_PARTITIONS,
  callIdPk,
  callPk,
  callPksOfHour,
  DEFAULT_RETENTION_DAYS,
  toCallItem,
} from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { makeCallRecord } from '../../helpers/call-records';

const HOUR = '2026-11-29T10';
const at = (minute: number): string => `${HOUR}:${String(minute).padStart(2, '0')}:00.000Z`;

describe('call record partition keys', () => {
  it("stores a session's calls of one hour under one partition key, whatever their call ids", () => {
    // Prepare
    const records = Array.from({ length: 60 }, (_, i) =>
      makeCallRecord({ sessionId: 'sess-research-042', timestamp: at(i) }),
    );

    // Act
    const keys = new Set(records.map((record) => toCallItem(record, DEFAULT_RETENTION_DAYS).pk));
    const earlierKeys = new Set(records.map(callIdPk));

    // Assess: one key now; spread by call id they took most of the hour's partitions.
    expect(keys.size).toBe(1);
    expect(callPksOfHour(HOUR)).toContain([...keys][0]);
    expect(earlierKeys.size).toBeGreaterThan(CALL_PARTITIONS / 2);
  });

  it('spreads sessions, and calls without a session by their id, over every partition of the hour', () => {
    // Prepare
    const sessions = Array.from({ length: 1_000 }, (_, i) => makeCallRecord({ sessionId: `session-${i}` }));
    const sessionless = Array.from({ length: 1_000 }, () => makeCallRecord({ sessionId: undefined }));
    const blankSession = makeCallRecord({ sessionId: '' });

    // Act
    const bySession = new Set(sessions.map(callPk));
    const byCall = new Set(sessionless.map(callPk));

    // Assess
    expect([...bySession].sort()).toEqual([...callPksOfHour(HOUR)].sort());
    expect([...byCall].sort()).toEqual([...callPksOfHour(HOUR)].sort());
    for (const record of [...sessionless, blankSession]) expect(callPk(record)).toBe(callIdPk(record));
  });

  it("moves a session's calls to the next hour's partitions with the hour", () => {
    // Prepare
    const before = makeCallRecord({ sessionId: 's', timestamp: '2026-11-29T10:59:59.999Z' });
    const after = makeCallRecord({ sessionId: 's', timestamp: '2026-11-29T11:00:00.000Z' });

    // Act
    const keys = [callPk(before), callPk(after)];

    // Assess
    expect(keys[0]!.startsWith('CALL#2026-11-29T10#')).toBe(true);
    expect(keys[1]!.startsWith('CALL#2026-11-29T11#')).toBe(true);
    expect(keys[0]!.split('#')[2]).toBe(keys[1]!.split('#')[2]);
  });
});
