import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { addPairSlots, countersOfItem, type PairSlot, pairSlotsOfItem } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { chunkCalls, sortForSharing } from '../../../functions/aggregator/chunking';
import { commitIsolated } from '../../../functions/aggregator/commit-isolated';
import { DAY_VERSION, HOUR_VERSION, readDaySum, writeDaySum } from '../../../functions/aggregator/day-sync';
import { parseStreamRecords } from '../../../functions/aggregator/parse-records';
import { recomputeRollups } from '../../../functions/aggregator/recompute';
import { rollupKey } from '../../../functions/aggregator/rollup-keys';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { driftRollup, rollupsAndRecomputation, testDeps } from './harness';

/** Calls of one day over three hours, with and without a tenant, two functions and two models. */
const workload = (count: number, offset = 0) =>
  Array.from({ length: count }, (_, n) => {
    const i = n + offset;
    return makeCallRecord({
      callId: `day-sync-${i}`,
      timestamp: new Date(Date.UTC(2026, 10, 29, 9 + (i % 3), i % 60, 7)).toISOString(),
      sessionId: `session-${i % 5}`,
      userId: `user-${i % 4}`,
      tenantId: i % 4 === 0 ? undefined : `tenant-${i % 2}`,
      functionName: `fn-${i % 2}`,
      model: i % 3 === 0 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5-20250929',
    });
  });

const TENANT_DAY = rollupKey('day', 'tenant', 'tenant-1', '2026-11-29');
const TENANT_HOUR_PK = 'ROLLUP#hour#tenant#tenant-1';

const streamOf = async (table: TestTable) =>
  (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);

const storedItem = async (table: TestTable, pk: string, sk: string) => {
  const { Item } = await table.client.send(
    new GetItemCommand({ TableName: table.tableName, Key: marshall({ pk, sk }), ConsistentRead: true }),
  );
  return Item ? unmarshall(Item) : undefined;
};

describe('day rollups of the hot dimensions, summed from their hours after the transactions', {
  timeout: 600_000,
}, () => {
  it('a delivery stopped between its transactions and the sums is completed by the redelivery', async () => {
    // Prepare: the transactions of a batch committed, the invocation stopped before summing the days
    const table = await createTestTable('day-sync-stopped');
    await putCallRecords(table.client, table.tableName, workload(40));
    const stream = await streamOf(table);
    const deps = testDeps(table);
    for (const chunk of chunkCalls(sortForSharing(parseStreamRecords(stream).calls))) {
      await commitIsolated(deps, chunk);
    }
    const stopped = await rollupsAndRecomputation(table);

    // Act
    const redelivered = await aggregateStreamBatch(deps, { Records: stream });

    // Assess
    expect(stopped.stored[`${TENANT_DAY.pk}|${TENANT_DAY.sk}`]).toBeUndefined();
    expect(stopped.stored[`${TENANT_HOUR_PK}|2026-11-29T10`]).toEqual(
      stopped.recomputed[`${TENANT_HOUR_PK}|2026-11-29T10`],
    );
    expect(redelivered.summary).toMatchObject({ committed: 0, duplicates: 40, unsynced: 0 });
    expect(redelivered.batchItemFailures).toEqual([]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a sum read before later transactions never replaces the sum written after them', async () => {
    // Prepare
    const table = await createTestTable('day-sync-stale');
    await putCallRecords(table.client, table.tableName, workload(20));
    const deps = testDeps(table);
    const first = await streamOf(table);
    await aggregateStreamBatch(deps, { Records: first });
    const early = await readDaySum(deps, TENANT_DAY);
    await putCallRecords(table.client, table.tableName, workload(20, 20));
    const second = (await streamOf(table)).slice(first.length);
    await aggregateStreamBatch(deps, { Records: second });

    // Act: the early sum lands last, as a slow concurrent invocation's would
    const written = await writeDaySum(deps, early!);

    // Assess
    expect(early?.hours).toBe(3);
    expect(written).toBe(false);
    const day = await storedItem(table, TENANT_DAY.pk, TENANT_DAY.sk);
    expect(day?.[DAY_VERSION]).toBeGreaterThan(early!.version);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
    expect(countersOfItem(day!).calls).toBe(20);
    // The model split's names and counters are the union and the sums of the hours'.
    const split = new Map<string, PairSlot>();
    for (const hour of ['T09', 'T10', 'T11']) {
      addPairSlots(split, pairSlotsOfItem((await storedItem(table, TENANT_HOUR_PK, `2026-11-29${hour}`))!));
    }
    expect(split.size).toBe(2);
    expect(pairSlotsOfItem(day!)).toEqual(split);
  });

  it('a day that cannot be written sends its records back, and their redelivery sums it', async () => {
    // Prepare: DynamoDB refusing one item's writes (throttling, an outage) cannot be caused on DynamoDB
    // Local, so a client middleware refuses the writes of the tenant days.
    const table = await createTestTable('day-sync-refused');
    const records = workload(24);
    await putCallRecords(table.client, table.tableName, records);
    const stream = await streamOf(table);
    const deps = testDeps(table);
    const name = 'refuseTenantDays';
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        const item = (args.input as { Item?: { pk?: { S?: string } } }).Item;
        if (context.commandName === 'PutItemCommand' && item?.pk?.S?.startsWith('ROLLUP#day#tenant#')) {
          throw Object.assign(new Error('Throughput exceeds the current capacity'), {
            name: 'ThrottlingException',
          });
        }
        return next(args);
      },
      { step: 'initialize', name },
    );

    // Act
    let refused: Awaited<ReturnType<typeof aggregateStreamBatch>>;
    try {
      refused = await aggregateStreamBatch(deps, { Records: stream });
    } finally {
      table.client.middlewareStack.remove(name);
    }
    const unsummed = await storedItem(table, TENANT_DAY.pk, TENANT_DAY.sk);
    const redelivered = await aggregateStreamBatch(deps, { Records: stream });

    // Assess
    const withTenant = records.filter((record) => record.tenantId !== undefined).length;
    expect(refused.summary).toMatchObject({ committed: 24, unsynced: withTenant });
    expect(refused.batchItemFailures).toHaveLength(withTenant);
    expect(deps.logs.map((log) => log.message)).toContain(
      'day rollups not summed from their hours; their records are reported for retry',
    );
    expect(unsummed).toBeUndefined();
    expect(redelivered.summary).toMatchObject({ committed: 0, duplicates: 24, unsynced: 0 });
    expect(redelivered.batchItemFailures).toEqual([]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('an hour rewritten by recompute takes a higher version, so a sum read before the repair stays out', async () => {
    // Prepare: an hour drifts and a sum of it is read (and lands) before the repair
    const table = await createTestTable('day-sync-recompute');
    await putCallRecords(table.client, table.tableName, workload(30));
    const stream = await streamOf(table);
    const deps = testDeps(table);
    await aggregateStreamBatch(deps, { Records: stream });
    await driftRollup(table, { pk: TENANT_HOUR_PK, sk: '2026-11-29T10' }, { calls: 1 });
    const drifted = await readDaySum(deps, TENANT_DAY);
    await writeDaySum(deps, drifted!);
    const before = await storedItem(table, TENANT_HOUR_PK, '2026-11-29T10');

    // Act: the repair, the redelivery's sums, then the sum read before the repair once more
    const repaired = await recomputeRollups({
      client: table.client,
      tableName: table.tableName,
      from: '2026-11-29T00:00:00Z',
      to: '2026-11-30T00:00:00Z',
      now: () => Date.parse('2026-12-05T00:00:00.000Z'),
    });
    await aggregateStreamBatch(deps, { Records: stream });
    const stale = await writeDaySum(deps, drifted!);

    // Assess
    expect(repaired.drift.map((entry) => `${entry.pk}|${entry.sk}`).sort()).toEqual([
      'ROLLUP#day#tenant#tenant-1|2026-11-29',
      `${TENANT_HOUR_PK}|2026-11-29T10`,
    ]);
    const after = await storedItem(table, TENANT_HOUR_PK, '2026-11-29T10');
    expect(after?.[HOUR_VERSION]).toBe((before?.[HOUR_VERSION] as number) + 1);
    expect(stale).toBe(false);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });
});
