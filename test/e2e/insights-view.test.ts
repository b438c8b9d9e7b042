import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, serveApi } from '../../functions/api/local-server';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { createTestTable } from '../helpers/dynamodb';
import { generateCalls, seedThroughPipeline } from '../helpers/seed';
import { NOW } from '../integration/api/app-under-test';
import type { Json } from '../integration/api/expectations';

const TOKEN = 'insights-e2e-token';
const DAY = 86_400_000;
const PAGE = '/dashboard/claude-monitoring/';

let api: LocalApi;
let browser: TestBrowser;
let page: Page;

const apiGet = async (path: string) => {
  const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as Record<string, Json>;
};

/** Text of every cell of a table body, row by row. */
const tableText = (p: Page, id: string): Promise<string[][]> =>
  p.evaluate(
    (bodyId) =>
      [...((document.getElementById(bodyId) as HTMLTableSectionElement | null)?.rows ?? [])].map((row) =>
        [...row.cells].map((c) => c.textContent ?? ''),
      ),
    id,
  );

beforeAll(async () => {
  const table = await createTestTable('e2e-insights');
  await seedThroughPipeline(
    table,
    generateCalls({ count: 700, startMs: NOW.getTime() - 40 * DAY, endMs: NOW.getTime(), seed: 41 }),
  );
  api = await serveApi({
    port: 0,
    token: TOKEN,
    deps: { client: table.client, tableName: table.tableName, now: () => NOW },
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${api.url}${PAGE}?token=${TOKEN}`);
  await page.waitForSelector('#insights[data-loaded="true"]');
  await page.waitForSelector('#compare[data-state="ready"]');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('insights views in Chromium', () => {
  it('shows the 90-day spend trend and the forecast the trends API gives', async () => {
    // Prepare
    const trend = await apiGet('/api/monitoring/trends?days=90');

    // Act
    const chart = await page.evaluate(() => {
      const c = (window as Json).Chart.getChart('chart-trend');
      return { labels: c.data.labels as string[], data: c.data.datasets[0].data as number[] };
    });

    // Assess
    expect(chart.labels).toHaveLength(90);
    expect(chart.data).toEqual(trend.series.map((p: Json) => p.cost_usd));
    expect(await page.textContent('#forecast')).toContain(`in ${trend.forecast.month}; projected $`);
    expect(await page.textContent('#forecast-method')).toContain('weekday');
  });

  it('lists the top tenants by cost and drills down to their calls by keyboard', async () => {
    // Prepare
    const costs = await apiGet('/api/monitoring/costs?days=7&group_by=tenant');
    const top = costs.items[0].key as string;
    const calls = await apiGet(`/api/monitoring/calls?hours=168&limit=20&tenant=${top}`);

    // Act
    const rows = await tableText(page, 'top-rows');
    await page.focus('#top-rows button');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (n) => (document.getElementById('drill-calls') as HTMLTableSectionElement | null)?.rows.length === n,
      calls.calls.length,
    );
    const drilled = await tableText(page, 'drill-calls');

    // Assess
    expect(rows.map((r) => r[0])).toEqual(costs.items.slice(0, 10).map((i: Json) => i.key));
    expect(rows.map((r) => r[2])).toEqual(
      costs.items.slice(0, 10).map((i: Json) => new Intl.NumberFormat('en-US').format(i.calls)),
    );
    expect(drilled.map((r) => r[1])).toEqual(calls.calls.map((c: Json) => c.model));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('drill');
  });

  it('compares the most used models with the figures of the compare API', async () => {
    // Prepare
    const models = (await apiGet('/api/monitoring/models?hours=24')).models
      .slice(0, 4)
      .map((m: Json) => m.model);
    const compared = await apiGet(`/api/monitoring/compare?hours=24&models=${models.join(',')}`);

    // Act
    const rows = await tableText(page, 'compare-rows');
    await mkdir('docs', { recursive: true });
    await page.screenshot({ path: 'docs/insights-dashboard.png', fullPage: true });

    // Assess
    expect(rows.map((r) => r[0])).toEqual(models);
    expect(rows.map((r) => r[1])).toEqual(
      compared.groups.map((g: Json) => new Intl.NumberFormat('en-US').format(g.calls)),
    );
    expect(rows[0]![7]).toBe('baseline');
    expect(rows.slice(1).every((r) => /significant/.test(r[7]!))).toBe(true);
  });
});
