import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { INDEX, KEY } from 'claude-monitor/domain';
import { batchGetItems, itemKeyId } from './batch-get';
import { queryAll } from './query-all';

/** Which part of the group-by index to read: one `dpk` and an inclusive `dsk` range. */
export interface DimensionRange {
  /** `ROLLUP#<granularity>#<dim>` (`rollupDimensionPk`). */
  dpk: string;
  /** Lowest `dsk` (`<bucket>#<value>`) to read, inclusive. */
  from: string;
  /** Highest `dsk` to read, inclusive. */
  to: string;
}

/**
 * Every rollup item of one dimension in a `dsk` range, in index order. The group-by index holds keys only
 * (so a rollup's counter updates do not rewrite its index entry): the keys come from the index, the items
 * from the table. Both reads are eventually consistent, as an index query is.
 */
export const queryDimensionRollups = async (
  client: DynamoDBClient,
  tableName: string,
  range: DimensionRange,
): Promise<Record<string, unknown>[]> => {
  const entries = await queryAll(client, {
    TableName: tableName,
    IndexName: INDEX.byDimension.name,
    KeyConditionExpression: '#dpk = :dpk AND #dsk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#dpk': INDEX.byDimension.partition, '#dsk': INDEX.byDimension.sort },
    ExpressionAttributeValues: marshall({ ':dpk': range.dpk, ':from': range.from, ':to': range.to }),
  });
  const keys = entries.map((entry) => ({
    pk: String(entry[KEY.partition]),
    sk: String(entry[KEY.sort]),
  }));
  const items = await batchGetItems(client, tableName, keys);
  return keys.flatMap((key) => {
    const item = items.get(itemKeyId(key));
    return item ? [item] : [];
  });
};
