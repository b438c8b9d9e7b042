import Anthropic from '@anthropic-ai/sdk';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BUDGET_KEY,
  type BudgetConfig,
  type BudgetPeriod,
  type BudgetScope,
  budgetWindow,
  type CallRecord,
  KEY,
} from 'claude-monitor/domain';
import { type AnthropicStub, startAnthropicStub } from '../../infra/local/anthropic-stub';
import {
  type BudgetOptions,
  createMemorySink,
  type MemorySink,
  MonitoredAnthropic,
} from '../../layers/claude-monitor/src';
import { figuresOf, type WindowFigures } from '../../layers/claude-monitor/src/domain/budget-window';
import { stubClientOptions } from './anthropic';
import { createTestTable, type TestTable } from './dynamodb';

export interface BudgetSetup {
  table: TestTable;
  stub: AnthropicStub;
  sink: MemorySink;
  client: MonitoredAnthropic;
  /** A client on the same stub with no monitoring at all. */
  plain: Anthropic;
  /** A monitored client with other budget options on the same table, stub and sink. */
  clientWith: (options: Partial<BudgetOptions>) => MonitoredAnthropic;
  close: () => Promise<void>;
}

/**
 * A table, a stub and a monitored client enforcing `limits` there (run-time budgets off unless asked).
 * `timeoutMs` is the SDK's per-attempt timeout, which also runs while the budget check waits.
 */
export const startBudgetSetup = async (
  limits: BudgetConfig[],
  options: Partial<BudgetOptions> = {},
  timeoutMs?: number,
): Promise<BudgetSetup> => {
  const table = await createTestTable('budgets');
  const stub = await startAnthropicStub();
  const sink = createMemorySink();
  const clientOptions = {
    ...stubClientOptions(stub),
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  };
  const clientWith = (extra: Partial<BudgetOptions>) =>
    new MonitoredAnthropic({
      ...clientOptions,
      monitor: {
        sink,
        budgets: {
          limits,
          tableName: table.tableName,
          client: table.client,
          runtimeRefreshSeconds: 0,
          ...options,
          ...extra,
        },
      },
    });
  return {
    table,
    stub,
    sink,
    client: clientWith({}),
    plain: new Anthropic(clientOptions),
    clientWith,
    close: () => stub.close(),
  };
};

/** The counter of a budget's window now (strongly consistent), with its raw item. */
export const readWindow = async (
  table: TestTable,
  scope: BudgetScope,
  value: string,
  period: BudgetPeriod,
  at = new Date(),
): Promise<WindowFigures & { item: Record<string, unknown> | undefined }> => {
  const result = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: {
        [KEY.partition]: { S: BUDGET_KEY.windowPk(scope, value) },
        [KEY.sort]: { S: BUDGET_KEY.windowSk(period, budgetWindow(period, at).bucket) },
      },
      ConsistentRead: true,
    }),
  );
  const item = result.Item ? unmarshall(result.Item) : undefined;
  return { ...figuresOf(item), item };
};

/** Sum of the exact costs of records, nano-dollars. */
export const costOf = (records: readonly CallRecord[]): number =>
  records.reduce((sum, record) => sum + record.cost.totalNanoUsd, 0);
