import {
  type ConsumedCapacity,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { INDEX, KEY, LEGACY_INDEX } from 'claude-monitor/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { rollupUpdate } from '../../../functions/aggregator/commit-chunk';
import { rollupKey } from '../../../functions/aggregator/rollup-keys';
import { createTestTable, deleteTestTables, localDynamoClient } from '../../helpers/dynamodb';

afterAll(deleteTestTables);

/** Write units the named index consumed, as DynamoDB reports them. */
const indexUnits = (capacity: ConsumedCapacity | undefined, index: string): number =>
  capacity?.GlobalSecondaryIndexes?.[index]?.CapacityUnits ?? 0;

const key = rollupKey('hour', 'model', 'claude-sonnet-4-6', '2026-11-29T10');

/** The aggregator's own rollup update, sent alone so that DynamoDB reports the capacity of each index. */
const sendUpdate = async (client: DynamoDBClient, tableName: string, calls: number) => {
  const update = rollupUpdate(tableName, { key, counters: { calls, costNanoUsd: 1_000 * calls } }).Update!;
  const result = await client.send(new UpdateItemCommand({ ...update, ReturnConsumedCapacity: 'INDEXES' }));
  return result.ConsumedCapacity;
};

describe('group-by index writes', () => {
  it('writes the keys-only index entry when a rollup is created, not when its counters change', async () => {
    // Prepare
    const { client, tableName } = await createTestTable('index-writes');

    // Act
    const created = await sendUpdate(client, tableName, 1);
    const added = await sendUpdate(client, tableName, 2);
    const addedAgain = await sendUpdate(client, tableName, 3);

    // Assess
    expect(indexUnits(created, INDEX.byDimension.name)).toBe(1);
    expect(indexUnits(added, INDEX.byDimension.name)).toBe(0);
    expect(indexUnits(addedAgain, INDEX.byDimension.name)).toBe(0);
  });

  it('rewrote the entry of the earlier all-attributes index on every counter change', async () => {
    // Prepare: a table with the earlier group-by index only, the "before" of the write-cost figures
    const client = localDynamoClient();
    const tableName = 'index-writes-legacy';
    const legacy = LEGACY_INDEX.byDimensionAll;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [KEY.partition, KEY.sort, legacy.partition, legacy.sort].map((attribute) => ({
          AttributeName: attribute,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: KEY.partition, KeyType: 'HASH' },
          { AttributeName: KEY.sort, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: legacy.name,
            KeySchema: [
              { AttributeName: legacy.partition, KeyType: 'HASH' },
              { AttributeName: legacy.sort, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: legacy.projection },
          },
        ],
      }),
    );

    // Act
    const created = await sendUpdate(client, tableName, 1);
    const added = await sendUpdate(client, tableName, 2);
    await client.send(new DeleteTableCommand({ TableName: tableName }));

    // Assess
    expect(indexUnits(created, legacy.name)).toBe(1);
    expect(indexUnits(added, legacy.name)).toBe(1);
  });
});
