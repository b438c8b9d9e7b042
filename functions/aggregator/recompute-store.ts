import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
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
  pairNameAttribute,
  rollupDimensionPk,
  rollupDimensionSk,
} from 'claude-monitor/domain';
import { queryAll } from '../shared/query-all';
import { sleep } from './deps';
import type { RollupDelta } from './pre-aggregate';
import { rollupKeyId } from './rollup-keys';

/** A stored item that could not be used, by key, with the reason. */
export interface SkippedItem {
  pk: string;
  sk: string;
  reason: string;
}

/** Most skipped items a report lists one by one; the count covers them all. */
export const MAX_LISTED_SKIPS = 100;

/** Attempts of a batch request whose unprocessed part keeps coming back (throttling) before giving up. */
const MAX_BATCH_ATTEMPTS = 10;

const keyOf = (item: Record<string, unknown>) => ({
  pk: String(item[KEY.partition]).slice(0, 2_048),
  sk: String(item[KEY.sort]).slice(0, 1_024),
});

/** Raw call records read, and the items rejected by `fromCallItem` (never summed, as the aggregator does). */
export interface CallsRead {
  records: CallRecord[];
  /** How many items were rejected. */
  malformed: number;
  /** The first `MAX_LISTED_SKIPS` of them. */
  rejected: SkippedItem[];
}

/** Raw call records of the hours; items that break the record rules are skipped and reported. */
export const readCallsOfHours = async (
  client: DynamoDBClient,
  tableName: string,
  hours: readonly string[],
): Promise<CallsRead> => {
  const records: CallRecord[] = [];
  const rejected: SkippedItem[] = [];
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
        } catch (error) {
          malformed++;
          if (rejected.length < MAX_LISTED_SKIPS) {
            rejected.push({ ...keyOf(item), reason: error instanceof Error ? error.message : String(error) });
          }
        }
      }
    }
  }
  return { records, malformed, rejected };
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
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new Error(`rollup items still unprocessed after ${MAX_BATCH_ATTEMPTS} BatchGetItem attempts`);
      }
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
  dpk: rollupDimensionPk(delta.key.granularity, delta.key.dim),
  dsk: rollupDimensionSk(delta.key.bucket, delta.key.value),
  ...delta.counters,
  ...Object.fromEntries(
    [...(delta.pairNames ?? [])]
      .filter(([, models]) => models.size > 0)
      .map(([slot, models]) => [pairNameAttribute(slot), models]),
  ),
});

const keyOfRequest = (request: WriteRequest): { pk: string; sk: string } => {
  const key = request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {};
  return keyOf(unmarshall({ pk: key.pk ?? { S: '' }, sk: key.sk ?? { S: '' } }));
};

/**
 * Puts and deletes in BatchWriteItem requests of 25, retrying unprocessed ones. A request DynamoDB refuses
 * as a whole (`ValidationException`: one item it cannot take) is split until the item at fault stands alone;
 * that item is returned with the reason and every other one is written.
 */
export const writeBatches = async (
  client: DynamoDBClient,
  tableName: string,
  requests: readonly WriteRequest[],
): Promise<SkippedItem[]> => {
  const refused: SkippedItem[] = [];
  const write = async (batch: WriteRequest[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new Error(
          `${pending.length} rollup writes still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
        );
      }
      let result: BatchWriteItemCommandOutput;
      try {
        result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ValidationException')) throw error;
        if (pending.length === 1) {
          refused.push({ ...keyOfRequest(pending[0]!), reason: `${error.name}: ${error.message}` });
          return;
        }
        const middle = Math.ceil(pending.length / 2);
        await write(pending.slice(0, middle));
        await write(pending.slice(middle));
        return;
      }
      pending = result.UnprocessedItems?.[tableName] ?? [];
      if (pending.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
    }
  };
  for (let start = 0; start < requests.length; start += 25) await write(requests.slice(start, start + 25));
  return refused;
};
