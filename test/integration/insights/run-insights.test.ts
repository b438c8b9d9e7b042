import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CallRecord } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { payloadOf } from '../../../functions/aggregator/alerts/message';
import { runInsights } from '../../../functions/insights/run-insights';
import { readAlertLogItems } from '../../helpers/alert-log';
import { makeCallRecord } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { seedThroughPipeline } from '../../helpers/seed';
import { testDeps } from '../aggregator/harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Sunday; the hour judged is 09:00, its baseline 09:00 on the six Sundays before. */
const NOW = Date.parse('2026-11-29T10:30:00.000Z');
const JUDGED = Date.parse('2026-11-29T09:00:00.000Z');

let table: TestTable;

const calls = (count: number, atMs: number, overrides: Partial<CallRecord>, prefix: string) =>
  Array.from({ length: count }, (_, i) =>
    makeCallRecord({
      callId: `${prefix}-${i}`,
      timestamp: new Date(atMs + i * 60_000).toISOString(),
      sessionId: `${prefix}-${i}`,
      ...overrides,
    }),
  );

const dearer = (nano: number): Partial<CallRecord> => ({
  cost: { ...makeCallRecord().cost, outputNanoUsd: nano - 3_000_000, totalNanoUsd: nano },
});

const outbox = async () => {
  const result = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'OUTBOX' } },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).map((item) => unmarshall(item));
};

const deps = () =>
  testDeps(
    table,
    { sessionCostUsd: 0, consecutiveErrors: 0, unpricedModel: false },
    {
      now: () => NOW,
      budgets: async () => [
        { scope: 'account', period: 'month', usd: 1_000 },
        { scope: 'tenant', id: 'tenant-f', period: 'month', usd: 29.5 },
      ],
    },
  );

beforeAll(async () => {
  table = await createTestTable('insights-run');
  const records = [
    // Six ordinary Sundays at 09:00: 40 calls at $0.006.
    ...[1, 2, 3, 4, 5, 6].flatMap((week) => calls(40, JUDGED - week * 7 * DAY, {}, `base-${week}`)),
    // This Sunday at 09:00, ten times the spend.
    ...calls(40, JUDGED, dearer(60_000_000), 'spike'),
    // A quiet tenant, three calls at $5 in the same hour: below the minimum volume.
    ...calls(
      3,
      JUDGED + 50 * 60_000,
      { ...dearer(5_000_000_000), tenantId: 'tenant-q', functionName: 'fn-quiet' },
      'quiet',
    ),
    // A tenant spending $1 every day at 12:00 since Nov 1 and $1 today at 08:00: $29 so far, $30 projected.
    ...Array.from({ length: 28 }, (_, d) =>
      calls(
        1,
        Date.parse('2026-11-01T12:00:00.000Z') + d * DAY,
        { ...dearer(1_000_000_000), tenantId: 'tenant-f', functionName: 'fn-f' },
        `f-${d}`,
      ),
    ).flat(),
    ...calls(
      1,
      JUDGED - HOUR,
      { ...dearer(1_000_000_000), tenantId: 'tenant-f', functionName: 'fn-f' },
      'f-today',
    ),
  ];
  await seedThroughPipeline(table, records);
}, 300_000);

describe('runInsights', () => {
  it('fires the spend anomaly of the account, tenant and function, and the tenant forecast, once each', async () => {
    // Act
    const first = await runInsights(deps());
    const second = await runInsights(deps());

    // Assess
    expect(first).toEqual({ hour: '2026-11-29T09', anomalies: 3, forecasts: 1, fired: 4 });
    expect(second).toMatchObject({ anomalies: 3, forecasts: 1, fired: 0 });
    const entries = (await outbox()).filter((e) =>
      ['anomaly', 'forecast-budget'].includes(e.attributes.rule),
    );
    expect(entries).toHaveLength(4);
    const scopes = entries.map((e) => `${e.attributes.rule} ${e.attributes.scope}`).sort();
    expect(scopes).toEqual([
      'anomaly account',
      'anomaly function:fn-chat',
      'anomaly tenant:tenant-1',
      'forecast-budget tenant:tenant-f',
    ]);
  });

  it('says what is unusual against what baseline, with severity and routing attributes', async () => {
    // Act
    const entries = await outbox();

    // Assess
    const tenant = entries.find(
      (e) => e.attributes.rule === 'anomaly' && e.attributes.scope === 'tenant:tenant-1',
    )!;
    expect(tenant.attributes).toMatchObject({
      severity: 'warning',
      tenant: 'tenant-1',
      window: '2026-11-29T09',
    });
    expect(tenant.body).toContain(
      '$2.40, against a median of $0.24 in the same hour of the previous 6 weeks',
    );
    expect(payloadOf(tenant.body)).toMatchObject({
      rule: 'anomaly',
      step: 'spend',
      value: 2_400_000_000,
      threshold: 240_000_000,
      anomaly: { metric: 'spend', baselineMedian: 240_000_000, baselineHours: 6 },
    });
    const forecast = entries.find((e) => e.attributes.rule === 'forecast-budget')!;
    expect(payloadOf(forecast.body)).toMatchObject({
      scope: 'tenant:tenant-f',
      window: '2026-11',
      value: 30_000_000_000,
      threshold: 29_500_000_000,
      forecast: { monthToDateUsd: 29 },
    });
    expect(forecast.attributes).toMatchObject({ tenant: 'tenant-f', severity: 'warning' });
  });

  it('logs each anomaly and forecast it fired once, for the alerts route, whatever the reruns', async () => {
    // Act
    await runInsights(deps());
    const logged = await readAlertLogItems(table, ['2026-11']);

    // Assess
    expect(logged.map((e) => `${e.rule} ${e.scope} ${e.window}`).sort()).toEqual([
      'anomaly account 2026-11-29T09',
      'anomaly function:fn-chat 2026-11-29T09',
      'anomaly tenant:tenant-1 2026-11-29T09',
      'forecast-budget tenant:tenant-f 2026-11',
    ]);
    expect(logged.every((e) => e.firedAt === new Date(NOW).toISOString())).toBe(true);
  });
});
