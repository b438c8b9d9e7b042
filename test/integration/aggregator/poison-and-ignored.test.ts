import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import { localCredentials } from 'claude-monitor/aws';
import { METRIC, toCallItem } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import { type StreamFailure, startStreamRunner } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { rollupsAndRecomputation, testDeps } from './harness';

/** A call item whose usage is missing: the layer can never write it, so it stands for corrupt data. */
const poisonItem = () => {
  const { usage: _usage, ...item } = toCallItem(makeCallRecord({ callId: 'poison-1' }), 90);
  return item;
};

describe('poison records and records the aggregator must ignore', () => {
  it('commits the good records, reports the poison record and logs it with the full stream record', async () => {
    // Prepare
    const table = await createTestTable('agg-poison');
    await putCallRecords(table.client, table.tableName, [makeCallRecord(), makeCallRecord()]);
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(poisonItem()) }));
    await putCallRecords(table.client, table.tableName, [makeCallRecord(), makeCallRecord()]);
    const records = await readWholeStream(table.endpoint, table.streamArn);
    const poisonSequence = records[2]!.dynamodb!.SequenceNumber!;
    const deps = testDeps(table);

    // Act
    const result = await aggregateStreamBatch(deps, { Records: records });

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: poisonSequence }]);
    expect(result.summary).toMatchObject({ committed: 4, poison: 1 });
    expect(stored).toEqual(recomputed);
    expect(stored['ROLLUP#hour#all#*|2026-11-29T10']?.calls).toBe(4);
    const errors = deps.logs.filter((log) => log.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extra).toMatchObject({ sequenceNumber: poisonSequence, streamRecord: records[2] });
    expect(errors[0]!.extra.reason).toContain('usage');
    expect(deps.metricCounts[METRIC.poisonRecords]).toBe(1);
  });

  it('through the stream runner: retried a bounded number of times, then sent to the on-failure destination', async () => {
    // Prepare
    const table = await createTestTable('agg-poison-runner');
    await putCallRecords(table.client, table.tableName, [makeCallRecord()]);
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(poisonItem()) }));
    await putCallRecords(table.client, table.tableName, [makeCallRecord(), makeCallRecord()]);
    const streams = new DynamoDBStreamsClient({
      endpoint: table.endpoint,
      region: LOCAL_REGION,
      credentials: localCredentials(),
    });
    const deps = testDeps(table);
    const failures: StreamFailure[] = [];
    const runner = startStreamRunner({
      client: streams,
      streamArn: table.streamArn,
      batchSize: 10,
      maximumRetryAttempts: 2,
      pollIntervalMs: 20,
      handler: (event) => aggregateStreamBatch(deps, event),
      onFailure: (failure) => {
        failures.push(failure);
      },
    });

    // Act
    await runner.drain();

    // Assess
    streams.destroy();
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
    expect(stored['ROLLUP#hour#all#*|2026-11-29T10']?.calls).toBe(3);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toBe('batchItemFailures');
    expect(failures[0]!.records[0]!.dynamodb?.NewImage?.callId?.S).toBe('poison-1');
    // One log line per attempt: the first delivery plus two retries.
    expect(deps.logs.filter((log) => log.level === 'error')).toHaveLength(3);
  });

  it('MODIFY and TTL REMOVE records of call items leave the rollups unchanged', async () => {
    // Prepare
    const table = await createTestTable('agg-ignored');
    const record = makeCallRecord();
    await putCallRecords(table.client, table.tableName, [record, makeCallRecord()]);
    const item = toCallItem(record, 90);
    const deps = testDeps(table);
    await aggregateStreamBatch(deps, { Records: await readWholeStream(table.endpoint, table.streamArn) });
    const before = await rollupsAndRecomputation(table);
    const key = marshall({ pk: item.pk, sk: item.sk });
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: 'SET latencyMs = :l',
        ExpressionAttributeValues: marshall({ ':l': 9_999 }),
      }),
    );
    await table.client.send(new DeleteItemCommand({ TableName: table.tableName, Key: key }));
    const later = (await readWholeStream(table.endpoint, table.streamArn)).filter(
      (r) => r.dynamodb?.Keys?.pk?.S === item.pk && r.eventName !== 'INSERT',
    );
    // DynamoDB Local deletes on request only; the TTL service's deletions differ just in this identity.
    const ttlRemove = {
      ...later[1]!,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    };

    // Act
    const result = await aggregateStreamBatch(deps, { Records: [later[0]!, ttlRemove] });

    // Assess
    const after = await rollupsAndRecomputation(table);
    expect(later.map((r) => r.eventName)).toEqual(['MODIFY', 'REMOVE']);
    expect(result).toMatchObject({ batchItemFailures: [], summary: { committed: 0, ignored: 2 } });
    expect(after.stored).toEqual(before.stored);
  });
});
