import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type Dimension,
  type Granularity,
  INDEX,
  KEY,
  rollupDimensionPk,
  summedFrom,
  sumOfItems,
} from 'claude-monitor/domain';
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

/**
 * Every value's rollup of one dimension in one bucket, as `{ value, bucket, …counters }`. A granularity that
 * is not stored (`summedFrom`, e.g. a month) is summed per value from the finer rollups it is made of, read
 * through the same index: a month of a dimension reads each value's days of it.
 */
export const dimensionRollupsOfBucket = async (
  client: DynamoDBClient,
  tableName: string,
  ref: { granularity: Granularity; dim: Dimension; bucket: string },
): Promise<Record<string, unknown>[]> => {
  const source = summedFrom(ref.granularity, ref.dim, ref.bucket);
  if (source === undefined)
    return queryDimensionRollups(client, tableName, {
      dpk: rollupDimensionPk(ref.granularity, ref.dim),
      from: `${ref.bucket}#`,
      to: `${ref.bucket}$`,
    });
  // Index sort keys are `<bucket>#<value>`; a finer bucket continues its prefix with a digit, `-` or `T`,
  // all of which sort between a space and `~`.
  const parts = await queryDimensionRollups(client, tableName, {
    dpk: rollupDimensionPk(source.granularity, ref.dim),
    from: `${source.prefix} `,
    to: `${source.prefix}~`,
  });
  const partsOf = new Map<string, Record<string, unknown>[]>();
  for (const part of parts) {
    const value = String(part.value);
    const ofValue = partsOf.get(value) ?? [];
    ofValue.push(part);
    partsOf.set(value, ofValue);
  }
  return [...partsOf].map(([value, items]) => ({ ...sumOfItems(items), value, bucket: ref.bucket }));
};
