import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { KEY } from 'claude-monitor/domain';

/** DynamoDB's limit on the keys of one `BatchGetItem`. */
const BATCH_GET_LIMIT = 100;
/** Rounds of `UnprocessedKeys` a read retries before it fails. */
const MAX_BATCH_ATTEMPTS = 8;

/** The primary key of an item. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** A string that identifies an item by its primary key. */
export const itemKeyId = (key: ItemKey): string => `${key.pk}|${key.sk}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The items of these keys (repeated keys read once), by `itemKeyId`; keys with no item are absent. Keys
 * DynamoDB leaves unprocessed are asked for again with a growing pause, and the read fails past
 * `MAX_BATCH_ATTEMPTS` rounds rather than answer with items missing.
 */
export const batchGetItems = async (
  client: DynamoDBClient,
  tableName: string,
  keys: readonly ItemKey[],
  options: { consistentRead?: boolean } = {},
): Promise<Map<string, Record<string, unknown>>> => {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keys.map((key) => [itemKeyId(key), key])).values()];
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    let pending: KeysAndAttributes['Keys'] = unique
      .slice(start, start + BATCH_GET_LIMIT)
      .map((key) => marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new Error(`items still unprocessed after ${MAX_BATCH_ATTEMPTS} BatchGetItem attempts`);
      }
      const result: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: { Keys: pending, ...(options.consistentRead ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      for (const raw of result.Responses?.[tableName] ?? []) {
        const item = unmarshall(raw);
        found.set(itemKeyId({ pk: String(item[KEY.partition]), sk: String(item[KEY.sort]) }), item);
      }
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
      if (pending && pending.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
    }
  }
  return found;
};
