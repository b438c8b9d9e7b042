import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type CallRecord, METRIC, toCallItem } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { rollupsAndRecomputation, testDeps } from './harness';

const HOUR = '2026-11-29T10';
const LONG = 'x'.repeat(1_100);

/** Twenty good records over a few users, sessions and models. */
const goodRecords = (): CallRecord[] =>
  Array.from({ length: 20 }, (_, i) =>
    makeCallRecord({
      userId: `user-${i % 4}`,
      sessionId: `session-${i % 5}`,
      model: i % 2 === 0 ? 'claude-sonnet-4-5-20250929' : 'claude-haiku-4-5',
    }),
  );

/**
 * Stores an item as an older layer version or an edited log line could have stored it: straight into the
 * table, past the bounds that `toCallItem` applies today.
 */
const putRawItem = async (table: TestTable, item: Record<string, unknown>): Promise<void> => {
  await table.client.send(
    new PutItemCommand({ TableName: table.tableName, Item: marshall(item, { removeUndefinedValues: true }) }),
  );
};

const callStream = async (table: TestTable): Promise<DynamoDBRecord[]> =>
  (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);

const sequenceOf = (records: DynamoDBRecord[], callId: string): string =>
  records.find((r) => r.dynamodb?.NewImage?.callId?.S === callId)!.dynamodb!.SequenceNumber!;

describe('one bad record among good ones, through the real stream', () => {
  it.each([
    ['userId', 'user'],
    ['tenantId', 'tenant'],
    ['sessionId', 'session'],
    ['model', 'model'],
  ] as const)(
    'an over-long %s: all 20 good records are in the totals, the bad one fails alone with its reason',
    async (field, dim) => {
      // Prepare
      const table = await createTestTable(`iso-${dim}`);
      const good = goodRecords();
      await putCallRecords(table.client, table.tableName, good.slice(0, 10));
      const bad = makeCallRecord();
      await putRawItem(table, { ...toCallItem(bad, 90), [field]: `${dim}-${LONG}` });
      await putCallRecords(table.client, table.tableName, good.slice(10));
      const records = await callStream(table);
      const deps = testDeps(table);

      // Act
      const result = await aggregateStreamBatch(deps, { Records: records });

      // Assess
      const { stored, recomputed } = await rollupsAndRecomputation(table);
      expect(stored[`ROLLUP#hour#all#*|${HOUR}`]?.calls).toBe(20);
      expect(stored).toEqual(recomputed);
      expect(result.summary).toMatchObject({ committed: 20, poison: 1 });
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records, bad.callId) }]);
      const logged = deps.logs.filter((log) => log.level === 'error');
      expect(logged).toHaveLength(1);
      expect(String(logged[0]!.extra.reason)).toContain(`${field} is longer than 256 bytes`);
      expect(deps.metricCounts[METRIC.poisonRecords]).toBe(1);
    },
  );

  it('a count of 2^53 - 1 among good records: the good ones commit, the bad one fails alone', async () => {
    // Prepare
    const table = await createTestTable('iso-count');
    const good = goodRecords();
    const bad = makeCallRecord();
    await putCallRecords(table.client, table.tableName, good.slice(0, 7));
    await putRawItem(table, { ...toCallItem(bad, 90), usage: { ...bad.usage, inputTokens: 2 ** 53 - 1 } });
    await putCallRecords(table.client, table.tableName, good.slice(7));
    const records = await callStream(table);
    const deps = testDeps(table);

    // Act
    const result = await aggregateStreamBatch(deps, { Records: records });

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored[`ROLLUP#hour#all#*|${HOUR}`]).toMatchObject({ calls: 20, inputTokens: 20_000 });
    expect(stored).toEqual(recomputed);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records, bad.callId) }]);
    expect(String(deps.logs.find((log) => log.level === 'error')?.extra.reason)).toContain(
      'usage.inputTokens',
    );
  });

  it('a transaction DynamoDB refuses is split until the records at fault stand alone; the others commit', async () => {
    // Prepare: a rollup counter at the edge of DynamoDB's number range (say, written by a faulty tool) makes
    // every transaction that adds to it fail with a ValidationException: records of that user cannot commit.
    const table = await createTestTable('iso-split');
    const corrupted = { pk: 'ROLLUP#hour#user#user-corrupt', sk: HOUR };
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: marshall(corrupted),
        UpdateExpression: 'SET calls = :edge',
        ExpressionAttributeValues: { ':edge': { N: '9.9999999999999999999999999999999999999E+125' } },
      }),
    );
    const stuck = Array.from({ length: 3 }, () => makeCallRecord({ userId: 'user-corrupt' }));
    const good = goodRecords();
    await putCallRecords(table.client, table.tableName, [...good.slice(0, 8), ...stuck, ...good.slice(8)]);
    const records = await callStream(table);
    const deps = testDeps(table);

    // Act
    const result = await aggregateStreamBatch(deps, { Records: records });

    // Assess
    const all = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall({ pk: 'ROLLUP#hour#all#*', sk: HOUR }),
        ConsistentRead: true,
      }),
    );
    expect(unmarshall(all.Item!).calls).toBe(20);
    expect(result.summary).toMatchObject({ committed: 20, rejected: 3, failed: 0 });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      stuck.map((record) => sequenceOf(records, record.callId)).sort(),
    );
    const rejected = deps.logs.filter((log) => log.message.startsWith('call record rejected'));
    expect(rejected.map((log) => log.extra.callId).sort()).toEqual(stuck.map((r) => r.callId).sort());
    expect(String(rejected[0]!.extra.reason)).toContain('ValidationException');
    expect(deps.metricCounts[METRIC.poisonRecords]).toBe(3);
  });
});
