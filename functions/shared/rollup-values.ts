import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  addCounters,
  countersOfItem,
  type Dimension,
  type Granularity,
  KEY,
  type RollupCounters,
  rollupPk,
} from 'claude-monitor/domain';
import { batchGetItems, type ItemKey, itemKeyId } from './batch-get';
import { queryAll } from './query-all';

/** Session totals read at once: a batch of 1,000 calls touches up to 1,000 sessions. */
const PARALLEL_QUERIES = 16;

/** A rollup as its readers name it: the item's key and what it sums. */
export interface RollupRef extends ItemKey {
  granularity: Granularity;
  dim: Dimension;
  value: string;
}

/**
 * A session's running total (granularity `total`) is not stored: every call that adds to it also adds to
 * the session's hour rollup, so the total is the sum of those, and keeping it as an item of its own would
 * cost every call another transactional write.
 */
const isSessionTotal = (key: ItemKey | RollupRef): key is RollupRef =>
  'granularity' in key && key.granularity === 'total' && key.dim === 'session';

/** The sum of a session's hour rollups (one query of the session's partition), or undefined when it has none. */
const sessionTotal = async (
  client: DynamoDBClient,
  tableName: string,
  ref: RollupRef,
  consistentRead: boolean,
): Promise<Record<string, unknown> | undefined> => {
  const hours = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': KEY.partition },
    ExpressionAttributeValues: marshall({ ':pk': rollupPk('hour', 'session', ref.value) }),
    ConsistentRead: consistentRead,
  });
  if (hours.length === 0) return undefined;
  const total: RollupCounters = {};
  for (const hour of hours) addCounters(total, countersOfItem(hour));
  return { ...total, [KEY.partition]: ref.pk, [KEY.sort]: ref.sk };
};

/**
 * The items of these keys by `itemKeyId`, absent where there is none: stored items (rollups, budget windows, …)
 * through one `BatchGetItem` reader, and session totals as the sum of the session's hour rollups (counters
 * only), so a reader that needs both makes one batched read. With
 * `consistentRead`, every value includes each write that completed before the read.
 */
export const readRollupValues = async (
  client: DynamoDBClient,
  tableName: string,
  keys: readonly (ItemKey | RollupRef)[],
  options: { consistentRead?: boolean } = {},
): Promise<Map<string, Record<string, unknown>>> => {
  const totals = new Map<string, RollupRef>();
  const stored: ItemKey[] = [];
  for (const key of keys) {
    if (isSessionTotal(key)) totals.set(itemKeyId(key), key);
    else stored.push(key);
  }
  const values = await batchGetItems(client, tableName, stored, options);
  const pending = [...totals];
  for (let start = 0; start < pending.length; start += PARALLEL_QUERIES) {
    const slice = pending.slice(start, start + PARALLEL_QUERIES);
    const found = await Promise.all(
      slice.map(([, ref]) => sessionTotal(client, tableName, ref, options.consistentRead ?? false)),
    );
    for (const [i, total] of found.entries()) if (total) values.set(slice[i]![0], total);
  }
  return values;
};
