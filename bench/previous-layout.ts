import type { CallRecord } from 'claude-monitor/domain';
import { rollupFamilyOf } from '../functions/aggregator/bench-workload';
import { MAX_TRANSACTION_ITEMS, sortForSharing } from '../functions/aggregator/chunking';
import { preAggregate } from '../functions/aggregator/pre-aggregate';
import { type RollupKey, rollupKey, rollupKeyId, rollupKeysOf } from '../functions/aggregator/rollup-keys';

/** The rollup family of the session running totals the earlier layout stored. */
export const SESSION_TOTAL_FAMILY = 'session/total';

/** The rollups a record updated in the earlier layout: today's plus the session's stored running total. */
const previousRollupKeysOf = (record: CallRecord): RollupKey[] => [
  ...rollupKeysOf(record),
  ...(record.sessionId ? [rollupKey('total', 'session', record.sessionId, 'total')] : []),
];

/**
 * How the aggregator chunked a batch before it packed chunks by shared keys: records in `sortForSharing`
 * order, each chunk filled in that order until the next record no longer fits. Kept here only to price the
 * earlier layout on the same records; the aggregator uses `chunkCalls`. The earlier layout also stored each
 * session's running total, one more rollup key per session in a chunk.
 */
export const firstFitChunks = (records: readonly CallRecord[], maxItems: number): CallRecord[][] => {
  const chunks: CallRecord[][] = [];
  let current: CallRecord[] = [];
  let keys = new Set<string>();
  for (const record of records) {
    const ids = previousRollupKeysOf(record).map(rollupKeyId);
    const added = ids.filter((id) => !keys.has(id)).length;
    if (current.length > 0 && current.length + 1 + keys.size + added > maxItems) {
      chunks.push(current);
      current = [];
      keys = new Set();
    }
    current.push(record);
    for (const id of ids) keys.add(id);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

/** The rollup updates (by family) and transactions the earlier chunking makes for the same batches. */
export interface PreviousLayoutWrites {
  rollupUpdatesByFamily: Record<string, number>;
  transactions: number;
}

/**
 * Counts what the earlier layout writes for `records` delivered in batches of `batchSize`: one transaction
 * per first-fit chunk, one update per distinct rollup key of each chunk (no record is a duplicate in a
 * benchmark run, so every chunk commits once).
 */
export const previousLayoutWrites = (
  records: readonly CallRecord[],
  batchSize: number,
): PreviousLayoutWrites => {
  const rollupUpdatesByFamily: Record<string, number> = {};
  let transactions = 0;
  for (let start = 0; start < records.length; start += batchSize) {
    const sorted = sortForSharing(records.slice(start, start + batchSize).map((record) => ({ record })));
    for (const chunk of firstFitChunks(
      sorted.map((call) => call.record),
      MAX_TRANSACTION_ITEMS,
    )) {
      transactions++;
      for (const delta of preAggregate(chunk).values()) {
        const family = rollupFamilyOf(delta.key.pk);
        rollupUpdatesByFamily[family] = (rollupUpdatesByFamily[family] ?? 0) + 1;
      }
      const sessions = new Set(chunk.flatMap((record) => (record.sessionId ? [record.sessionId] : [])));
      rollupUpdatesByFamily[SESSION_TOTAL_FAMILY] =
        (rollupUpdatesByFamily[SESSION_TOTAL_FAMILY] ?? 0) + sessions.size;
    }
  }
  return { rollupUpdatesByFamily, transactions };
};
