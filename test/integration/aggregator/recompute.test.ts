import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { pairCounterAttribute, pairSlotId, toCallItem } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { LEDGER_MARKS } from '../../../functions/aggregator/ledger';
import { recomputeRollups } from '../../../functions/aggregator/recompute';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { driftRollup, rollupsAndRecomputation, testDeps } from './harness';

const NOW = () => Date.parse('2026-12-05T00:00:00.000Z');

describe('recompute and drift check against raw call records', () => {
  it('check finds no drift after aggregation, reports a corrupted counter, and recompute repairs it', async () => {
    // Prepare
    const table = await createTestTable('agg-recompute');
    const records = Array.from({ length: 12 }, (_, i) =>
      makeCallRecord({
        timestamp: `2026-11-29T${String(10 + (i % 2)).padStart(2, '0')}:0${i % 6}:00.000Z`,
        sessionId: `s-${i % 3}`,
        userId: `u-${i % 2}`,
      }),
    );
    await putCallRecords(table.client, table.tableName, records);
    const stream = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
    await aggregateStreamBatch(testDeps(table), { Records: stream });
    const range = {
      client: table.client,
      tableName: table.tableName,
      from: '2026-11-29T10:00:00Z',
      to: '2026-11-29T12:00:00Z',
      now: NOW,
    };
    const clean = await recomputeRollups({ ...range, mode: 'check' });
    await driftRollup(
      table,
      { pk: 'ROLLUP#hour#user#u-1', sk: '2026-11-29T11' },
      { calls: 1, costNanoUsd: 5 },
    );
    // The model within the tenant drifts too: the check must see pair counters like any other.
    const tenantSonnet = pairCounterAttribute(pairSlotId(records[0]!.model), 'costNanoUsd');
    await driftRollup(
      table,
      { pk: 'ROLLUP#hour#tenant#tenant-1', sk: '2026-11-29T10' },
      { [tenantSonnet]: 7 },
    );

    // Act
    const drifted = await recomputeRollups({ ...range, mode: 'check' });
    const repaired = await recomputeRollups({ ...range, mode: 'recompute' });
    const after = await recomputeRollups({ ...range, mode: 'check' });

    // Assess
    expect(clean.records).toBe(12);
    expect(clean.drift).toEqual([]);
    expect(clean.keysChecked).toBeGreaterThan(10);
    expect(drifted.drift).toEqual([
      {
        pk: 'ROLLUP#hour#tenant#tenant-1',
        sk: '2026-11-29T10',
        differences: { [tenantSonnet]: { stored: 36_000_007, expected: 36_000_000 } },
      },
      {
        pk: 'ROLLUP#hour#user#u-1',
        sk: '2026-11-29T11',
        differences: {
          calls: { stored: 7, expected: 6 },
          costNanoUsd: { stored: 36_000_005, expected: 36_000_000 },
        },
      },
    ]);
    expect(drifted.written).toBe(0);
    expect(repaired.written).toBe(2);
    expect(after.drift).toEqual([]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
    expect(clean.openBuckets).toEqual([]);
  });

  it('a rewritten session rollup keeps its ledger marks, so a redelivery after the repair counts nothing', async () => {
    // Prepare: a session's calls aggregated, then its rollup drifts
    const table = await createTestTable('agg-recompute-marks');
    const records = Array.from({ length: 5 }, (_, i) =>
      makeCallRecord({ timestamp: `2026-11-29T10:0${i}:00.000Z`, sessionId: 's-marked' }),
    );
    await putCallRecords(table.client, table.tableName, records);
    const stream = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
    await aggregateStreamBatch(testDeps(table), { Records: stream });
    const rollup = { pk: 'ROLLUP#hour#session#s-marked', sk: '2026-11-29T10' };
    const key = marshall(rollup);
    await driftRollup(table, rollup, { calls: 1 });

    // Act
    const repaired = await recomputeRollups({
      client: table.client,
      tableName: table.tableName,
      from: '2026-11-29T10:00:00Z',
      to: '2026-11-29T11:00:00Z',
      now: NOW,
    });
    const redelivered = await aggregateStreamBatch(testDeps(table), { Records: stream });

    // Assess
    expect(repaired.written).toBe(1);
    const item = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
    );
    expect(item.Item?.[LEDGER_MARKS]?.BS).toHaveLength(5);
    expect(redelivered.summary).toMatchObject({ committed: 0, duplicates: 5 });
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('leaves open buckets alone and deletes rollups that no raw record supports', async () => {
    // Prepare
    const table = await createTestTable('agg-recompute-open');
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: marshall({ pk: 'ROLLUP#hour#model#ghost', sk: '2026-11-29T08' }),
        UpdateExpression: 'SET #t = :t, dpk = :dpk, dsk = :dsk ADD calls :one',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: marshall({
          ':t': 'rollup',
          ':dpk': 'ROLLUP#hour#model',
          ':dsk': '2026-11-29T08#ghost',
          ':one': 1,
        }),
      }),
    );
    const range = {
      client: table.client,
      tableName: table.tableName,
      from: '2026-11-29T08:00:00Z',
      to: '2026-11-29T10:00:00Z',
    };

    // Act
    const report = await recomputeRollups({ ...range, now: () => Date.parse('2026-11-29T09:20:00Z') });

    // Assess
    expect(report.openBuckets).toEqual(['2026-11-29T09']);
    expect(report.drift.map((d) => `${d.pk}|${d.sk}`)).toEqual(['ROLLUP#hour#model#ghost|2026-11-29T08']);
    expect(report.written).toBe(1);
    expect((await rollupsAndRecomputation(table)).stored).toEqual({});
  });
});

describe('recompute and drift check over records that break the rules', () => {
  it('finishes, reports the bad records with their reasons, and shows no drift for the good ones', async () => {
    // Prepare: twenty good records and four an older layer or an edited log line could have stored.
    const table = await createTestTable('agg-recompute-bad');
    const good = Array.from({ length: 20 }, (_, i) =>
      makeCallRecord({ userId: `u-${i % 3}`, sessionId: `s-${i % 4}` }),
    );
    await putCallRecords(table.client, table.tableName, good);
    const bad = [
      { userId: 'u'.repeat(1_100) },
      { sessionId: 's'.repeat(1_500) },
      { usage: { ...good[0]!.usage, outputTokens: 2 ** 53 - 1 } },
      { tags: 'not-a-list' },
    ];
    for (const overrides of bad) {
      const item = { ...toCallItem(makeCallRecord(), 90), ...overrides };
      await table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
        }),
      );
    }
    const stream = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
    const aggregated = await aggregateStreamBatch(testDeps(table), { Records: stream });
    const range = {
      client: table.client,
      tableName: table.tableName,
      from: '2026-11-29T00:00:00Z',
      to: '2026-11-30T00:00:00Z',
      now: NOW,
    };

    // Act
    const check = await recomputeRollups({ ...range, mode: 'check' });
    const rebuild = await recomputeRollups({ ...range, mode: 'recompute' });

    // Assess
    expect(aggregated.summary).toMatchObject({ committed: 20, poison: 4 });
    expect(check).toMatchObject({ records: 20, malformed: 4, drift: [], vacuous: false, passed: true });
    expect(check.keysChecked).toBeGreaterThan(10);
    expect(check.rejected.map((skip) => skip.reason.split(' ')[3]).sort()).toEqual(
      ['sessionId', 'tags', 'usage.outputTokens', 'userId'].sort(),
    );
    expect(rebuild).toMatchObject({ written: 0, writeFailures: [], passed: true });
    // A safety net only: two passes over a whole day's partitions took over 30 s on 2 busy cores.
  }, 120_000);

  it('does not pass when raw records exist but no closed rollup key was compared', async () => {
    // Prepare: records of an hour that is still open.
    const table = await createTestTable('agg-recompute-vacuous');
    await putCallRecords(table.client, table.tableName, [
      makeCallRecord({ timestamp: '2026-11-29T10:05:00.000Z' }),
    ]);

    // Act
    const report = await recomputeRollups({
      client: table.client,
      tableName: table.tableName,
      from: '2026-11-29T10:00:00Z',
      to: '2026-11-29T11:00:00Z',
      mode: 'check',
      now: () => Date.parse('2026-11-29T11:05:00Z'),
    });

    // Assess
    expect(report).toMatchObject({ records: 1, keysChecked: 0, vacuous: true, passed: false });
    expect(report.openBuckets).toEqual(['2026-11-29T10']);
  });
});
