import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION } from 'claude-monitor/domain';

export interface CreateMonitorTableOptions {
  /**
   * Turn on TTL as the deployed table has it. DynamoDB Local emulates TTL with a job that, every second,
   * scans each TTL-enabled table whole, 20 items per page under the table's write lock: work that grows
   * with every item stored and holds up the table's requests. Tables that live for one test file or one
   * benchmark phase, whose records never expire while they exist, turn it off.
   * @default true
   */
  timeToLive?: boolean;
  /**
   * Turn on the stream as the deployed table has it. DynamoDB Local's writes get slower with every stream
   * record its database holds, so a test that seeds a large table only to read it back turns it off.
   * @default true
   */
  stream?: boolean;
}

/**
 * Creates the monitor's table exactly as the CDK construct declares it (same key schema, indexes,
 * stream and TTL, from the same `TABLE_DEFINITION`). Resolves with the stream ARN ('' without a stream).
 */
export const createMonitorTable = async (
  client: DynamoDBClient,
  tableName: string,
  options: CreateMonitorTableOptions = {},
): Promise<string> => {
  const keyNames = [
    TABLE_DEFINITION.partitionKey,
    TABLE_DEFINITION.sortKey,
    ...TABLE_DEFINITION.globalSecondaryIndexes.flatMap((index) => [index.partition, index.sort]),
  ];
  const attributeDefinitions: AttributeDefinition[] = keyNames.map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: TABLE_DEFINITION.billingMode,
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partition, KeyType: 'HASH' },
            { AttributeName: index.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projection },
        })),
        StreamSpecification:
          (options.stream ?? true)
            ? { StreamEnabled: true, StreamViewType: TABLE_DEFINITION.streamViewType }
            : { StreamEnabled: false },
      }),
    );
    if (options.timeToLive ?? true) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true },
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (options.stream === false) return '';
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  return streamArn;
};
