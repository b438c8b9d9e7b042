import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { localCredentials } from 'claude-monitor/aws';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { realisticWorkload } from '../../../functions/aggregator/realistic-workload';
import { LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import { callInsertFilter, startStreamRunner } from '../../../infra/local/stream-runner';
import { makeCallRecord, makeErrorRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { rollupsAndRecomputation, testDeps } from './harness';

/** A varied workload: several sessions, users, tenants, functions, models, errors and an unpriced call. */
const workload = () =>
  Array.from({ length: 60 }, (_, i) => {
    const base = {
      timestamp: new Date(Date.UTC(2026, 10, 29, 9 + (i % 3), i % 60, i % 7)).toISOString(),
      sessionId: `session-${i % 7}`,
      userId: `user-${i % 5}`,
      tenantId: i % 4 === 0 ? undefined : `tenant-${i % 3}`,
      functionName: `fn-${i % 2}`,
      model: i % 3 === 0 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5-20250929',
      latencyMs: 100 + i * 37,
      ...(i % 4 === 1 ? { ttftMs: 40 + i } : {}),
    };
    return i % 9 === 4 ? makeErrorRecord({ ...base, errorType: 'rate_limit' }) : makeCallRecord(base);
  });

const streamOf = async (table: TestTable): Promise<DynamoDBRecord[]> =>
  (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);

// Many transactions per test against one shared DynamoDB Local: on a busy machine they take minutes, not seconds.
describe('aggregator exactly-once effect on the real stream of DynamoDB Local', { timeout: 600_000 }, () => {
  it('replaying the same batch twice leaves every rollup equal to the recomputation', async () => {
    // Prepare
    const table = await createTestTable('agg-replay');
    await putCallRecords(table.client, table.tableName, workload());
    const records = await streamOf(table);
    const deps = testDeps(table);

    // Act
    const first = await aggregateStreamBatch(deps, { Records: records });
    const second = await aggregateStreamBatch(deps, { Records: records });

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(records).toHaveLength(60);
    expect(first.summary.committed).toBe(60);
    expect(second.summary).toMatchObject({ committed: 0, duplicates: 60 });
    expect(second.batchItemFailures).toEqual([]);
    expect(stored).toEqual(recomputed);
  });

  it('a bisected batch followed by the whole batch counts each record once', async () => {
    // Prepare
    const table = await createTestTable('agg-bisect');
    await putCallRecords(table.client, table.tableName, workload());
    const records = await streamOf(table);
    const deps = testDeps(table);
    const middle = Math.floor(records.length / 2);

    // Act
    await aggregateStreamBatch(deps, { Records: records.slice(0, middle) });
    await aggregateStreamBatch(deps, { Records: records.slice(middle) });
    await aggregateStreamBatch(deps, { Records: records.slice(0, middle + 5) });
    const whole = await aggregateStreamBatch(deps, { Records: records });

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(whole.summary.committed).toBe(0);
    expect(stored).toEqual(recomputed);
  });

  it('a partial retry from a reported sequence number skips what already committed', async () => {
    // Prepare
    const table = await createTestTable('agg-partial');
    await putCallRecords(table.client, table.tableName, workload());
    const records = await streamOf(table);
    const deps = testDeps(table);

    // Act
    await aggregateStreamBatch(deps, { Records: records.slice(0, 40) });
    const retry = await aggregateStreamBatch(deps, { Records: records.slice(25) });

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(retry.summary).toMatchObject({ committed: 20, duplicates: 15 });
    expect(stored).toEqual(recomputed);
  });

  it('two concurrent invocations with overlapping batches count each record once', async () => {
    // Prepare
    const table = await createTestTable('agg-concurrent');
    await putCallRecords(table.client, table.tableName, workload());
    const records = await streamOf(table);
    const deps = testDeps(table);

    // Act
    const results = await Promise.all([
      aggregateStreamBatch(deps, { Records: records.slice(0, 45) }),
      aggregateStreamBatch(deps, { Records: records.slice(15) }),
    ]);

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(results[0]!.summary.committed + results[1]!.summary.committed).toBe(60);
    expect(stored).toEqual(recomputed);
  });

  it('the whole stream replayed from TRIM_HORIZON by the stream runner changes nothing', async () => {
    // Prepare
    const table = await createTestTable('agg-horizon');
    await putCallRecords(table.client, table.tableName, workload());
    const streams = new DynamoDBStreamsClient({
      endpoint: table.endpoint,
      region: LOCAL_REGION,
      credentials: localCredentials(),
    });
    const deps = testDeps(table);
    const run = async () => {
      const runner = startStreamRunner({
        client: streams,
        streamArn: table.streamArn,
        batchSize: 7,
        pollIntervalMs: 20,
        handler: async (event) => aggregateStreamBatch(deps, event),
      });
      await runner.drain();
    };
    await run();
    const before = await rollupsAndRecomputation(table);

    // Act
    await run();

    // Assess
    const after = await rollupsAndRecomputation(table);
    streams.destroy();
    expect(Object.keys(before.stored).length).toBeGreaterThan(0);
    expect(before.stored).toEqual(before.recomputed);
    expect(after.stored).toEqual(before.stored);
  });

  it('a batch of thousands of calls, as the default 30-second window makes at a busy rate, counts each once', async () => {
    // Prepare: 12.5 s of the realistic mix at 200 calls/s, 2.5 times the earlier default batch of 1,000
    const table = await createTestTable('agg-large-batch');
    const calls = realisticWorkload(2_500, 200);
    await putCallRecords(table.client, table.tableName, calls, 4);
    const records = await streamOf(table);
    const deps = testDeps(table);

    // Act
    const first = await aggregateStreamBatch(deps, { Records: records });
    const redelivered = await aggregateStreamBatch(deps, { Records: records });

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(records).toHaveLength(2_500);
    expect(first.summary.committed).toBe(2_500);
    expect(first.batchItemFailures).toEqual([]);
    expect(redelivered.summary).toMatchObject({ committed: 0, duplicates: 2_500 });
    expect(stored).toEqual(recomputed);
  });
});
