import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { bucketOf, type CallRecord, type Dimension, dimensionValue } from 'claude-monitor/domain';
import { rollupFamilyOf } from '../functions/aggregator/bench-workload';
import { MAX_TRANSACTION_ITEMS, sortForSharing } from '../functions/aggregator/chunking';
import { preAggregate } from '../functions/aggregator/pre-aggregate';
import { rollupItemOf } from '../functions/aggregator/recompute-store';
import { type RollupKey, rollupKey, rollupKeyId, rollupKeysOf } from '../functions/aggregator/rollup-keys';

/** Dimensions the earlier layout also stored by month; months are now read as the sum of their days. */
const MONTHLY_BEFORE: readonly Dimension[] = ['all', 'model', 'user', 'tenant', 'function'];

/**
 * The rollups the earlier layout stored and the current one does not: each dimension's month and the
 * session's running total (`ROLLUP#total#session#<id>`).
 */
const earlierOnlyKeysOf = (record: CallRecord): RollupKey[] => {
  const keys: RollupKey[] = [];
  for (const dim of MONTHLY_BEFORE) {
    const value = dimensionValue(record, dim);
    if (value) keys.push(rollupKey('month', dim, value, bucketOf(record.timestamp, 'month')));
  }
  if (record.sessionId) keys.push(rollupKey('total', 'session', record.sessionId, 'total'));
  return keys;
};

/** The rollups a record updated in the earlier layout. */
const previousRollupKeysOf = (record: CallRecord): RollupKey[] => [
  ...rollupKeysOf(record),
  ...earlierOnlyKeysOf(record),
];

/**
 * The earlier layout's rollups that are no longer stored, by family, as they would stand at the end of the
 * run (the sums of the records). Months had a group-by index entry; session totals had none.
 */
export const earlierOnlyItems = (
  records: readonly CallRecord[],
): Map<string, Record<string, AttributeValue>[]> => {
  const families = new Map<string, Record<string, AttributeValue>[]>();
  for (const delta of preAggregate(records, earlierOnlyKeysOf).values()) {
    const { dpk, dsk, ...item } = rollupItemOf(delta);
    const stored = delta.key.granularity === 'total' ? item : { ...item, dpk, dsk };
    const family = rollupFamilyOf(delta.key.pk);
    const items = families.get(family) ?? [];
    items.push(marshall(stored, { removeUndefinedValues: true }));
    families.set(family, items);
  }
  return families;
};

/**
 * How the aggregator chunked a batch before it packed chunks by shared keys: records in `sortForSharing`
 * order, each chunk filled in that order until the next record no longer fits. Kept here only to price the
 * earlier layout on the same records; the aggregator uses `chunkCalls`. The earlier layout's records also
 * had more rollup keys (`earlierOnlyKeysOf`).
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
  batches: number;
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
  let batches = 0;
  for (let start = 0; start < records.length; start += batchSize) {
    batches++;
    const sorted = sortForSharing(records.slice(start, start + batchSize).map((record) => ({ record })));
    for (const chunk of firstFitChunks(
      sorted.map((call) => call.record),
      MAX_TRANSACTION_ITEMS,
    )) {
      transactions++;
      for (const delta of preAggregate(chunk, previousRollupKeysOf).values()) {
        const family = rollupFamilyOf(delta.key.pk);
        rollupUpdatesByFamily[family] = (rollupUpdatesByFamily[family] ?? 0) + 1;
      }
    }
  }
  return { rollupUpdatesByFamily, transactions, batches };
};
