import { describe, expect, it } from 'vitest';
import { type ItemTypeUnits, liveTableUnits } from '../../../bench/aggregation-figures';
import { keysPerBucket, WORKLOAD_MIX } from '../../../functions/aggregator/realistic-workload';

const family = (indexUnitsPerCall: number, unitsPerIndexEntry = 1): ItemTypeUnits => ({
  writesPerCall: 0.5,
  unitsPerCall: 1 + indexUnitsPerCall,
  writesPerCallBefore: 0.5,
  unitsPerCallBefore: 1.5,
  averageBytes: 400,
  largestBytes: 700,
  indexUnitsPerCall,
  unitsPerIndexEntry,
});

describe('keysPerBucket', () => {
  it('counts the keys an hour of the mix creates, sessions running into the hour included', () => {
    // Act
    const { hour, day } = keysPerBucket(4);

    // Assess
    expect(hour.calls).toBe(4 * 3_600);
    // Sessions of at most 60 calls, most of about 12: far more sessions than calls / 60, far fewer than calls.
    expect(hour.session).toBeGreaterThan(hour.calls / WORKLOAD_MIX.maxSessionCalls);
    expect(hour.session).toBeLessThan(hour.calls / 4);
    expect(hour.user).toBeLessThanOrEqual(WORKLOAD_MIX.users);
    expect(hour.user).toBeLessThanOrEqual(hour.session);
    expect(hour.tenant).toBeLessThanOrEqual(WORKLOAD_MIX.tenants);
    expect(hour.function).toBeLessThanOrEqual(WORKLOAD_MIX.functions);
    expect(day).toMatchObject({
      calls: 24 * hour.calls,
      session: 0,
      user: WORKLOAD_MIX.users,
      all: 1,
      pastSessionMarks: 0,
    });
    // Sessions of up to 60 calls: some run past their rollup's marks within the hour, most do not.
    expect(hour.pastSessionMarks).toBeGreaterThan(0);
    expect(hour.pastSessionMarks).toBeLessThan(hour.calls / 4);
    expect(keysPerBucket(4)).toEqual({ hour, day });
  });
});

describe('liveTableUnits', () => {
  it('replaces the index entries of the rollups a fresh table created with one per key and bucket', () => {
    // Prepare: the run counted 0.30 units of session-hour entries and 0.10 of user-day entries per call.
    const rollups = { 'session/hour': family(0.3), 'user/day': family(0.1), 'model/hour': family(0) };
    const { hour, day } = keysPerBucket(4);

    // Act
    const live = liveTableUnits('steady', rollups, 4, 5);

    // Assess
    const expected = hour.session / hour.calls + day.user / day.calls;
    // Calls past their session rollup's marks write a minute entry as often as the session rollup (0.5).
    const minuteEntries = (hour.pastSessionMarks / hour.calls) * 0.5 * 2;
    expect(live.indexUnitsPerCallFresh).toBeCloseTo(0.4, 12);
    expect(live.indexUnitsPerCall).toBeCloseTo(expected, 12);
    expect(live.minuteEntryUnitsPerCall).toBeCloseTo(minuteEntries, 12);
    expect(live.writeUnitsPerCall).toBeCloseTo(4 - 0.4 + expected + minuteEntries, 12);
    expect(live.totalWriteUnitsPerCall).toBeCloseTo(5 - 0.4 + expected + minuteEntries, 12);
  });

  it('refuses a rollup family it has no bucket count for', () => {
    expect(() => liveTableUnits('steady', { 'session/month': family(0.2) }, 4, 5)).toThrow('session/month');
  });
});
