import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBRecord } from 'aws-lambda';
import { type BudgetConfig, type CallRecord, windowRefOf } from 'claude-monitor/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { payloadOf } from '../../../functions/aggregator/alerts/message';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { BudgetStore } from '../../../layers/claude-monitor/src/budget/budget-store';
import { firingMonths, readAlertLogItems } from '../../helpers/alert-log';
import { readWindow } from '../../helpers/budgets';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { type SnsEmulator, startSnsEmulator } from '../../helpers/sns';
import { readWholeStream } from '../../helpers/stream';
import { testDeps } from './harness';

const DAY = '2026-11-29';
const BUDGETS: BudgetConfig[] = [{ scope: 'tenant', id: 'acme', period: 'day', usd: 1, mode: 'enforce' }];

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

const budgetDeps = (table: TestTable) => {
  const deps = testDeps(
    table,
    { sessionCostUsd: 0, consecutiveErrors: 0, unpricedModel: false, budgetSteps: [1000] },
    { sns: snsClient, alertTopicArn: sns.topicArn },
  );
  deps.budgets = async () => BUDGETS;
  return deps;
};

const writeAndRead = async (table: TestTable, records: CallRecord[]): Promise<DynamoDBRecord[]> => {
  const ids = new Set(records.map((r) => r.callId));
  await putCallRecords(table.client, table.tableName, records);
  return (await readWholeStream(table.endpoint, table.streamArn)).filter(
    (r) => callInsertFilter(r) && ids.has(r.dynamodb?.NewImage?.callId?.S ?? ''),
  );
};

const costing = (nano: number, overrides: Partial<CallRecord> = {}): CallRecord => {
  const base = makeCallRecord({ tenantId: 'acme', ...overrides });
  return { ...base, cost: { ...base.cost, totalNanoUsd: nano } };
};

const refusal = (spent: number): CallRecord =>
  costing(0, {
    status: 'error',
    errorType: 'budget_exceeded',
    budget: {
      outcome: 'refused',
      reservedNanoUsd: 0,
      limits: ['tenant:acme/day'],
      limit: {
        scope: 'tenant',
        value: 'acme',
        period: 'day',
        window: DAY,
        limitNanoUsd: 1_000_000_000,
        spentNanoUsd: spent,
        reservedNanoUsd: 0,
        resetsAt: '2026-11-30T00:00:00.000Z',
      },
    },
  });

describe('the aggregator and enforced budgets', () => {
  it('alerts once when a limit starts refusing, however many refusals and batches follow', async () => {
    // Prepare
    const table = await createTestTable('budget-refused');
    const deps = budgetDeps(table);

    // Act
    await aggregateStreamBatch(deps, {
      Records: await writeAndRead(table, [refusal(990_000_000), refusal(990_000_000)]),
    });
    const first = await sns.receiveAll();
    await aggregateStreamBatch(deps, { Records: await writeAndRead(table, [refusal(995_000_000)]) });
    const later = await sns.receiveAll();

    // Assess
    expect(first.map((m) => m.Subject)).toEqual([
      'Claude budget: tenant acme is refusing calls, its daily budget of $1.00 is used up',
    ]);
    expect(payloadOf(first[0]!.Message!)).toMatchObject({
      rule: 'budget-refused',
      scope: 'tenant:acme',
      window: DAY,
      step: 'refusing',
      severity: 'critical',
      valueUsd: 0.99,
      thresholdUsd: 1,
    });
    expect(later).toEqual([]);
    const logged = await readAlertLogItems(table, firingMonths());
    expect(logged.map((e) => `${e.rule} ${e.scope} ${e.severity}`)).toEqual([
      'budget-refused tenant:acme critical',
    ]);
  });

  it('adds to an enforced window the exact cost no client settled there, once, and never a settled one', async () => {
    // Prepare: one call settled by an enforcing client, one from a process that does not enforce, and one
    // whose settlement could not be written.
    const table = await createTestTable('budget-reconcile');
    const deps = budgetDeps(table);
    const settled = costing(300_000_000, {
      budget: { outcome: 'allowed', reservedNanoUsd: 400_000_000, limits: ['tenant:acme/day'] },
    });
    const unenforced = costing(120_000_000);
    const lost = costing(80_000_000, {
      budget: {
        outcome: 'allowed',
        reservedNanoUsd: 90_000_000,
        limits: ['tenant:acme/day'],
        settled: false,
      },
    });
    const at = new Date(`${DAY}T12:00:00.000Z`);
    // What the enforcing client wrote: its settlement (the other two never reached the window).
    const store = new BudgetStore({
      tableName: table.tableName,
      client: table.client,
      requestTimeoutMs: 5_000,
      env: {},
    });
    await store.addSpend(windowRefOf({ budget: BUDGETS[0]!, value: 'acme' }, at.getTime()), 300_000_000);

    // Act
    const records = await writeAndRead(table, [settled, unenforced, lost]);
    await aggregateStreamBatch(deps, { Records: records });
    const once = await readWindow(table, 'tenant', 'acme', 'day', at);
    await aggregateStreamBatch(deps, { Records: records });
    const replayed = await readWindow(table, 'tenant', 'acme', 'day', at);

    // Assess
    expect(once).toMatchObject({ settled: 300_000_000, unsettled: 200_000_000, committed: 500_000_000 });
    expect(replayed).toMatchObject({ settled: 300_000_000, unsettled: 200_000_000, committed: 500_000_000 });
  });
});
