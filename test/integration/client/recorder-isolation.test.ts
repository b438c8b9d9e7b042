import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoSink, flush, setLogWriter } from '../../../layers/claude-monitor/src';
import {
  type CallRecord,
  callPksOfHour,
  ENV,
  fromCallItem,
  RECORD_LIMITS,
  utf8Bytes,
} from '../../../layers/claude-monitor/src/domain';
import { makeCallRecord } from '../../helpers/call-records';
import { createTestTable, localDynamoEnv, type TestTable } from '../../helpers/dynamodb';
import { type HeldDynamoDb, startHeldDynamoDb } from '../../helpers/held-dynamodb';

let table: TestTable;
let lines: Record<string, unknown>[] = [];
let restoreWriter: ((line: string) => void) | undefined;

beforeAll(async () => {
  table = await createTestTable('recorder-iso');
  restoreWriter = setLogWriter((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  // Loaded up front: the first import of the AWS SDK can stall a busy test runner for seconds.
  await import('../../../layers/claude-monitor/src/aws/clients');
});
afterAll(() => {
  if (restoreWriter) setLogWriter(restoreWriter);
});
afterEach(() => {
  lines = [];
});

const env = (endpoint: string): NodeJS.ProcessEnv => ({
  ...localDynamoEnv(endpoint),
  [ENV.tableName]: table.tableName,
});

/** A sink on the test table with bounds generous enough for a busy machine. */
const tableSink = () =>
  createDynamoSink({ env: env(table.endpoint), flushIntervalMs: 60_000, flushTimeoutMs: 60_000 });

const HOUR = '2026-11-29T10';

const storedCalls = async (): Promise<CallRecord[]> => {
  const pages = await Promise.all(
    callPksOfHour(HOUR).map((pk) =>
      table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ConsistentRead: true,
        }),
      ),
    ),
  );
  return pages.flatMap((page) => (page.Items ?? []).map((item) => fromCallItem(unmarshall(item))));
};

const withMessage = (message: string) => lines.filter((line) => line.message === message);

describe('the recorder keeps one bad record from costing the others', () => {
  it('stores a record with a 3,000-byte session id among 24 good ones, the id shortened and named', async () => {
    // Prepare
    const sink = tableSink();
    const good = Array.from({ length: 24 }, () => makeCallRecord({ sessionId: 'iso-good' }));
    const long = makeCallRecord({ sessionId: `s-${'x'.repeat(3_000)}`, userId: 'iso-long' });

    // Act
    for (const record of [...good.slice(0, 12), long, ...good.slice(12)]) sink.add(record);
    const result = await sink.flush();

    // Assess
    expect(result).toEqual({ written: 25, notWritten: 0, unconfirmed: 0 });
    const stored = await storedCalls();
    const ids = new Set(stored.map((record) => record.callId));
    expect([...good, long].every((record) => ids.has(record.callId))).toBe(true);
    const shortened = stored.find((record) => record.userId === 'iso-long')!;
    expect(utf8Bytes(shortened.sessionId!)).toBeLessThanOrEqual(RECORD_LIMITS.maxIdBytes);
    expect(shortened.shortened).toEqual(['sessionId']);
    expect(withMessage('claude-monitor: record not written')).toHaveLength(0);
  });

  it('rejects a record with a count of 2^53 - 1 with its reason and stores the others', async () => {
    // Prepare
    const sink = tableSink();
    const good = Array.from({ length: 5 }, () => makeCallRecord({ userId: 'iso-count' }));
    const bad = makeCallRecord({ usage: { ...good[0]!.usage, inputTokens: 2 ** 53 - 1 } });

    // Act
    for (const record of [good[0]!, bad, ...good.slice(1)]) sink.add(record);
    const result = await sink.flush();

    // Assess
    expect(result).toEqual({ written: 5, notWritten: 1, unconfirmed: 0 });
    const rejected = withMessage('claude-monitor: record rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ record: { callId: bad.callId } });
    expect(String(rejected[0]!.reason)).toContain('usage.inputTokens');
    expect(lines.find((line) => line.RecordsNotWritten !== undefined)).toMatchObject({
      RecordsNotWritten: 1,
    });
    const stored = new Set((await storedCalls()).map((record) => record.callId));
    expect(good.every((record) => stored.has(record.callId))).toBe(true);
    expect(stored.has(bad.callId)).toBe(false);
  });

  it('splits a BatchWriteItem that DynamoDB refuses for one item, so the other items are stored', async () => {
    // Prepare: the same key twice in one request makes DynamoDB refuse the whole request.
    const sink = tableSink();
    const records = Array.from({ length: 10 }, () => makeCallRecord({ userId: 'iso-dup' }));
    const twin = { ...records[4]!, latencyMs: 999 };

    // Act
    for (const record of [...records, twin]) sink.add(record);
    const result = await sink.flush();

    // Assess
    expect(result).toEqual({ written: 11, notWritten: 0, unconfirmed: 0 });
    const stored = (await storedCalls()).filter((record) => record.userId === 'iso-dup');
    expect(stored.map((record) => record.callId).sort()).toEqual(records.map((r) => r.callId).sort());
  });
});

describe('the flush deadline', () => {
  let held: HeldDynamoDb;
  /** A sink on the held endpoint; with a short interval, its buffered records are sent at once. */
  const heldSink = (flushTimeoutMs: number, flushIntervalMs = 60_000) =>
    createDynamoSink({ env: env(held.endpoint), flushIntervalMs, flushTimeoutMs });

  it('gives up at the deadline it is given: a write sent and not answered is unconfirmed, not "not written"', async () => {
    // Prepare: the write is on its way and DynamoDB holds it.
    held = await startHeldDynamoDb();
    const sink = heldSink(60_000, 1);
    sink.add(makeCallRecord());
    sink.add(makeCallRecord());
    await held.received(1);

    // Act
    const result = await sink.flush({ deadline: Date.now() + 50 });
    await held.close();

    // Assess
    expect(result).toEqual({ written: 0, notWritten: 0, unconfirmed: 2 });
    expect(withMessage('claude-monitor: record unconfirmed')).toHaveLength(2);
    expect(withMessage('claude-monitor: record not written')).toHaveLength(0);
    expect(lines.find((line) => line.RecordsUnconfirmed !== undefined)).toMatchObject({
      RecordsUnconfirmed: 2,
      RecordsNotWritten: 0,
    });
  });

  it('moves the bound of a write already on its way to the deadline of the flush', async () => {
    // Prepare: 25 records start a write at once, bounded by the sink's own 200 ms; the flush, in the same
    // turn of the event loop, gives the invocation's later deadline instead.
    held = await startHeldDynamoDb();
    const sink = heldSink(200);
    for (let i = 0; i < 25; i++) sink.add(makeCallRecord());
    const flushed = sink.flush({ deadline: Date.now() + 60_000 });
    await held.received(1);
    // The passage of time is the point here: the write's own bound must go by while DynamoDB holds it.
    await new Promise((resolve) => setTimeout(resolve, 400));

    // Act
    held.release();
    const result = await flushed;
    await held.close();

    // Assess
    expect(result).toEqual({ written: 25, notWritten: 0, unconfirmed: 0 });
    expect(withMessage('claude-monitor: record unconfirmed')).toHaveLength(0);
  });

  it('reaches every recorder through flush({ deadline }) of the package', async () => {
    // Prepare
    held = await startHeldDynamoDb();
    const sink = heldSink(60_000, 1);
    sink.add(makeCallRecord());
    await held.received(1);

    // Act
    const result = await flush({ deadline: Date.now() + 50 });
    await held.close();

    // Assess
    expect(result).toEqual({ written: 0, notWritten: 0, unconfirmed: 1 });
    expect(withMessage('claude-monitor: record unconfirmed')).toHaveLength(1);
  });
});
