import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  DeleteTableCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { KEY } from 'claude-monitor/domain';
import { createMonitorTable } from '../infra/local/create-table';

/**
 * Runs `use` on a fresh monitor table and drops the table afterwards, so one phase's items never weigh on
 * the next phase's DynamoDB Local.
 */
export const withFreshTable = async <T>(
  client: DynamoDBClient,
  prefix: string,
  use: (tableName: string) => Promise<T>,
): Promise<T> => {
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  // Without TTL: DynamoDB Local's TTL emulation rescans the table every second and would weigh on the figures.
  await createMonitorTable(client, tableName, { timeToLive: false });
  try {
    return await use(tableName);
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  }
};

/** Every item of one type (`call`, `rollup`, `ledger`…) in the table, as stored (raw attribute values). */
export const scanItemsOfType = async (
  client: DynamoDBClient,
  tableName: string,
  type: string,
): Promise<Record<string, AttributeValue>[]> => {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#type = :type',
        ExpressionAttributeNames: { '#type': KEY.type },
        ExpressionAttributeValues: { ':type': { S: type } },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};
