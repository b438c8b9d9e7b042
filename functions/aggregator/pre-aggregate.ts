import { addCounters, type CallRecord, countersOf, type RollupCounters } from 'claude-monitor/domain';
import { type RollupKey, rollupKeyId, rollupKeysOf } from './rollup-keys';

/** The summed counters one write adds to one rollup item. */
export interface RollupDelta {
  key: RollupKey;
  counters: RollupCounters;
}

/**
 * Sums the records into one delta per distinct rollup key, so the writes grow with the number of keys a
 * batch touches, not with the number of calls. Also what recompute uses, so both agree by construction.
 */
export const preAggregate = (records: Iterable<CallRecord>): Map<string, RollupDelta> => {
  const deltas = new Map<string, RollupDelta>();
  for (const record of records) {
    const counters = countersOf(record);
    for (const key of rollupKeysOf(record)) {
      const id = rollupKeyId(key);
      const delta = deltas.get(id);
      if (delta) addCounters(delta.counters, counters);
      else deltas.set(id, { key, counters: { ...counters } });
    }
  }
  return deltas;
};
