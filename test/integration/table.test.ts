import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { INDEX, KEY } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { createTestTable } from '../helpers/dynamodb';

describe('monitor table on DynamoDB Local', () => {
  it('has the keys, indexes, stream and TTL of the shared definition', async () => {
    // Prepare
    const { client, tableName } = await createTestTable('table', { timeToLive: true });

    // Act
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));

    // Assess
    expect(Table?.KeySchema).toEqual([
      { AttributeName: KEY.partition, KeyType: 'HASH' },
      { AttributeName: KEY.sort, KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      INDEX.byDimension.name,
    ]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(KEY.ttl);
  });
});
