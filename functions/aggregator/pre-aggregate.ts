import {
  addCounters,
  type CallRecord,
  countersOf,
  isPairDimension,
  type RollupCounters,
} from 'claude-monitor/domain';
import { addPairName, pairContributionOf } from './pair-counters';
import { type RollupKey, rollupKeyId, rollupKeysOf } from './rollup-keys';

/** The summed counters one write adds to one rollup item. */
export interface RollupDelta {
  key: RollupKey;
  counters: RollupCounters;
  /**
   * Pair dimensions only (tenant, user, function, session): model names of the slots the counters touch,
   * added to the item's name sets.
   */
  pairNames?: Map<string, Set<string>>;
}

/**
 * Sums the records into one delta per distinct rollup key, so the writes grow with the number of keys a
 * batch touches, not with the number of calls. Also what recompute uses, so both agree by construction.
 * `keysOf` is for pricing other layouts in the bench.
 */
export const preAggregate = (
  records: Iterable<CallRecord>,
  keysOf: (record: CallRecord) => RollupKey[] = rollupKeysOf,
): Map<string, RollupDelta> => {
  const deltas = new Map<string, RollupDelta>();
  for (const record of records) {
    const counters = countersOf(record);
    const pair = pairContributionOf(record);
    for (const key of keysOf(record)) {
      const id = rollupKeyId(key);
      let delta = deltas.get(id);
      if (delta) addCounters(delta.counters, counters);
      else {
        delta = { key, counters: { ...counters } };
        deltas.set(id, delta);
      }
      if (isPairDimension(key.dim)) {
        addCounters(delta.counters, pair.counters);
        delta.pairNames ??= new Map();
        addPairName(delta.pairNames, pair);
      }
    }
  }
  return deltas;
};
