import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createMonitorTable } from '../../infra/local/create-table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';

/** Client for the run's DynamoDB Local (started once by the global setup). */
export const localDynamoClient = (): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  streamArn: string;
  endpoint: string;
}

/** A fresh monitor table, built from the same definition as the CDK stack. */
export const createTestTable = async (prefix = 'test'): Promise<TestTable> => {
  const client = localDynamoClient();
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const streamArn = await createMonitorTable(client, tableName);
  return { client, tableName, streamArn, endpoint: inject('dynamoEndpoint') };
};
