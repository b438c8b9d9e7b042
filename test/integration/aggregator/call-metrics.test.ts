import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type CallRecord, NANO_PER_USD, toCallItem } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, makeErrorRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { rollupsAndRecomputation, testDeps } from './harness';

/** Calls of two functions and two models, some failed, each with a cost of its own. */
const workload = (): CallRecord[] =>
  Array.from({ length: 40 }, (_, i) => {
    const base = {
      timestamp: new Date(Date.UTC(2026, 10, 29, 10, i % 3, i)).toISOString(),
      sessionId: `session-${i % 6}`,
      userId: `user-${i % 4}`,
      functionName: `fn-${i % 2}`,
      model: i % 3 === 0 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5-20250929',
    };
    if (i % 8 === 5) return makeErrorRecord(base);
    const record = makeCallRecord(base);
    return { ...record, cost: { ...record.cost, totalNanoUsd: 1_000_000 + i * 7_919 } };
  });

interface Printed {
  FunctionName: string;
  Model: string;
  Calls: number;
  Errors: number;
  CostUsd: number;
}

/** Calls, errors and nano-dollars per `function|model`, from the records or from the printed documents. */
const byPair = (rows: { fn: string; model: string; calls: number; errors: number; nano: number }[]) => {
  const out: Record<string, { calls: number; errors: number; nano: number }> = {};
  for (const row of rows) {
    const key = `${row.fn}|${row.model}`;
    const sum = out[key] ?? { calls: 0, errors: 0, nano: 0 };
    out[key] = { calls: sum.calls + row.calls, errors: sum.errors + row.errors, nano: sum.nano + row.nano };
  }
  return out;
};

const fromRecords = (records: readonly CallRecord[]) =>
  byPair(
    records.map((r) => ({
      fn: r.functionName!,
      model: r.model,
      calls: 1,
      errors: r.status === 'error' ? 1 : 0,
      nano: r.cost.totalNanoUsd,
    })),
  );

const fromLines = (lines: readonly string[]) =>
  byPair(
    lines
      .map((line) => JSON.parse(line) as Printed)
      .map((d) => ({
        fn: d.FunctionName,
        model: d.Model,
        calls: d.Calls,
        errors: d.Errors,
        nano: Math.round(d.CostUsd * NANO_PER_USD),
      })),
  );

const putRawItem = async (table: TestTable, item: Record<string, unknown>): Promise<void> => {
  await table.client.send(
    new PutItemCommand({ TableName: table.tableName, Item: marshall(item, { removeUndefinedValues: true }) }),
  );
};

const callStream = async (table: TestTable): Promise<DynamoDBRecord[]> =>
  (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);

// Several deliveries against one shared DynamoDB Local: on a busy machine they take minutes, not seconds.
describe('the CloudWatch metrics of the calls the aggregator counts', { timeout: 600_000 }, () => {
  it('count every call once whatever the redeliveries, as the rollups do', async () => {
    // Prepare
    const table = await createTestTable('metrics-once');
    const records = workload();
    await putCallRecords(table.client, table.tableName, records);
    const stream = await callStream(table);
    const deps = testDeps(table);

    // Act: a first batch, a retry that overlaps it, then the whole stream again.
    await aggregateStreamBatch(deps, { Records: stream.slice(0, 25) });
    await aggregateStreamBatch(deps, { Records: stream.slice(15) });
    const printedBeforeLast = deps.metricLines.length;
    const last = await aggregateStreamBatch(deps, { Records: stream });

    // Assess
    expect(stream).toHaveLength(40);
    expect(last.summary).toMatchObject({ committed: 0, duplicates: 40 });
    expect(deps.metricLines).toHaveLength(printedBeforeLast);
    expect(fromLines(deps.metricLines)).toEqual(fromRecords(records));
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
    const hourCalls = Object.entries(stored)
      .filter(([key]) => key.startsWith('ROLLUP#hour#all#'))
      .reduce((sum, [, counters]) => sum + (counters.calls ?? 0), 0);
    expect(hourCalls).toBe(40);
  });

  it('leave out the records the aggregator could not count, and count the good ones around them', async () => {
    // Prepare: an item an older layer could have stored, with a user id past the key limit (refused when
    // read), and a call whose user's rollup holds a counter at the edge of DynamoDB's number range (refused
    // by every transaction that would count it).
    const table = await createTestTable('metrics-bad');
    const good = workload().slice(0, 12);
    const overLong = makeCallRecord({ functionName: 'fn-0' });
    const stuck = makeCallRecord({ functionName: 'fn-1', userId: 'user-corrupt' });
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: marshall({ pk: 'ROLLUP#hour#user#user-corrupt', sk: '2026-11-29T10' }),
        UpdateExpression: 'SET calls = :edge',
        ExpressionAttributeValues: { ':edge': { N: '9.9999999999999999999999999999999999999E+125' } },
      }),
    );
    await putCallRecords(table.client, table.tableName, good.slice(0, 6));
    await putRawItem(table, { ...toCallItem(overLong, 90), userId: `user-${'x'.repeat(1_100)}` });
    await putCallRecords(table.client, table.tableName, [stuck, ...good.slice(6)]);
    const stream = await callStream(table);
    const deps = testDeps(table);

    // Act
    const result = await aggregateStreamBatch(deps, { Records: stream });

    // Assess
    expect(result.summary).toMatchObject({ committed: 12, poison: 1, rejected: 1 });
    expect(fromLines(deps.metricLines)).toEqual(fromRecords(good));
  });

  it('cost no aggregation when they cannot be printed', async () => {
    // Prepare
    const table = await createTestTable('metrics-unprinted');
    await putCallRecords(table.client, table.tableName, workload());
    const stream = await callStream(table);
    const deps = testDeps(table, undefined, {
      writeMetricLine: () => {
        throw new Error('stdout closed');
      },
    });

    // Act
    const result = await aggregateStreamBatch(deps, { Records: stream });

    // Assess
    expect(result.summary.committed).toBe(40);
    expect(result.batchItemFailures).toEqual([]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
    expect(deps.logs.filter((log) => log.level === 'warn').map((log) => log.message)).toEqual([
      'call metrics not written; aggregation is unaffected',
    ]);
  });
});
