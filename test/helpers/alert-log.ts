import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { alertLogPk } from 'claude-monitor/domain';
import type { Alert } from '../../functions/aggregator/alerts/alert';
import type { TestTable } from './dynamodb';

/** Every alert log item of the months given (`YYYY-MM`), as stored, oldest first. */
export const readAlertLogItems = async (
  table: TestTable,
  months: readonly string[],
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (const month of months) {
    const result = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: alertLogPk(month) } },
        ConsistentRead: true,
      }),
    );
    items.push(...(result.Items ?? []).map((item) => unmarshall(item)));
  }
  return items;
};

/** The months an alert fired a moment ago is logged under (two when the month just turned). */
export const firingMonths = (): string[] => [
  ...new Set([Date.now() - 60_000, Date.now()].map((ms) => new Date(ms).toISOString().slice(0, 7))),
];

/** One alert of every rule, with the details each rule's message needs. */
export const alertOfEveryRule = (time: string): Alert[] => {
  const budget = { period: 'day' as const, percent: 100, amountNanoUsd: 5_000_000_000 };
  return [
    {
      rule: 'session-cost',
      scope: 'session:s1',
      window: 'total',
      step: '10',
      value: 12e9,
      threshold: 10e9,
      unit: 'nanoUsd',
      time,
      context: { tenantId: 't1', userId: 'u1' },
    },
    {
      rule: 'consecutive-errors',
      scope: 'function:fn-a',
      window: time,
      step: '5',
      value: 5,
      threshold: 5,
      unit: 'count',
      time,
    },
    {
      rule: 'budget',
      scope: 'account',
      window: time.slice(0, 10),
      step: '100',
      value: 5e9,
      threshold: 5e9,
      unit: 'nanoUsd',
      time,
      budget,
    },
    {
      rule: 'budget-refused',
      scope: 'tenant:t1',
      window: time.slice(0, 10),
      step: 'refusing',
      value: 5e9,
      threshold: 5e9,
      unit: 'nanoUsd',
      time,
      budget,
    },
    {
      rule: 'unpriced-model',
      scope: 'model:claude-future-9',
      window: time.slice(0, 10),
      step: '1',
      value: 2,
      threshold: 1,
      unit: 'count',
      time,
    },
    {
      rule: 'reconciliation-difference',
      scope: 'anthropic',
      window: time.slice(0, 10),
      step: 'difference',
      value: 2e9,
      threshold: 1e9,
      unit: 'nanoUsd',
      time,
    },
    {
      rule: 'unmonitored-spend',
      scope: 'api_key:k1',
      window: time.slice(0, 10),
      step: 'unmonitored',
      value: 3e9,
      threshold: 0,
      unit: 'nanoUsd',
      time,
    },
    {
      rule: 'anomaly',
      scope: 'function:fn-a',
      window: time.slice(0, 13),
      step: 'spend',
      value: 9e9,
      threshold: 1e9,
      unit: 'nanoUsd',
      time,
      anomaly: { metric: 'spend', baselineMedian: 1e9, baselineScale: 0.25e9, baselineHours: 6, score: 32 },
    },
    {
      rule: 'forecast-budget',
      scope: 'account',
      window: time.slice(0, 7),
      step: 'projected',
      value: 120e9,
      threshold: 100e9,
      unit: 'nanoUsd',
      time,
      forecast: { monthToDateNanoUsd: 40e9, method: 'weekday means' },
    },
  ];
};
