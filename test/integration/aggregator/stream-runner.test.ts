import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { localCredentials } from 'claude-monitor/aws';
import { afterEach, describe, expect, it } from 'vitest';
import { benchWorkload, measureAggregation } from '../../../functions/aggregator/bench-workload';
import { sessionRollupOf } from '../../../functions/aggregator/ledger';
import { rollupKeyId } from '../../../functions/aggregator/rollup-keys';
import { LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import { type StreamFailure, startStreamRunner } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';

const clients: DynamoDBStreamsClient[] = [];
const streamsOf = (table: TestTable) => {
  const client = new DynamoDBStreamsClient({
    endpoint: table.endpoint,
    region: LOCAL_REGION,
    credentials: localCredentials(),
  });
  clients.push(client);
  return client;
};
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});
const callIdOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.callId?.S;

describe('local stream runner', () => {
  it('delivers Lambda-shaped call inserts only, and bisects around a record that makes the handler throw', async () => {
    // Prepare
    const table = await createTestTable('runner-bisect');
    const records = Array.from({ length: 8 }, (_, i) => makeCallRecord({ callId: `call-${i}` }));
    await putCallRecords(table.client, table.tableName, records);
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall({ pk: 'OTHER', sk: 'x', type: 'rollup' }),
      }),
    );
    const delivered: DynamoDBRecord[] = [];
    const failures: StreamFailure[] = [];
    const runner = startStreamRunner({
      client: streamsOf(table),
      streamArn: table.streamArn,
      batchSize: 10,
      maximumRetryAttempts: 1,
      pollIntervalMs: 20,
      handler: async (event) => {
        if (event.Records.some((r) => callIdOf(r) === 'call-5')) throw new Error('cannot handle call-5');
        delivered.push(...event.Records);
      },
      onFailure: (failure) => {
        failures.push(failure);
      },
    });

    // Act
    await runner.drain();

    // Assess
    expect(delivered.map(callIdOf).sort()).toEqual([
      'call-0',
      'call-1',
      'call-2',
      'call-3',
      'call-4',
      'call-6',
      'call-7',
    ]);
    expect(delivered[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: table.streamArn,
      dynamodb: { StreamViewType: 'NEW_IMAGE', ApproximateCreationDateTime: expect.any(Number) },
    });
    expect(failures.map((f) => [f.reason, f.records.map(callIdOf)])).toEqual([['functionError', ['call-5']]]);
    expect(runner.checkpoints().size).toBe(1);
  });

  it('starting from LATEST skips what was written before it started', async () => {
    // Prepare
    const table = await createTestTable('runner-latest');
    await putCallRecords(table.client, table.tableName, [makeCallRecord({ callId: 'old' })]);
    const seen: string[] = [];
    const runner = startStreamRunner({
      client: streamsOf(table),
      streamArn: table.streamArn,
      startFrom: 'LATEST',
      pollIntervalMs: 20,
      handler: async (event) => {
        seen.push(...event.Records.map((r) => callIdOf(r) ?? ''));
      },
    });
    await runner.waitUntilIdle();

    // Act
    await putCallRecords(table.client, table.tableName, [makeCallRecord({ callId: 'new' })]);
    await runner.drain();

    // Assess
    expect(seen).toEqual(['new']);
  });
});

describe('benchmark helper', () => {
  it('counts no ledger write when session rollups mark every call, and far fewer write requests than calls', async () => {
    // Prepare
    const table = await createTestTable('bench-small');

    // Act
    const result = await measureAggregation({
      client: table.client,
      tableName: table.tableName,
      calls: 200,
      batchSize: 100,
    });

    // Assess
    expect(result).toMatchObject({ calls: 200, invocations: 2 });
    // Every call of the workload has a session, fewer than a rollup's marks: its rollup update marks it.
    expect(benchWorkload(200).every((record) => sessionRollupOf(record))).toBe(true);
    expect(result.ledgerWrites).toBe(0);
    const sessionRollups = new Set(benchWorkload(200).map((record) => rollupKeyId(sessionRollupOf(record)!)));
    expect(result.rollupUpdates).toBeGreaterThanOrEqual(sessionRollups.size);
    expect(result.writeRequests).toBeGreaterThanOrEqual(result.transactions);
    expect(result.writeRequestsPerCall).toBeLessThan(1);
  }, 90_000);
});
