import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { localCredentials } from 'claude-monitor/aws';
import { type CallRecord, ITEM_TYPE } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { LEDGER_MARKS, LEDGER_SORT_KEY, ledgerPk } from '../../../functions/aggregator/ledger';
import { LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { rollupsAndRecomputation, testDeps } from './harness';

/** Three sessions calling every few seconds within one minute, and four calls without a session. */
const sessionCalls = (): CallRecord[] => [
  ...Array.from({ length: 24 }, (_, i) =>
    makeCallRecord({
      callId: `s${i % 3}-call-${i}`,
      sessionId: `session-${i % 3}`,
      userId: `user-${i % 3}`,
      timestamp: new Date(Date.UTC(2026, 11, 2, 10, 15, i * 2)).toISOString(),
    }),
  ),
  ...Array.from({ length: 4 }, (_, i) =>
    makeCallRecord({
      callId: `lone-${i}`,
      sessionId: undefined,
      timestamp: new Date(Date.UTC(2026, 11, 2, 10, 15, 50 + i)).toISOString(),
    }),
  ),
];

/** A fresh table holding `calls`, and the call records of its stream, as the aggregator receives them. */
const streamedCalls = async (
  name: string,
  calls: readonly CallRecord[],
): Promise<{ table: TestTable; records: DynamoDBRecord[] }> => {
  const table = await createTestTable(name);
  await putCallRecords(table.client, table.tableName, calls);
  const records = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
  return { table, records };
};

const ledgerItems = async (table: TestTable): Promise<Record<string, unknown>[]> => {
  const page = await table.client.send(
    new ScanCommand({
      TableName: table.tableName,
      FilterExpression: '#type = :ledger',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':ledger': { S: ITEM_TYPE.ledger } },
      ConsistentRead: true,
    }),
  );
  return (page.Items ?? []).map((item) => unmarshall(item));
};

/**
 * A client of the same DynamoDB Local whose ledger reads (`BatchGetItem`) do not reach it: they answer
 * empty or fail. A stand-in for what cannot be caused on demand: a read that ran just before another
 * delivery committed, or a read outage. Every write still goes to DynamoDB Local.
 */
const clientWithLedgerReads = (table: TestTable, reads: 'empty' | 'failing'): DynamoDBClient => {
  const client = new DynamoDBClient({
    endpoint: table.endpoint,
    region: LOCAL_REGION,
    credentials: localCredentials(),
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchGetItemCommand') return next(args);
      if (reads === 'failing') throw new Error('ledger read unavailable (injected)');
      return { output: { $metadata: {}, Responses: {}, UnprocessedKeys: {} }, response: {} };
    },
    { step: 'initialize', name: 'ledgerReadStandIn' },
  );
  return client;
};

describe('ledger entries shared by the calls of a session', { timeout: 600_000 }, () => {
  it('marks the calls of one session and minute in one entry, and a call without a session in its own', async () => {
    // Prepare
    const { table, records } = await streamedCalls('ledger-shared', sessionCalls());

    // Act
    const result = await aggregateStreamBatch(testDeps(table), { Records: records });

    // Assess
    const ledger = await ledgerItems(table);
    const grouped = ledger.filter((item) => item[LEDGER_MARKS] !== undefined);
    expect(result.summary.committed).toBe(28);
    expect(grouped).toHaveLength(3);
    expect(grouped.map((item) => (item[LEDGER_MARKS] as Set<Uint8Array>).size)).toEqual([8, 8, 8]);
    expect(ledger.filter((item) => item.sk === LEDGER_SORT_KEY).map((item) => item.pk)).toEqual(
      expect.arrayContaining([0, 1, 2, 3].map((i) => ledgerPk(`lone-${i}`))),
    );
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a session with more calls in one minute than a transaction takes is marked across transactions, once each', async () => {
    // Prepare: 250 calls of one session within one minute, more than one chunk's 100 records
    const calls = Array.from({ length: 250 }, (_, i) =>
      makeCallRecord({
        callId: `busy-${i}`,
        sessionId: 'busy-session',
        timestamp: new Date(Date.UTC(2026, 11, 2, 10, 15, 0, i * 200)).toISOString(),
      }),
    );
    const { table, records } = await streamedCalls('ledger-busy-session', calls);
    const deps = testDeps(table, undefined, { client: clientWithLedgerReads(table, 'empty') });

    // Act: the second delivery's read misses the marks, so each entry's condition must catch every call
    const first = await aggregateStreamBatch(testDeps(table), { Records: records });
    const redelivered = await aggregateStreamBatch(deps, { Records: records });
    deps.client.destroy();

    // Assess
    expect(first.summary).toMatchObject({ committed: 250, transactions: 3 });
    expect(redelivered.summary).toMatchObject({ committed: 0, duplicates: 250, failed: 0, rejected: 0 });
    const entries = (await ledgerItems(table)).filter((item) => item[LEDGER_MARKS] !== undefined);
    expect(entries.map((item) => (item[LEDGER_MARKS] as Set<Uint8Array>).size)).toEqual([250]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a redelivery the ledger read does not see commits only the calls its entries do not mark', async () => {
    // Prepare: half of each session's calls committed; the redelivery's read then misses them
    const { table, records } = await streamedCalls('ledger-race', sessionCalls());
    await aggregateStreamBatch(testDeps(table), { Records: records.slice(0, 12) });
    const deps = testDeps(table, undefined, { client: clientWithLedgerReads(table, 'empty') });

    // Act
    const retry = await aggregateStreamBatch(deps, { Records: records });
    deps.client.destroy();

    // Assess: the entries' conditions found the first 12 and left them out
    expect(retry.summary).toMatchObject({ committed: 16, duplicates: 12, failed: 0, rejected: 0 });
    expect(retry.batchItemFailures).toEqual([]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a call committed with an entry of its own, as before grouping, is not counted again', async () => {
    // Prepare: aggregate, then leave the ledger as the earlier layout wrote it: one entry per call
    const { table, records } = await streamedCalls('ledger-legacy', sessionCalls());
    await aggregateStreamBatch(testDeps(table), { Records: records });
    for (const item of await ledgerItems(table)) {
      if (item[LEDGER_MARKS] === undefined) continue;
      await table.client.send(
        new DeleteItemCommand({ TableName: table.tableName, Key: marshall({ pk: item.pk, sk: item.sk }) }),
      );
    }
    for (const record of sessionCalls().filter((call) => call.sessionId)) {
      await table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: marshall({ pk: ledgerPk(record.callId), sk: LEDGER_SORT_KEY, type: ITEM_TYPE.ledger }),
        }),
      );
    }

    // Act
    const redelivered = await aggregateStreamBatch(testDeps(table), { Records: records });

    // Assess
    expect(redelivered.summary).toMatchObject({ committed: 0, duplicates: 28 });
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('when the ledger cannot be read, calls with a session wait for the retry and the others commit', async () => {
    // Prepare
    const { table, records } = await streamedCalls('ledger-unread', sessionCalls());
    const deps = testDeps(table, undefined, { client: clientWithLedgerReads(table, 'failing') });

    // Act
    const first = await aggregateStreamBatch(deps, { Records: records });
    deps.client.destroy();
    const retry = await aggregateStreamBatch(testDeps(table), { Records: records });

    // Assess
    expect(first.summary).toMatchObject({ committed: 4, failed: 24 });
    expect(first.batchItemFailures).toHaveLength(24);
    expect(retry.summary).toMatchObject({ committed: 24, duplicates: 4 });
    expect(retry.batchItemFailures).toEqual([]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });
});
