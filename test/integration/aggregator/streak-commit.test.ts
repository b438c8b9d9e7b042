import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { commitIsolated } from '../../../functions/aggregator/commit-isolated';
import { parseStreamRecords } from '../../../functions/aggregator/parse-records';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, makeErrorRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { testDeps } from './harness';

const STREAKS = { sessionCostUsd: 0, unpricedModel: false, consecutiveErrors: 3 };
const at = (minute: number) => `2026-11-29T10:${String(minute).padStart(2, '0')}:00.000Z`;

const streakOf = async (table: TestTable, scope: string) => {
  const { Item } = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: marshall({ pk: `STREAK#${scope}`, sk: 'STATE' }),
      ConsistentRead: true,
    }),
  );
  return Item ? unmarshall(Item) : undefined;
};

const markersOf = async (table: TestTable, scope: string) => {
  const { Items } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': `ALERT#consecutive-errors#${scope}` }),
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
};

describe('the consecutive-error streak and the records it counts', () => {
  it('counts records whose rollups an invocation committed before it died, when the batch is delivered again', async () => {
    // Prepare: three failed calls of one function, committed by an invocation that then died (only the
    // commit runs here), so their streak was never written.
    const table = await createTestTable('streak-crash');
    const errors = [1, 2, 3].map((m) => makeErrorRecord({ functionName: 'fn-crash', timestamp: at(m) }));
    await putCallRecords(table.client, table.tableName, errors);
    const records = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
    const deps = testDeps(table, STREAKS);
    const died = await commitIsolated(deps, parseStreamRecords(records).calls);

    // Act: Lambda delivers the batch again; then once more, as a replay.
    const retry = await aggregateStreamBatch(deps, { Records: records });
    const replay = await aggregateStreamBatch(deps, { Records: records });

    // Assess
    expect(died.committed).toHaveLength(3);
    expect(retry.summary).toMatchObject({ committed: 0, duplicates: 3 });
    expect(await streakOf(table, 'function#fn-crash')).toMatchObject({ count: 3, fired: true });
    expect(await markersOf(table, 'function:fn-crash')).toHaveLength(1);
    expect(retry.summary.alertsFired).toBe(2); // the function's streak and the model's
    expect(replay.summary.alertsFired).toBe(0);
    expect(await streakOf(table, 'function#fn-crash')).toMatchObject({ count: 3 });
  });

  it('follows time order within a delivery and ignores a record older than the last one counted', async () => {
    // Prepare
    const table = await createTestTable('streak-order');
    const late = makeCallRecord({ functionName: 'fn-order', timestamp: at(0) });
    const errors = [1, 2].map((m) => makeErrorRecord({ functionName: 'fn-order', timestamp: at(m) }));
    await putCallRecords(table.client, table.tableName, errors);
    const first = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
    const deps = testDeps(table, STREAKS);
    await aggregateStreamBatch(deps, { Records: first });
    await putCallRecords(table.client, table.tableName, [late]);
    const second = (await readWholeStream(table.endpoint, table.streamArn))
      .filter(callInsertFilter)
      .slice(first.length);

    // Act: a success from before the streak arrives late.
    await aggregateStreamBatch(deps, { Records: second });

    // Assess
    expect(await streakOf(table, 'function#fn-order')).toMatchObject({ count: 2, startedAt: at(1) });
  });
});
