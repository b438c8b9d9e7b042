import { createServer } from 'node:net';
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnthropicStub } from '../../../infra/local/anthropic-stub';
import { startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { freePort } from '../../../infra/local/dynamodb-local';
import {
  createDynamoSink,
  getMonitoringSummary,
  MonitoredAnthropic,
  runWithAttribution,
  setLogWriter,
  withAttribution,
  withMonitoring,
} from '../../../layers/claude-monitor/src';
import {
  type CallRecord,
  callPksOfHour,
  ENV,
  fromCallItem,
  LEGACY_INDEX,
} from '../../../layers/claude-monitor/src/domain';
import { stubClientOptions, USER_MESSAGE } from '../../helpers/anthropic';
import { createTestTable, localDynamoEnv, type TestTable } from '../../helpers/dynamodb';

let table: TestTable;
let stub: AnthropicStub;
let lines: string[] = [];
let restoreWriter: ((line: string) => void) | undefined;

beforeAll(async () => {
  table = await createTestTable('recorder');
  stub = await startAnthropicStub();
  restoreWriter = setLogWriter((line) => lines.push(line));
  // The recorder imports the AWS SDK on its first write; under the test runner that import alone can stall
  // the event loop for seconds, so it is loaded up front instead of in the middle of the timed calls.
  await import('../../../layers/claude-monitor/src/aws/clients');
});
afterAll(async () => {
  if (restoreWriter) setLogWriter(restoreWriter);
  await stub.close();
});
afterEach(() => {
  lines = [];
});

const env = (endpoint: string): NodeJS.ProcessEnv => ({
  ...localDynamoEnv(endpoint),
  [ENV.tableName]: table.tableName,
});

const context = (awsRequestId: string) => ({ awsRequestId }) as Context;

/** Every call record stored in the hour partitions of `hour`. */
const storedCalls = async (hour: string): Promise<CallRecord[]> => {
  const pages = await Promise.all(
    callPksOfHour(hour).map((pk) =>
      table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
        }),
      ),
    ),
  );
  return pages.flatMap((page) => (page.Items ?? []).map((item) => fromCallItem(unmarshall(item))));
};

describe('recording to DynamoDB', () => {
  it('stores 100 calls from concurrent handlers, each with its own attribution, and sends none of it to the API', async () => {
    // Prepare
    const hour = new Date().toISOString().slice(0, 13);
    // Generous bounds: on a loaded machine DynamoDB Local can be slower than the production flush timeout.
    const sink = createDynamoSink({
      env: env(table.endpoint),
      flushIntervalMs: 60_000,
      flushTimeoutMs: 20_000,
    });
    // A generous SDK timeout: on a loaded machine 100 concurrent calls must not turn into timeouts and retries.
    const client = new MonitoredAnthropic({
      ...stubClientOptions(stub),
      timeout: 60_000,
      monitor: { sink, attribution: { tags: ['svc:test'] } },
    });
    const handler = withMonitoring(async (event: { user: number }) =>
      runWithAttribution({ userId: `user-${event.user}`, tenantId: `tenant-${event.user % 3}` }, () =>
        client.messages.create(
          USER_MESSAGE,
          withAttribution({
            sessionId: `session-${event.user}`,
            metadata: { secretMarker: `mark-${event.user}` },
          }),
        ),
      ),
    );
    const requestsBefore = stub.requests.length;

    // Act
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, user) => handler({ user }, context(`aws-req-${user}`))),
    );

    // Assess
    expect(results.every((message) => message.type === 'message')).toBe(true);
    const stored = (await storedCalls(hour)).filter((record) => record.awsRequestId?.startsWith('aws-req-'));
    expect(stored).toHaveLength(100);
    for (const record of stored) {
      const user = Number(record.awsRequestId!.slice('aws-req-'.length));
      expect(record).toMatchObject({
        userId: `user-${user}`,
        tenantId: `tenant-${user % 3}`,
        sessionId: `session-${user}`,
        tags: ['svc:test'],
        metadata: { secretMarker: `mark-${user}` },
        status: 'success',
      });
    }
    const sent = stub.requests.slice(requestsBefore);
    expect(sent).toHaveLength(100);
    for (const request of sent) {
      const wire = `${JSON.stringify(request.headers)}${request.rawBody}`;
      expect(wire).not.toMatch(/user-\d|tenant-\d|session-\d|mark-\d|svc:test|secretMarker/);
    }
    const notWritten = lines.filter((line) => line.includes('record not written'));
    expect(notWritten).toHaveLength(0);
  });

  it('stores a session call without session-index keys and reads it back in the summary', async () => {
    // Prepare
    const start = new Date(Date.now() - 1_000);
    const sink = createDynamoSink({ env: env(table.endpoint) });
    const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink } });
    stub.enqueue({
      kind: 'message',
      model: 'claude-summary-test',
      usage: { input_tokens: 10, output_tokens: 5 },
    });

    // Act
    await client.messages.create(USER_MESSAGE, withAttribution({ sessionId: 'summary-session' }));
    const flushed = await sink.flush();
    const summary = await getMonitoringSummary({
      startTime: start,
      model: 'claude-summary-test',
      tableName: table.tableName,
      client: table.client,
    });

    // Assess
    expect(flushed).toEqual({ written: 1, notWritten: 0, unconfirmed: 0 });
    expect(summary).toMatchObject({
      calls: 1,
      errors: 0,
      inputTokens: 10,
      outputTokens: 5,
      unpricedCalls: 1,
    });
    // A session's total is the sum of its hour rollups: records carry no key of the earlier session index.
    const stored = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'sessionId = :s',
        ExpressionAttributeValues: { ':s': { S: 'summary-session' } },
      }),
    );
    expect(stored.Items).toHaveLength(1);
    expect(stored.Items?.[0]).not.toHaveProperty(LEGACY_INDEX.bySession.partition);
    expect(stored.Items?.[0]).not.toHaveProperty(LEGACY_INDEX.bySession.sort);
  });

  it('returns the caller the same result and logs every record when DynamoDB is unreachable', async () => {
    // Prepare
    const port = await freePort(); // nothing listens there: connections are refused at once
    const sink = createDynamoSink({ env: env(`http://127.0.0.1:${port}`), flushTimeoutMs: 1_000 });
    const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink } });
    const handler = withMonitoring(async () => {
      const first = await client.messages.create(USER_MESSAGE);
      const second = await client.messages.create(USER_MESSAGE);
      return [first.type, second.content[0]];
    });

    // Act
    const result = await handler({}, context('aws-req-unreachable'));

    // Assess
    expect(result).toEqual(['message', { type: 'text', text: 'Hello from the stub.' }]);
    const logged = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'claude-monitor: record not written');
    expect(logged).toHaveLength(2);
    for (const line of logged) {
      const item = line.item as Record<string, unknown>;
      expect(fromCallItem(item)).toMatchObject({ awsRequestId: 'aws-req-unreachable', status: 'success' });
    }
    const metrics = lines
      .map((line) => JSON.parse(line))
      .find((line) => line.RecordsNotWritten !== undefined);
    expect(metrics?.RecordsNotWritten).toBe(2);
  });

  it('flushes before rethrowing the handler error unchanged', async () => {
    // Prepare
    const hour = new Date().toISOString().slice(0, 13);
    const sink = createDynamoSink({ env: env(table.endpoint), flushIntervalMs: 60_000 });
    const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink } });
    const failure = new Error('handler failed');
    const handler = withMonitoring(async () => {
      await client.messages.create(USER_MESSAGE);
      throw failure;
    });

    // Act
    const thrown = await handler({}, context('aws-req-throws')).catch((error: unknown) => error);

    // Assess
    expect(thrown).toBe(failure);
    const stored = (await storedCalls(hour)).filter((record) => record.awsRequestId === 'aws-req-throws');
    expect(stored).toHaveLength(1);
  });

  it('prints no metric line on a healthy flush: the aggregator counts the calls in CloudWatch', async () => {
    // Prepare
    const sink = createDynamoSink({ env: { ...env(table.endpoint), AWS_LAMBDA_FUNCTION_NAME: 'fn-emf' } });
    const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink } });

    // Act
    await client.messages.create(USER_MESSAGE);
    await client.messages.create(USER_MESSAGE);
    const result = await sink.flush();

    // Assess
    expect(result).toMatchObject({ written: 2, notWritten: 0, unconfirmed: 0 });
    const metrics = lines.map((line) => JSON.parse(line)).filter((line) => line._aws !== undefined);
    expect(metrics).toEqual([]);
  });

  it('bounds a flush against an endpoint that accepts connections but never answers', async () => {
    // Prepare
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const sink = createDynamoSink({ env: env(`http://127.0.0.1:${port}`), flushTimeoutMs: 300 });
    const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink } });
    await client.messages.create(USER_MESSAGE);

    // Act
    const result = await sink.flush();
    silent.close();
    silent.unref();

    // Assess: given up, and logged for replay. (Whether the request left before the bound decides between
    // "unconfirmed" and "not written"; the held-endpoint tests pin that down.)
    expect(result.written).toBe(0);
    expect(result.notWritten + result.unconfirmed).toBe(1);
    const logged = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => String(line.message).startsWith('claude-monitor: record'));
    expect(logged).toHaveLength(1);
  });
});
