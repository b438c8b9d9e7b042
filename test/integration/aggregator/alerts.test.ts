import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBRecord } from 'aws-lambda';
import type { AlertConfig, BudgetConfig, CallRecord } from 'claude-monitor/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { payloadOf } from '../../../functions/aggregator/alerts/message';
import { publishPendingAlerts } from '../../../functions/aggregator/alerts/outbox';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, makeErrorRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { type SnsEmulator, startSnsEmulator } from '../../helpers/sns';
import { readWholeStream } from '../../helpers/stream';
import { testDeps } from './harness';

const OFF: Partial<AlertConfig> = {
  sessionCostUsd: 0,
  consecutiveErrors: 0,
  unpricedModel: false,
};

let sns: SnsEmulator;
let snsClient: SNSClient;

beforeAll(async () => {
  sns = await startSnsEmulator();
  snsClient = new SNSClient({
    endpoint: sns.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  snsClient.destroy();
  await sns.stop();
});

beforeEach(async () => {
  await sns.receiveAll();
});

const alertDeps = (table: TestTable, alerts: Partial<AlertConfig>, topicArn = sns.topicArn) =>
  testDeps(table, { ...OFF, ...alerts }, { sns: snsClient, alertTopicArn: topicArn });

/** Writes the records and returns their stream records (call INSERTs only, as the event filter delivers). */
const writeAndRead = async (table: TestTable, records: CallRecord[]): Promise<DynamoDBRecord[]> => {
  const ids = new Set(records.map((r) => r.callId));
  await putCallRecords(table.client, table.tableName, records);
  return (await readWholeStream(table.endpoint, table.streamArn)).filter(
    (r) => callInsertFilter(r) && ids.has(r.dynamodb?.NewImage?.callId?.S ?? ''),
  );
};

const costing = (usd: number, overrides: Partial<CallRecord> = {}): CallRecord => {
  const base = makeCallRecord(overrides);
  return { ...base, cost: { ...base.cost, totalNanoUsd: usd * 1_000_000_000 } };
};

const attributesOf = (message: { MessageAttributes?: Record<string, { Value: string }> }) =>
  Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, v]) => [name, v.Value]));

describe('alerts published to SNS (fauxqs) and read from an SQS subscription', () => {
  it('session cost: fires once when the session goes over the threshold, not again on replay or later calls', async () => {
    // Prepare
    const table = await createTestTable('alert-session');
    const deps = alertDeps(table, { sessionCostUsd: 10 });
    const first = await writeAndRead(table, [
      costing(4, { sessionId: 'abc' }),
      costing(4, { sessionId: 'abc' }),
    ]);
    await aggregateStreamBatch(deps, { Records: first });
    const quiet = await sns.receiveAll();
    const second = await writeAndRead(table, [costing(4, { sessionId: 'abc' })]);

    // Act
    await aggregateStreamBatch(deps, { Records: second });
    await aggregateStreamBatch(deps, { Records: second });
    await aggregateStreamBatch(deps, {
      Records: await writeAndRead(table, [costing(1, { sessionId: 'abc' })]),
    });

    // Assess
    const messages = await sns.receiveAll();
    expect(quiet).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Subject).toBe('Claude spend: session abc exceeded $10.00');
    expect(attributesOf(messages[0]!)).toEqual({
      rule: 'session-cost',
      scope: 'session:abc',
      value: '12',
      threshold: '10',
      window: 'total',
      severity: 'warning',
      tenant: 'tenant-1',
      user: 'user-1',
    });
    expect(payloadOf(messages[0]!.Message)).toMatchObject({
      rule: 'session-cost',
      value: 12_000_000_000,
      valueUsd: 12,
    });
    expect(messages[0]!.Message).toContain('Threshold: $10.00');
  });

  it('session cost: the total is the sum of the session hours, and no total item is stored', async () => {
    // Prepare: $4 in each of three hours, so no hour alone crosses $10 and the third call makes $12
    const table = await createTestTable('alert-session-hours');
    const deps = alertDeps(table, { sessionCostUsd: 10 });
    const at = (hour: number) => ({ sessionId: 'span', timestamp: `2026-11-29T${hour}:10:00.000Z` });
    await aggregateStreamBatch(deps, {
      Records: await writeAndRead(table, [costing(4, at(10)), costing(4, at(11))]),
    });
    const quiet = await sns.receiveAll();

    // Act
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [costing(4, at(12))]) });

    // Assess
    const messages = await sns.receiveAll();
    expect(quiet).toEqual([]);
    expect(messages.map((m) => m.Subject)).toEqual(['Claude spend: session span exceeded $10.00']);
    expect(payloadOf(messages[0]!.Message)).toMatchObject({ value: 12_000_000_000, window: 'total' });
    const hours = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'ROLLUP#hour#session#span' } },
      }),
    );
    const totals = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'ROLLUP#total#session#span' } },
      }),
    );
    expect(hours.Items?.map((item) => Number(item.costNanoUsd?.N))).toEqual([
      4_000_000_000, 4_000_000_000, 4_000_000_000,
    ]);
    expect(totals.Items).toEqual([]);
  });

  it('budgets: each step fires once per window, for the account, a named tenant and every user', async () => {
    // Prepare
    const table = await createTestTable('alert-budget');
    const deps = alertDeps(table, { budgetSteps: [50, 100] });
    const budgets: BudgetConfig[] = [
      { scope: 'account', period: 'day', usd: 10 },
      { scope: 'tenant', id: 'acme', period: 'month', usd: 8, mode: 'enforce' },
      { scope: 'user', period: 'day', usd: 12 },
    ];
    deps.budgets = async () => budgets;
    const spend = (usd: number) => costing(usd, { tenantId: 'acme', userId: 'ann', sessionId: undefined });

    // Act
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [spend(3)]) });
    const afterThree = await sns.receiveAll();
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [spend(3)]) });
    const afterSix = await sns.receiveAll();
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [spend(5)]) });
    const afterEleven = await sns.receiveAll();

    // Assess
    expect(afterThree).toEqual([]);
    expect(afterSix.map((m) => m.Subject).sort()).toEqual([
      'Claude spend: account reached 50% of its daily budget of $10.00',
      'Claude spend: tenant acme reached 50% of its monthly budget of $8.00',
      'Claude spend: user ann reached 50% of its daily budget of $12.00',
    ]);
    expect(afterEleven.map((m) => m.Subject).sort()).toEqual([
      'Claude spend: account reached 100% of its daily budget of $10.00',
      'Claude spend: tenant acme reached 100% of its monthly budget of $8.00',
    ]);
    const tenant = afterEleven.find((m) => m.Subject?.includes('tenant acme reached 100%'))!;
    expect(attributesOf(tenant)).toEqual({
      rule: 'budget',
      scope: 'tenant:acme',
      value: '11',
      threshold: '8',
      window: '2026-11',
      severity: 'critical',
      tenant: 'acme',
    });
    const user = afterSix.find((m) => m.Subject?.includes('user ann'))!;
    expect(attributesOf(user)).toMatchObject({ severity: 'info', user: 'ann', tenant: 'acme' });
  });

  it('budgets: a month is the sum of its days, no month item is stored, and days of other months do not count', async () => {
    // Prepare: $3 on the last day of October must not count towards November
    const table = await createTestTable('alert-budget-month');
    const deps = alertDeps(table, { budgetSteps: [100] });
    deps.budgets = async () => [{ scope: 'tenant', id: 'acme', period: 'month', usd: 10 }];
    const on = (usd: number, day: string) =>
      costing(usd, { tenantId: 'acme', sessionId: undefined, timestamp: `${day}T10:00:00.000Z` });
    await aggregateStreamBatch(deps, {
      Records: await writeAndRead(table, [on(3, '2026-10-31'), on(4, '2026-11-01'), on(4, '2026-11-15')]),
    });
    const quiet = await sns.receiveAll();

    // Act
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [on(3, '2026-11-29')]) });
    const november = await sns.receiveAll();
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [on(12, '2026-12-01')]) });
    const december = await sns.receiveAll();

    // Assess
    expect(quiet).toEqual([]);
    expect(november.map((m) => [attributesOf(m).window, attributesOf(m).value])).toEqual([['2026-11', '11']]);
    expect(december.map((m) => [attributesOf(m).window, attributesOf(m).value])).toEqual([['2026-12', '12']]);
    const months = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'ROLLUP#month#tenant#acme' } },
      }),
    );
    expect(months.Items).toEqual([]);
  });

  it('consecutive errors: one alert per streak for the function and for the model; a success starts a new streak', async () => {
    // Prepare
    const table = await createTestTable('alert-errors');
    const deps = alertDeps(table, { consecutiveErrors: 3 });
    const at = (minute: number) => `2026-11-29T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const error = (minute: number) =>
      makeErrorRecord({ timestamp: at(minute), functionName: 'fn-x', model: 'claude-m' });

    // Act
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [error(1), error(2)]) });
    const afterTwo = await sns.receiveAll();
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [error(3), error(4), error(5)]) });
    const afterFive = await sns.receiveAll();
    const success = makeCallRecord({ timestamp: at(6), functionName: 'fn-x', model: 'claude-m' });
    await aggregateStreamBatch(deps, {
      Records: await writeAndRead(table, [success, error(7), error(8), error(9)]),
    });
    const afterNewStreak = await sns.receiveAll();

    // Assess
    expect(afterTwo).toEqual([]);
    expect(afterFive.map((m) => m.Subject).sort()).toEqual([
      'Claude errors: 3 consecutive failed calls in function fn-x',
      'Claude errors: 3 consecutive failed calls in model claude-m',
    ]);
    expect(attributesOf(afterFive.find((m) => m.Subject?.includes('function'))!)).toEqual({
      rule: 'consecutive-errors',
      scope: 'function:fn-x',
      value: '3',
      threshold: '3',
      window: at(1),
      severity: 'critical',
      function: 'fn-x',
    });
    expect(afterNewStreak.map((m) => attributesOf(m).window)).toEqual([at(7), at(7)]);
  });

  it('unpriced model: one alert per model and day', async () => {
    // Prepare
    const table = await createTestTable('alert-unpriced');
    const deps = alertDeps(table, { unpricedModel: true });
    const unpriced = () => {
      const base = makeCallRecord({ model: 'claude-future-9' });
      return { ...base, cost: { ...base.cost, totalNanoUsd: 0, priced: false } };
    };

    // Act
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [unpriced(), unpriced()]) });
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [unpriced()]) });

    // Assess
    const messages = await sns.receiveAll();
    expect(messages.map((m) => m.Subject)).toEqual([
      'Claude pricing: calls of unpriced model claude-future-9 on 2026-11-29',
    ]);
    expect(attributesOf(messages[0]!)).toMatchObject({ rule: 'unpriced-model', value: '2', threshold: '1' });
  });

  it('two concurrent invocations crossing the same threshold publish one message', async () => {
    // Prepare
    const table = await createTestTable('alert-concurrent');
    const deps = alertDeps(table, { sessionCostUsd: 10 });
    const left = await writeAndRead(table, [costing(6, { sessionId: 'race' })]);
    const right = await writeAndRead(table, [costing(6, { sessionId: 'race' })]);

    // Act
    await Promise.all([
      aggregateStreamBatch(deps, { Records: left }),
      aggregateStreamBatch(deps, { Records: right }),
    ]);
    await Promise.all([
      aggregateStreamBatch(deps, { Records: [...left, ...right] }),
      aggregateStreamBatch(deps, { Records: [...right, ...left] }),
    ]);

    // Assess
    const messages = await sns.receiveAll();
    expect(messages.map((m) => m.Subject)).toEqual(['Claude spend: session race exceeded $10.00']);
  });

  it('a failed publish stays in the outbox and a later pass publishes it once', async () => {
    // Prepare
    const table = await createTestTable('alert-outbox');
    const broken = alertDeps(table, { sessionCostUsd: 1 }, `${sns.topicArn}-missing`);
    const records = await writeAndRead(table, [costing(2, { sessionId: 'late' })]);
    const result = await aggregateStreamBatch(broken, { Records: records });
    const outbox = () =>
      table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'OUTBOX' } },
        }),
      );
    const waiting = (await outbox()).Count;
    const beforeRetry = await sns.receiveAll();
    const healthy = alertDeps(table, { sessionCostUsd: 1 });

    // Act
    const firstPass = await publishPendingAlerts(healthy, 100);
    const secondPass = await publishPendingAlerts(healthy, 100);

    // Assess
    const messages = await sns.receiveAll();
    expect(result.batchItemFailures).toEqual([]);
    expect(result.summary.committed).toBe(1);
    expect(waiting).toBe(1);
    expect(beforeRetry).toEqual([]);
    expect(firstPass).toEqual({ published: 1, pending: 0 });
    expect(secondPass).toEqual({ published: 0, pending: 0 });
    expect(messages.map((m) => m.Subject)).toEqual(['Claude spend: session late exceeded $1.00']);
    expect((await outbox()).Count).toBe(0);
  });
});
