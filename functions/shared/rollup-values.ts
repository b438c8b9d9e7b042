import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type Dimension,
  type Granularity,
  KEY,
  rollupPk,
  summedFrom,
  sumOfItems,
} from 'claude-monitor/domain';
import { batchGetItems, type ItemKey, itemKeyId } from './batch-get';
import { queryAll } from './query-all';

/** Summed rollups read at once: a batch of a few thousand calls touches up to as many sessions. */
const PARALLEL_QUERIES = 16;

/** A rollup as its readers name it: the item's key and what it sums. */
export interface RollupRef extends ItemKey {
  granularity: Granularity;
  dim: Dimension;
  value: string;
}

/** Where a rollup that is not stored is summed from (`summedFrom`), with its ref; undefined when stored. */
const summedSource = (key: ItemKey | RollupRef) => {
  if (!('granularity' in key)) return undefined;
  const source = summedFrom(key.granularity, key.dim, key.sk);
  return source && { ref: key, source };
};
type Summed = NonNullable<ReturnType<typeof summedSource>>;

/**
 * The sum of the stored rollups a rollup is made of (one query of their partition: at most 31 days for a
 * month, a session's hours for its total), or undefined when there are none.
 */
const sumOf = async (
  client: DynamoDBClient,
  tableName: string,
  { ref, source }: Summed,
  consistentRead: boolean,
): Promise<Record<string, unknown> | undefined> => {
  const prefixed = source.prefix !== '';
  const parts = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: prefixed ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
    ExpressionAttributeNames: { '#pk': KEY.partition, ...(prefixed ? { '#sk': KEY.sort } : {}) },
    ExpressionAttributeValues: marshall({
      ':pk': rollupPk(source.granularity, ref.dim, ref.value),
      ...(prefixed ? { ':prefix': source.prefix } : {}),
    }),
    ConsistentRead: consistentRead,
  });
  if (parts.length === 0) return undefined;
  return { ...sumOfItems(parts), [KEY.partition]: ref.pk, [KEY.sort]: ref.sk };
};

/**
 * The items of these keys by `itemKeyId`, absent where there is none: stored items (rollups, budget windows, …)
 * through one `BatchGetItem` reader, and rollups that are not stored (months, session totals) as the sum of
 * the finer ones they are made of (counters only), so a reader that needs both makes one batched read. With
 * `consistentRead`, every value includes each write that completed before the read.
 */
export const readRollupValues = async (
  client: DynamoDBClient,
  tableName: string,
  keys: readonly (ItemKey | RollupRef)[],
  options: { consistentRead?: boolean } = {},
): Promise<Map<string, Record<string, unknown>>> => {
  const summed = new Map<string, Summed>();
  const stored: ItemKey[] = [];
  for (const key of keys) {
    const source = summedSource(key);
    if (source) summed.set(itemKeyId(key), source);
    else stored.push(key);
  }
  const values = await batchGetItems(client, tableName, stored, options);
  const pending = [...summed];
  for (let start = 0; start < pending.length; start += PARALLEL_QUERIES) {
    const slice = pending.slice(start, start + PARALLEL_QUERIES);
    const found = await Promise.all(
      slice.map(([, source]) => sumOf(client, tableName, source, options.consistentRead ?? false)),
    );
    for (const [i, sum] of found.entries()) if (sum) values.set(slice[i]![0], sum);
  }
  return values;
};
