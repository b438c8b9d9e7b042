import type { CallRecord } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../../functions/api/app';
import { forecastMonthEnd } from '../../../functions/shared/forecast';
import { createTestTable } from '../../helpers/dynamodb';
import { generateCalls, seedThroughPipeline } from '../../helpers/seed';
import { authorizedGet, createTestApp, NOW } from './app-under-test';
import type { Json } from './expectations';

const TOKEN = 'trends-test-token';
const DAY = 86_400_000;

let records: CallRecord[];
let app: ReturnType<typeof createApp>;
const get = authorizedGet(() => app, TOKEN);

/** Spend per UTC day of the records, worked out directly. */
const dailySpend = (rows: readonly CallRecord[]) => {
  const days = new Map<string, number>();
  for (const r of rows)
    days.set(r.timestamp.slice(0, 10), (days.get(r.timestamp.slice(0, 10)) ?? 0) + r.cost.totalNanoUsd);
  return days;
};
const spendBetween = (days: Map<string, number>, from: string, to: string) =>
  [...days].filter(([day]) => day >= from && day <= to).reduce((a, [, nano]) => a + nano, 0);

beforeAll(async () => {
  const table = await createTestTable('api-trends');
  records = generateCalls({ count: 600, startMs: NOW.getTime() - 70 * DAY, endMs: NOW.getTime(), seed: 31 });
  await seedThroughPipeline(table, records);
  app = createTestApp(table, TOKEN);
}, 300_000);

describe('GET /api/monitoring/trends', () => {
  it.each([
    ['account', '', (_r: CallRecord) => true],
    ['tenant:tenant-a', '&tenant=tenant-a', (r: CallRecord) => r.tenantId === 'tenant-a'],
  ])('%s: the daily series, changes and forecast equal the raw records', async (scope, query, keep) => {
    // Prepare
    const days = dailySpend(records.filter(keep));
    const today = NOW.toISOString().slice(0, 10);

    // Act
    const { status, body } = await get(`/api/monitoring/trends?days=60${query}`);

    // Assess
    expect(status).toBe(200);
    expect(body.scope).toBe(scope);
    expect(body.series).toHaveLength(60);
    expect(body.series.at(-1).day).toBe(today);
    for (const point of body.series as Json[]) {
      const raw = records.filter(keep).filter((r) => r.timestamp.startsWith(point.day));
      expect(point, point.day).toMatchObject({
        calls: raw.length,
        errors: raw.filter((r) => r.status === 'error').length,
        cost_nano_usd: raw.reduce((a, r) => a + r.cost.totalNanoUsd, 0),
      });
    }
    // Week: Nov 22–28 against Nov 15–21; month: Nov 1–28 against Oct 1–28.
    expect(body.week_over_week).toMatchObject({
      current_nano_usd: spendBetween(days, '2026-11-22', '2026-11-28'),
      previous_nano_usd: spendBetween(days, '2026-11-15', '2026-11-21'),
    });
    expect(body.month_over_month).toMatchObject({
      current_nano_usd: spendBetween(days, '2026-11-01', '2026-11-28'),
      previous_nano_usd: spendBetween(days, '2026-10-01', '2026-10-28'),
    });
    const expected = forecastMonthEnd(
      [...days].map(([day, nanoUsd]) => ({ day, nanoUsd })),
      today,
    );
    expect(body.forecast).toMatchObject({
      month: '2026-11',
      month_to_date_nano_usd: spendBetween(days, '2026-11-01', today),
      projected_nano_usd: expected.projected_nano_usd,
      history_days: 28,
    });
    expect(body.forecast.method).toContain('weekday');
  });

  it.each([
    ['days=0', 'days'],
    ['days=91', 'days'],
    ['tenant=', 'tenant'],
  ])('rejects %s with a 400 naming %s', async (query, parameter) => {
    // Act
    const { status, body } = await get(`/api/monitoring/trends?${query}`);

    // Assess
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
  });
});
