import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { INDEX, KEY } from 'claude-monitor/domain';
import { queryAll } from './query-all';

/** DynamoDB's limit on the keys of one `BatchGetItem`. */
const BATCH_GET_LIMIT = 100;
/** Rounds of `UnprocessedKeys` a read retries before it fails. */
const MAX_BATCH_ATTEMPTS = 8;

/** Which part of the group-by index to read: one `dpk` and an inclusive `dsk` range. */
export interface DimensionRange {
  /** `ROLLUP#<granularity>#<dim>` (`rollupDimensionPk`). */
  dpk: string;
  /** Lowest `dsk` (`<bucket>#<value>`) to read, inclusive. */
  from: string;
  /** Highest `dsk` to read, inclusive. */
  to: string;
}

type Key = { pk: string; sk: string };
const idOf = (key: Key): string => `${key.pk}|${key.sk}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The items of these keys, by key id; keys with no item (deleted since they were listed) are absent. */
const readItems = async (
  client: DynamoDBClient,
  tableName: string,
  keys: readonly Key[],
): Promise<Map<string, Record<string, unknown>>> => {
  const found = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let pending: KeysAndAttributes['Keys'] = keys
      .slice(start, start + BATCH_GET_LIMIT)
      .map((key) => marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new Error(`rollup items still unprocessed after ${MAX_BATCH_ATTEMPTS} BatchGetItem attempts`);
      }
      const result: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      for (const raw of result.Responses?.[tableName] ?? []) {
        const item = unmarshall(raw);
        found.set(idOf({ pk: String(item[KEY.partition]), sk: String(item[KEY.sort]) }), item);
      }
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
      if (pending && pending.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
    }
  }
  return found;
};

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
  const items = await readItems(client, tableName, keys);
  return keys.flatMap((key) => {
    const item = items.get(idOf(key));
    return item ? [item] : [];
  });
};
