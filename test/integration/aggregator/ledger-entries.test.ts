import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { localCredentials } from 'claude-monitor/aws';
import { type CallRecord, ITEM_TYPE } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import {
  callMark,
  LEDGER_MARKS,
  LEDGER_SORT_KEY,
  ledgerKeyOf,
  ledgerPk,
  ROLLUP_MARKS_FULL,
  SESSION_ROLLUP_MARKS,
  sessionRollupOf,
} from '../../../functions/aggregator/ledger';
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

/** The stored hour rollups of the sessions of `calls`, in order of first appearance. */
const sessionRollups = async (
  table: TestTable,
  calls: readonly CallRecord[],
): Promise<Record<string, unknown>[]> => {
  const keys = new Map<string, { pk: string; sk: string }>();
  for (const call of calls) {
    const key = sessionRollupOf(call);
    if (key) keys.set(`${key.pk}|${key.sk}`, { pk: key.pk, sk: key.sk });
  }
  const items: Record<string, unknown>[] = [];
  for (const key of keys.values()) {
    const result = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    items.push(unmarshall(result.Item ?? {}));
  }
  return items;
};

/** Takes the ledger marks out of the session rollups of `calls`, as rollups were before they held any. */
const removeRollupMarks = async (table: TestTable, calls: readonly CallRecord[]): Promise<void> => {
  for (const item of await sessionRollups(table, calls)) {
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: marshall({ pk: item.pk, sk: item.sk }),
        UpdateExpression: 'REMOVE #ids, #full',
        ExpressionAttributeNames: { '#ids': LEDGER_MARKS, '#full': ROLLUP_MARKS_FULL },
      }),
    );
  }
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

describe('ledger marks of the calls of a session', { timeout: 600_000 }, () => {
  it('marks the calls of a session in its hour rollup, and a call without a session in an entry of its own', async () => {
    // Prepare
    const { table, records } = await streamedCalls('ledger-shared', sessionCalls());

    // Act
    const result = await aggregateStreamBatch(testDeps(table), { Records: records });

    // Assess
    const ledger = await ledgerItems(table);
    expect(result.summary.committed).toBe(28);
    expect(ledger.filter((item) => item[LEDGER_MARKS] !== undefined)).toEqual([]);
    expect(ledger.map((item) => item.pk)).toEqual(
      expect.arrayContaining([0, 1, 2, 3].map((i) => ledgerPk(`lone-${i}`))),
    );
    expect(ledger).toHaveLength(4);
    const sessions = await sessionRollups(table, sessionCalls());
    expect(sessions.map((item) => (item[LEDGER_MARKS] as Set<Uint8Array>).size)).toEqual([8, 8, 8]);
    expect(sessions.map((item) => item[ROLLUP_MARKS_FULL])).toEqual([undefined, undefined, undefined]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('once a session rollup holds its marks, the session calls of that hour are marked in minute entries, and none is counted twice', async () => {
    // Prepare: one session calling once a minute, 10 calls more than its rollup's marks, less 2
    const marked = SESSION_ROLLUP_MARKS - 2;
    const calls = Array.from({ length: marked + 10 }, (_, i) =>
      makeCallRecord({
        callId: `long-${i}`,
        sessionId: 'long-session',
        timestamp: new Date(Date.UTC(2026, 11, 2, 10, i, 7)).toISOString(),
      }),
    );
    const { table, records } = await streamedCalls('ledger-full-rollup', calls);

    // Act: the first calls in two deliveries; then all at once, more than a rollup's marks, again, and one
    // of the last ten alone, all through a client whose ledger reads miss every mark
    const half = marked / 2;
    const firsts = [
      await aggregateStreamBatch(testDeps(table), { Records: records.slice(0, half) }),
      await aggregateStreamBatch(testDeps(table), { Records: records.slice(half, marked) }),
    ];
    const deps = testDeps(table, undefined, { client: clientWithLedgerReads(table, 'empty') });
    const whole = await aggregateStreamBatch(deps, { Records: records });
    const redelivered = await aggregateStreamBatch(deps, { Records: records });
    const single = await aggregateStreamBatch(deps, { Records: records.slice(marked + 5, marked + 6) });
    deps.client.destroy();

    // Assess: the first calls' marks fit in the rollup; all of them would not, so the rollup is full, the 10
    // new calls sit in the session's minute entries, and the rollup's condition finds the marks it holds
    expect(firsts.map((result) => result.summary.committed)).toEqual([half, marked - half]);
    expect(whole.summary).toMatchObject({ committed: 10, duplicates: marked, failed: 0, rejected: 0 });
    expect(redelivered.summary).toMatchObject({
      committed: 0,
      duplicates: marked + 10,
      failed: 0,
      rejected: 0,
    });
    // One call of a minute entry alone would fit in the rollup's room: the rollup is full all the same
    expect(single.summary).toMatchObject({ committed: 0, duplicates: 1 });
    const [rollup] = await sessionRollups(table, calls);
    expect((rollup![LEDGER_MARKS] as Set<Uint8Array>).size).toBe(marked);
    expect(rollup![ROLLUP_MARKS_FULL]).toBe(true);
    const entries = (await ledgerItems(table)).filter((item) => item[LEDGER_MARKS] !== undefined);
    expect(entries.map((item) => (item[LEDGER_MARKS] as Set<Uint8Array>).size)).toEqual(Array(10).fill(1));
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('calls the ledger read shows past the marks of their session rollup go to minute entries, no transaction sent twice', async () => {
    // Prepare: a session's rollup holding all but 2 of its marks, and 10 more calls of that hour
    const marked = SESSION_ROLLUP_MARKS - 2;
    const calls = Array.from({ length: marked + 10 }, (_, i) =>
      makeCallRecord({
        callId: `read-full-${i}`,
        sessionId: 'read-full-session',
        timestamp: new Date(Date.UTC(2026, 11, 2, 12, i, 9)).toISOString(),
      }),
    );
    const { table, records } = await streamedCalls('ledger-read-full', calls);
    await aggregateStreamBatch(testDeps(table), { Records: records.slice(0, marked) });
    const client = new DynamoDBClient({
      endpoint: table.endpoint,
      region: LOCAL_REGION,
      credentials: localCredentials(),
    });
    let sent = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') sent++;
        return next(args);
      },
      { step: 'initialize', name: 'transactionCounter' },
    );

    // Act
    const result = await aggregateStreamBatch(testDeps(table, undefined, { client }), {
      Records: records.slice(marked),
    });
    client.destroy();

    // Assess: one transaction, sent once, marks the 10 calls in their minute entries
    expect(result.summary).toMatchObject({ committed: 10, transactions: 1, failed: 0 });
    expect(sent).toBe(1);
    const [rollup] = await sessionRollups(table, calls);
    expect((rollup![LEDGER_MARKS] as Set<Uint8Array>).size).toBe(marked);
    expect(rollup![ROLLUP_MARKS_FULL]).toBe(true);
    const entries = (await ledgerItems(table)).filter((item) => item[LEDGER_MARKS] !== undefined);
    expect(entries).toHaveLength(10);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a full session rollup whose minute entries make a transaction too big is committed in parts, each call once', async () => {
    // Prepare: one session with 60 calls over an hour (more than a rollup's marks, so 60 minute entries)
    // and 40 one-call sessions of their own users, which the chunk plan packs into the same transaction
    const calls = [
      ...Array.from({ length: 60 }, (_, i) =>
        makeCallRecord({
          callId: `hour-long-${i}`,
          sessionId: 'hour-long',
          userId: 'steady-user',
          timestamp: new Date(Date.UTC(2026, 11, 2, 11, i, 30)).toISOString(),
        }),
      ),
      ...Array.from({ length: 40 }, (_, i) =>
        makeCallRecord({
          callId: `short-${i}`,
          sessionId: `short-${i}`,
          userId: `user-${i}`,
          timestamp: new Date(Date.UTC(2026, 11, 2, 11, 20, i)).toISOString(),
        }),
      ),
    ];
    const { table, records } = await streamedCalls('ledger-split', calls);

    // Act
    const first = await aggregateStreamBatch(testDeps(table), { Records: records });
    const again = await aggregateStreamBatch(testDeps(table), { Records: records });

    // Assess
    expect(first.summary).toMatchObject({ committed: 100, failed: 0, rejected: 0 });
    expect(first.summary.transactions).toBeGreaterThan(1);
    expect(again.summary).toMatchObject({ committed: 0, duplicates: 100 });
    const [rollup] = await sessionRollups(table, calls.slice(0, 1));
    expect(rollup![ROLLUP_MARKS_FULL]).toBe(true);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a session with more calls in one minute than a transaction takes is marked in its minute entry across transactions, once each', async () => {
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
    const [rollup] = await sessionRollups(table, calls);
    expect(rollup![ROLLUP_MARKS_FULL]).toBe(true);
    expect(rollup![LEDGER_MARKS]).toBeUndefined();
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a redelivery the ledger read does not see commits only the calls its session rollups do not mark', async () => {
    // Prepare: half of each session's calls committed; the redelivery's read then misses them
    const { table, records } = await streamedCalls('ledger-race', sessionCalls());
    await aggregateStreamBatch(testDeps(table), { Records: records.slice(0, 12) });
    const deps = testDeps(table, undefined, { client: clientWithLedgerReads(table, 'empty') });

    // Act
    const retry = await aggregateStreamBatch(deps, { Records: records });
    deps.client.destroy();

    // Assess: the rollups' conditions found the first 12 and left them out
    expect(retry.summary).toMatchObject({ committed: 16, duplicates: 12, failed: 0, rejected: 0 });
    expect(retry.batchItemFailures).toEqual([]);
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(stored).toEqual(recomputed);
  });

  it('a call committed with an entry of its own, as before grouping, is not counted again', async () => {
    // Prepare: aggregate, then leave the ledger as the earlier layout wrote it: one entry per call
    const { table, records } = await streamedCalls('ledger-legacy', sessionCalls());
    await aggregateStreamBatch(testDeps(table), { Records: records });
    await removeRollupMarks(table, sessionCalls());
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

  it('a call marked in a minute entry, as before marks moved into session rollups, is not counted again', async () => {
    // Prepare: aggregate, then leave the ledger as the earlier layout wrote it: marks in minute entries
    const { table, records } = await streamedCalls('ledger-minute-layout', sessionCalls());
    await aggregateStreamBatch(testDeps(table), { Records: records });
    await removeRollupMarks(table, sessionCalls());
    const byEntry = new Map<string, { pk: string; sk: string; marks: Uint8Array[] }>();
    for (const record of sessionCalls().filter((call) => call.sessionId)) {
      const key = ledgerKeyOf(record);
      const entry = byEntry.get(key.pk + key.sk) ?? { pk: key.pk, sk: key.sk, marks: [] };
      entry.marks.push(callMark(record.callId));
      byEntry.set(key.pk + key.sk, entry);
    }
    for (const entry of byEntry.values()) {
      await table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: {
            ...marshall({ pk: entry.pk, sk: entry.sk, type: ITEM_TYPE.ledger }),
            [LEDGER_MARKS]: { BS: entry.marks },
          },
        }),
      );
    }

    // Act
    const redelivered = await aggregateStreamBatch(testDeps(table), { Records: records });

    // Assess
    expect(byEntry.size).toBe(3);
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
