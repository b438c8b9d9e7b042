import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { localCredentials } from 'claude-monitor/aws';
import { ENV } from 'claude-monitor/domain';
import { inject } from 'vitest';
import { type CreateMonitorTableOptions, createMonitorTable } from '../../infra/local/create-table';
import { LOCAL_REGION } from '../../infra/local/dynamodb-local';

/**
 * The environment the code under test reads to reach this file's database of the run's DynamoDB Local:
 * the endpoint, a region, and the file's access key (`file-database.ts`).
 */
export const localDynamoEnv = (endpoint = inject('dynamoEndpoint')): NodeJS.ProcessEnv => ({
  [ENV.dynamodbEndpoint]: endpoint,
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: localCredentials().accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials().secretAccessKey,
});

/** Client for the run's DynamoDB Local (started once by the global setup). */
export const localDynamoClient = (): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: localCredentials(),
  });

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  streamArn: string;
  endpoint: string;
}

/** Tables this test file created; `deleteTestTables` drops them when the file is done. */
const created: string[] = [];

/**
 * A fresh monitor table, built from the same definition as the CDK stack. TTL is off unless asked for:
 * DynamoDB Local's TTL emulation rescans every TTL-enabled table every second, and no test relies on it.
 */
export const createTestTable = async (
  prefix = 'test',
  options: CreateMonitorTableOptions = { timeToLive: false },
): Promise<TestTable> => {
  const client = localDynamoClient();
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  created.push(tableName);
  const streamArn = await createMonitorTable(client, tableName, options);
  return { client, tableName, streamArn, endpoint: inject('dynamoEndpoint') };
};

/**
 * Drops the tables of this test file, so that the run's one DynamoDB Local holds only the tables of the files
 * in progress: its work (stream shards, background jobs, the size of its database) stays flat however many
 * files ran before.
 */
export const deleteTestTables = async (): Promise<void> => {
  if (created.length === 0) return;
  const client = localDynamoClient();
  try {
    for (const tableName of created.splice(0)) {
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }
  } finally {
    client.destroy();
  }
};
