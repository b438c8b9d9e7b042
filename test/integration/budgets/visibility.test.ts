import type { BudgetConfig } from 'claude-monitor/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { createApp } from '../../../functions/api/app';
import { staticTokenSource } from '../../../functions/api/token-source';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import {
  BudgetExceededError,
  createDynamoSink,
  flush,
  MonitoredAnthropic,
  setLogWriter,
  withAttribution,
} from '../../../layers/claude-monitor/src';
import { stubClientOptions, USER_MESSAGE } from '../../helpers/anthropic';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { testDeps } from '../aggregator/harness';
import type { Json } from '../api/expectations';

const TOKEN = 'visibility-token';
const BUDGETS: BudgetConfig[] = [
  { scope: 'tenant', id: 'spent-co', period: 'day', usd: 0.000001, mode: 'enforce' },
  { scope: 'tenant', id: 'roomy-co', period: 'day', usd: 5, mode: 'enforce' },
];

let table: TestTable;
let stub: AnthropicStub;
let app: ReturnType<typeof createApp>;
const logLines: string[] = [];
let restoreLog: ReturnType<typeof setLogWriter>;

const clientFor = (budgets: { limits: BudgetConfig[]; runtimeRefreshSeconds: number }) =>
  new MonitoredAnthropic({
    ...stubClientOptions(stub),
    monitor: {
      sink: createDynamoSink({ tableName: table.tableName, client: table.client }),
      budgets: { ...budgets, tableName: table.tableName, client: table.client, timeoutMs: 10_000 },
    },
  });

const api = async (method: string, path: string, body?: unknown) => {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'x-changed-by': 'ops', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.headers.get('content-type')?.includes('json')
    ? ((await response.json()) as Record<string, Json>)
    : { text: await response.text() };
};

beforeAll(async () => {
  table = await createTestTable('budget-visibility');
  stub = await startAnthropicStub();
  app = createApp({
    client: table.client,
    tableName: table.tableName,
    token: staticTokenSource(TOKEN),
    budgets: BUDGETS,
  });
  restoreLog = setLogWriter((line) => logLines.push(line));
});
afterAll(async () => {
  setLogWriter(restoreLog);
  await stub.close();
});

describe('refused calls are visible', () => {
  it('in the rollups (summary), the metrics, the JSON and CSV export, and the budget list', async () => {
    // Prepare
    const client = clientFor({ limits: BUDGETS, runtimeRefreshSeconds: 0 });

    // Act
    const refused = await client.messages
      .create(USER_MESSAGE, withAttribution({ tenantId: 'spent-co' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await client.messages.create(USER_MESSAGE, withAttribution({ tenantId: 'roomy-co' }));
    await flush();
    const deps = testDeps(table);
    deps.budgets = async () => BUDGETS;
    await aggregateStreamBatch(deps, { Records: await readWholeStream(table.endpoint, table.streamArn) });
    const summary = await api('GET', '/api/monitoring/summary?hours=1');
    const exported = await api('GET', '/api/monitoring/export?hours=1');
    const csv = (await api('GET', '/api/monitoring/export?hours=1&format=csv')).text as string;
    const budgets = (await api('GET', '/api/monitoring/budgets')).budgets as Record<string, Json>[];

    // Assess
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(summary).toMatchObject({ total_calls: 2, failed_calls: 1, errors_by_class: { budget: 1 } });
    const calls = exported.calls as Record<string, Json>[];
    expect(calls.find((call) => call.tenantId === 'spent-co')).toMatchObject({
      errorType: 'budget_exceeded',
      budget: { outcome: 'refused', limit: { value: 'spent-co' } },
    });
    const [header, ...rows] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    // The last column, so that quoted commas earlier in the row (error messages) do not matter.
    expect(header!.split(',').at(-1)).toBe('budget_outcome');
    expect(rows.map((row) => row.slice(row.lastIndexOf(',') + 1)).sort()).toEqual(['allowed', 'refused']);
    // The aggregator counts the calls in CloudWatch once it has counted them in the rollups.
    const metrics = deps.metricLines.map((line) => JSON.parse(line));
    expect(logLines.filter((line) => line.includes('"CloudWatchMetrics"'))).toEqual([]);
    expect(metrics.reduce((sum, doc) => sum + (doc.BudgetRefusals ?? 0), 0)).toBe(1);
    expect(budgets.find((budget) => budget.id === 'spent-co')).toMatchObject({
      refused_calls: 1,
      status: 'refusing',
    });
  });

  it('a budget set at run time through the API is enforced by clients, and deleting it lifts it', async () => {
    // Prepare
    const budget = { scope: 'tenant', id: 'late-co', period: 'day', usd: 0.000001, mode: 'enforce' };

    // Act
    await api('PUT', '/api/monitoring/budgets', budget);
    const whileSet = await clientFor({ limits: [], runtimeRefreshSeconds: 60 })
      .messages.create(USER_MESSAGE, withAttribution({ tenantId: 'late-co' }))
      .then(
        () => 'sent',
        (error: unknown) => (error instanceof BudgetExceededError ? 'refused' : String(error)),
      );
    await api('DELETE', '/api/monitoring/budgets?scope=tenant&id=late-co&period=day');
    const afterDelete = await clientFor({ limits: [], runtimeRefreshSeconds: 60 })
      .messages.create(USER_MESSAGE, withAttribution({ tenantId: 'late-co' }))
      .then(
        () => 'sent',
        (error: unknown) => (error instanceof BudgetExceededError ? 'refused' : String(error)),
      );

    // Assess
    expect([whileSet, afterDelete]).toEqual(['refused', 'sent']);
  });
});
