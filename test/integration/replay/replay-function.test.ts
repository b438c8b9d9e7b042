import { gzipSync } from 'node:zlib';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayLogEvent } from '../../../functions/replay/replay-logs';
import { freePort } from '../../../infra/local/dynamodb-local';
import { createDynamoSink, setLogWriter } from '../../../layers/claude-monitor/src';
import { callPksOfHour, ENV, METRIC } from '../../../layers/claude-monitor/src/domain';
import { makeCallRecord } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { type HeldDynamoDb, startHeldDynamoDb } from '../../helpers/held-dynamodb';

let table: TestTable;
let handler: (event: CloudWatchLogsEvent) => Promise<{ written: number; alreadyStored: number }>;
let notWritten: string[];
let unconfirmed: string[];
const HOUR = '2026-11-29T10';

/** Lines the real recorder prints for records it cannot store: DynamoDB refused the connection. */
const linesOfUnreachable = async (count: number): Promise<string[]> => {
  const lines: string[] = [];
  const restore = setLogWriter((line) => lines.push(line));
  try {
    const port = await freePort(); // nothing listens there: connections are refused at once
    const sink = createDynamoSink({
      env: { [ENV.tableName]: table.tableName, [ENV.dynamodbEndpoint]: `http://127.0.0.1:${port}` },
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < count; i++) sink.add(makeCallRecord({ userId: 'replayed' }));
    await sink.flush();
  } finally {
    setLogWriter(restore);
  }
  return lines.filter((line) => line.includes('"claude-monitor: record not written"'));
};

/** Lines the real recorder prints when DynamoDB takes the write and does not answer by the deadline. */
const linesOfUnanswered = async (held: HeldDynamoDb): Promise<string[]> => {
  const lines: string[] = [];
  const restore = setLogWriter((line) => lines.push(line));
  try {
    // Sent at once (a 1 ms interval), held by the endpoint, then given up at the flush's deadline.
    const sink = createDynamoSink({
      env: { [ENV.tableName]: table.tableName, [ENV.dynamodbEndpoint]: held.endpoint },
      flushIntervalMs: 1,
      flushTimeoutMs: 60_000,
    });
    sink.add(makeCallRecord({ userId: 'replayed' }));
    await held.received(1);
    await sink.flush({ deadline: Date.now() + 50 });
  } finally {
    setLogWriter(restore);
  }
  return lines.filter((line) => line.includes('"claude-monitor: record unconfirmed"'));
};

/** The event Lambda receives from a subscription filter: base64 of gzip of the JSON below. */
const subscriptionEvent = (messages: string[], messageType = 'DATA_MESSAGE'): CloudWatchLogsEvent => {
  const data: CloudWatchLogsDecodedData = {
    messageType,
    owner: '123456789012',
    logGroup: '/aws/lambda/chat-api',
    logStream: '2026/11/29/[$LATEST]0123456789abcdef',
    subscriptionFilters: ['claude-monitor-replay'],
    logEvents: messages.map((message, i) => ({
      id: `3800000000000000000000000000000000000000000000000${i}`,
      timestamp: 1_796_000_000_000 + i,
      message,
    })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(data))).toString('base64') } };
};

const storedReplayed = async (): Promise<number> => {
  let count = 0;
  for (const pk of callPksOfHour(HOUR)) {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'userId = :u',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':u': { S: 'replayed' } },
        ConsistentRead: true,
      }),
    );
    count += page.Items?.length ?? 0;
  }
  return count;
};

beforeAll(async () => {
  table = await createTestTable('replay-fn');
  notWritten = await linesOfUnreachable(3);
  const held = await startHeldDynamoDb();
  unconfirmed = await linesOfUnanswered(held);
  await held.close();
  // The function reads its configuration at cold start, as in Lambda.
  process.env[ENV.tableName] = table.tableName;
  process.env[ENV.dynamodbEndpoint] = table.endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  ({ handler } = await import('../../../functions/replay/handler'));
}, 60_000);

afterAll(() => {
  delete process.env[ENV.tableName];
  delete process.env[ENV.dynamodbEndpoint];
});

describe('replay function on a CloudWatch Logs subscription', () => {
  it('stores exactly the three records of three "not written" lines, and nothing more when the event comes twice', async () => {
    // Prepare: as they reach CloudWatch Logs, amid the function's other output.
    const event = subscriptionEvent([
      'START RequestId: 1 Version: $LATEST',
      ...notWritten,
      'END RequestId: 1',
    ]);

    // Act
    const first = await handler(event);
    const second = await handler(event);

    // Assess
    expect(notWritten).toHaveLength(3);
    expect(first).toMatchObject({ recordsFound: 3, written: 3, alreadyStored: 0, failed: [] });
    expect(second).toMatchObject({ recordsFound: 3, written: 0, alreadyStored: 3, failed: [] });
    expect(await storedReplayed()).toBe(3);
  });

  it('stores a record logged as unconfirmed, once however often it is delivered', async () => {
    // Prepare
    const event = subscriptionEvent(unconfirmed);

    // Act
    const first = await handler(event);
    const again = await handler(event);

    // Assess
    expect(unconfirmed).toHaveLength(1);
    expect(first).toMatchObject({ recordsFound: 1, written: 1 });
    expect(again).toMatchObject({ recordsFound: 1, written: 0, alreadyStored: 1 });
    expect(await storedReplayed()).toBe(4);
  });

  it('counts a line it cannot read instead of failing the delivery, and ignores control messages', async () => {
    // Prepare
    const edited = notWritten[0]!.replace(/"inputTokens":\d+/, '"inputTokens":-5');
    const counts: Record<string, number> = {};
    const errors: string[] = [];
    const deps = {
      client: table.client,
      tableName: table.tableName,
      logger: { info: () => {}, error: (message: string) => errors.push(message) },
      metrics: { addMetric: (name: string, _unit: 'Count', value: number) => (counts[name] = value) },
    };
    const control = subscriptionEvent(
      ['CWL CONTROL MESSAGE: Checking health of destination Lambda.'],
      'CONTROL_MESSAGE',
    );

    // Act
    const result = await replayLogEvent(deps, subscriptionEvent([edited]));
    const checked = await handler(control);

    // Assess
    expect(result).toMatchObject({ recordsFound: 0, written: 0 });
    expect(result.malformedLines[0]!.reason).toContain('usage.inputTokens');
    expect(counts).toEqual({ [METRIC.replayFailures]: 1 });
    expect(errors).toEqual(['logged records that cannot be replayed']);
    expect(checked).toMatchObject({ events: 1, recordsFound: 0, written: 0 });
    expect(await storedReplayed()).toBe(4);
  });

  it('refuses an event that is not a subscription payload, naming what it expected', async () => {
    // Act
    const act = handler({ awslogs: { data: Buffer.from('not gzip').toString('base64') } });

    // Assess
    await expect(act).rejects.toThrow('not a CloudWatch Logs subscription payload');
  });
});
