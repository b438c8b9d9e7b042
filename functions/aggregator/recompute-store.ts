import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type CallRecord,
  callPksOfHour,
  type Dimension,
  fromCallItem,
  type Granularity,
  INDEX,
  ITEM_TYPE,
  KEY,
  rollupDimensionPk,
  rollupDimensionSk,
} from 'claude-monitor/domain';
import { queryAll } from '../shared/query-all';
import { sleep } from './deps';
import type { RollupDelta } from './pre-aggregate';
import { rollupKeyId } from './rollup-keys';

/** Raw call records of the hours; unreadable items are counted, not summed (as the aggregator does). */
export const readCallsOfHours = async (
  client: DynamoDBClient,
  tableName: string,
  hours: readonly string[],
): Promise<{ records: CallRecord[]; malformed: number }> => {
  const records: CallRecord[] = [];
  let malformed = 0;
  for (const hour of hours) {
    // The hour's partitions are independent: read them side by side.
    const pages = await Promise.all(
      callPksOfHour(hour).map((pk) =>
        queryAll(client, {
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': KEY.partition },
          ExpressionAttributeValues: marshall({ ':pk': pk }),
          ConsistentRead: true,
        }),
      ),
    );
    for (const items of pages) {
      for (const item of items) {
        try {
          records.push(fromCallItem(item));
        } catch {
          malformed++;
        }
      }
    }
  }
  return { records, malformed };
};

/** Every call of a session, through the bySession index (any hour). */
export const readCallsOfSession = async (
  client: DynamoDBClient,
  tableName: string,
  sessionId: string,
): Promise<CallRecord[]> => {
  const items = await queryAll(client, {
    TableName: tableName,
    IndexName: INDEX.bySession.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': INDEX.bySession.partition },
    ExpressionAttributeValues: marshall({ ':pk': `SESSION#${sessionId}` }),
  });
  return items.flatMap((item) => {
    try {
      return [fromCallItem(item)];
    } catch {
      return [];
    }
  });
};

/** Keys of stored rollups of one dimension and bucket, found through the byDimension index. */
export const storedRollupKeys = async (
  client: DynamoDBClient,
  tableName: string,
  granularity: Exclude<Granularity, 'total'>,
  dim: Dimension,
  bucket: string,
): Promise<{ pk: string; sk: string }[]> => {
  const items = await queryAll(client, {
    TableName: tableName,
    IndexName: INDEX.byDimension.name,
    KeyConditionExpression: '#dpk = :dpk AND begins_with(#dsk, :prefix)',
    ExpressionAttributeNames: {
      '#dpk': INDEX.byDimension.partition,
      '#dsk': INDEX.byDimension.sort,
      '#pk': KEY.partition,
      '#sk': KEY.sort,
    },
    ExpressionAttributeValues: marshall({
      ':dpk': rollupDimensionPk(granularity, dim),
      ':prefix': rollupDimensionSk(bucket, ''),
    }),
    ProjectionExpression: '#pk, #sk',
  });
  return items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
};

/** Stored rollup items by key id, read strongly consistent. */
export const readRollupItems = async (
  client: DynamoDBClient,
  tableName: string,
  keys: readonly { pk: string; sk: string }[],
): Promise<Map<string, Record<string, unknown>>> => {
  const found = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < keys.length; start += 100) {
    let pending = keys
      .slice(start, start + 100)
      .map((key) => marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const result = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const raw of result.Responses?.[tableName] ?? []) {
        const item = unmarshall(raw);
        found.set(rollupKeyId({ pk: String(item.pk), sk: String(item.sk) }), item);
      }
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (pending.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
    }
  }
  return found;
};

/** The whole rollup item for a recomputed delta: what replaces the stored one. */
export const rollupItemOf = (delta: RollupDelta): Record<string, unknown> => ({
  [KEY.partition]: delta.key.pk,
  [KEY.sort]: delta.key.sk,
  [KEY.type]: ITEM_TYPE.rollup,
  granularity: delta.key.granularity,
  dim: delta.key.dim,
  value: delta.key.value,
  bucket: delta.key.bucket,
  ...(delta.key.granularity === 'total'
    ? {}
    : {
        dpk: rollupDimensionPk(delta.key.granularity, delta.key.dim),
        dsk: rollupDimensionSk(delta.key.bucket, delta.key.value),
      }),
  ...delta.counters,
});

/** Puts and deletes in BatchWriteItem requests of 25, retrying unprocessed ones. */
export const writeBatches = async (
  client: DynamoDBClient,
  tableName: string,
  requests: readonly WriteRequest[],
): Promise<void> => {
  for (let start = 0; start < requests.length; start += 25) {
    let pending = requests.slice(start, start + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName] ?? [];
      if (pending.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
    }
  }
};
