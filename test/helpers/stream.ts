import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { localCredentials } from 'claude-monitor/aws';
import { LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { toLambdaRecord } from '../../infra/local/stream-runner';

/** Streams client for the run's DynamoDB Local. */
export const localStreamsClient = (endpoint: string): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials() });

/**
 * Every record currently in the table's stream, from TRIM_HORIZON, in Lambda's shape and unfiltered:
 * tests hand them to the handler exactly as an event source mapping without a filter would.
 */
export const readWholeStream = async (endpoint: string, streamArn: string): Promise<DynamoDBRecord[]> => {
  const client = localStreamsClient(endpoint);
  try {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      while (iterator) {
        const result = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const page = result.Records ?? [];
        records.push(...page.map((record) => toLambdaRecord(record, streamArn)));
        // An open shard always returns a next iterator: an empty page means we have reached its end for now.
        iterator = page.length > 0 ? result.NextShardIterator : undefined;
      }
    }
    return records;
  } finally {
    client.destroy();
  }
};
