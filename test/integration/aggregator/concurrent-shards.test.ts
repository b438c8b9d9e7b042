import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { aggregateConcurrently } from '../../../functions/aggregator/concurrent-shards';
import { realisticWorkload } from '../../../functions/aggregator/realistic-workload';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { putCallRecords } from '../../helpers/call-records';
import { createTestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { rollupsAndRecomputation, testDeps } from './harness';

const INVOCATIONS = 10;
/** Records each invocation also receives from the next shard: deliveries racing for the same records. */
const OVERLAP = 8;

/**
 * Round-robin shards of one stream (every shard sees every hot rollup: the account, each model, the big
 * tenants), each shard also carrying the first records of the next one, as a redelivery racing the first
 * delivery would.
 */
const shardsOf = (records: readonly DynamoDBRecord[]): DynamoDBRecord[][] => {
  const shards = Array.from({ length: INVOCATIONS }, (_, k) =>
    records.filter((_, i) => i % INVOCATIONS === k),
  );
  return shards.map((shard, k) => [...shard, ...shards[(k + 1) % INVOCATIONS]!.slice(0, OVERLAP)]);
};

describe('aggregator invocations running concurrently on overlapping hot keys', () => {
  it(`${INVOCATIONS} invocations at once count every record exactly once`, { timeout: 600_000 }, async () => {
    // Prepare: 3 seconds of the realistic mix at 200 calls/s, all in one hour, so every shard writes the
    // same account, model, tenant and function rollups.
    const table = await createTestTable('agg-concurrent');
    const workload = realisticWorkload(600, 200);
    await putCallRecords(table.client, table.tableName, workload, 4);
    const records = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
    const deps = testDeps(table, undefined, { maxCommitAttempts: 8 });

    // Act
    const run = await aggregateConcurrently(deps, shardsOf(records));

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(records).toHaveLength(workload.length);
    expect(run.committed).toBe(workload.length);
    expect(run.duplicates).toBeGreaterThanOrEqual(INVOCATIONS * OVERLAP);
    expect(Object.keys(stored).length).toBeGreaterThan(0);
    expect(stored).toEqual(recomputed);
  });
});
