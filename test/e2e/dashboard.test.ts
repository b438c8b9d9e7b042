import { mkdir, readFile } from 'node:fs/promises';
import type { CallRecord } from 'claude-monitor/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, serveApi } from '../../functions/api/local-server';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { generateCalls, SEED_MODELS, seedThroughPipeline } from '../helpers/seed';
import { NOW } from '../integration/api/app-under-test';
import type { Json } from '../integration/api/expectations';

const TOKEN = 'dashboard-e2e-token';
const DAY = 86_400_000;
const PAGE = '/dashboard/claude-monitoring/';

let table: TestTable;
let api: LocalApi;
let browser: TestBrowser;
let page: Page;
const outside: string[] = [];

const apiGet = async (path: string) => {
  const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as Record<string, Json>;
};

interface ChartView {
  type: string;
  labels: string[];
  datasets: { label: string; data: number[] }[];
}

/** What the three charts show, read from the Chart.js instances on the page. */
const readCharts = (p: Page): Promise<Record<string, ChartView>> =>
  p.evaluate(() =>
    Object.fromEntries(
      ['chart-calls-by-model', 'chart-cost', 'chart-tokens'].map((id) => {
        const chart = (window as Json).Chart.getChart(id);
        return [
          id,
          {
            type: chart.config.type as string,
            labels: chart.data.labels as string[],
            datasets: chart.data.datasets.map((d: Json) => ({
              label: d.label as string,
              data: d.data as number[],
            })),
          },
        ];
      }),
    ),
  );

const waitForCalls = async (p: Page, calls: number) => {
  await p.waitForFunction(
    (expected) => document.getElementById('total-calls')?.textContent === expected,
    new Intl.NumberFormat('en-US').format(calls),
  );
};

beforeAll(async () => {
  table = await createTestTable('e2e-dashboard');
  const records: CallRecord[] = generateCalls({
    count: 700,
    startMs: NOW.getTime() - 8 * DAY,
    endMs: NOW.getTime(),
    seed: 21,
  });
  await seedThroughPipeline(table, records);
  api = await serveApi({
    port: 0,
    token: TOKEN,
    deps: { client: table.client, tableName: table.tableName, now: () => NOW },
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(api.url) && !url.startsWith('blob:') && !url.startsWith('data:')) outside.push(url);
  });
  await page.goto(`${api.url}${PAGE}?token=${TOKEN}`);
  await page.waitForSelector('body[data-state="ready"]');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('dashboard in Chromium', () => {
  it('signs in through ?token=, drops it from the address and keeps it in an HttpOnly cookie', async () => {
    // Act
    const cookies = await browser.context.cookies(api.url);

    // Assess
    expect(page.url()).toBe(`${api.url}${PAGE}`);
    expect(cookies.find((c) => c.name === 'cm_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('shows the 24-hour totals and the three charts with the right series', async () => {
    // Prepare
    const summary = await apiGet('/api/monitoring/summary?hours=24');
    const series = await apiGet('/api/monitoring/timeseries?hours=24');

    // Act
    await waitForCalls(page, summary.total_calls);
    const charts = await readCharts(page);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });

    // Assess
    const byModel = summary.by_model as {
      model: string;
      calls: number;
      input_tokens: number;
      output_tokens: number;
    }[];
    expect(charts['chart-calls-by-model']).toMatchObject({
      type: 'doughnut',
      labels: byModel.map((m) => m.model),
    });
    expect(charts['chart-calls-by-model']!.datasets[0]!.data).toEqual(byModel.map((m) => m.calls));
    expect(charts['chart-cost']!.type).toBe('line');
    expect(charts['chart-cost']!.labels).toHaveLength(24);
    expect(charts['chart-cost']!.datasets.map((d) => d.label)).toEqual(
      series.series.map((s: Json) => s.model),
    );
    expect(charts['chart-cost']!.datasets[0]!.data).toEqual(
      series.series[0].points.map((p: Json) => p.cost_usd),
    );
    expect(charts['chart-tokens']!.type).toBe('bar');
    expect(charts['chart-tokens']!.labels).toEqual(byModel.map((m) => m.model));
    expect(charts['chart-tokens']!.datasets.find((d) => d.label === 'Input')!.data).toEqual(
      byModel.map((m) => m.input_tokens),
    );
    expect(await page.textContent('#success-rate')).toBe(`${summary.success_rate}%`);
    expect(outside).toEqual([]);
  });

  it('downloads a CSV and a JSON export whose totals match the summary', async () => {
    // Prepare
    const summary = await apiGet('/api/monitoring/summary?hours=24');

    // Act
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
    const csv = (await readFile((await csvDownload.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { calls: CallRecord[] };

    // Assess
    const [header, ...rows] = csv.trim().split('\r\n');
    const costColumn = header!.split(',').indexOf('cost_nano_usd');
    const csvCost = rows.reduce((sum, row) => sum + Number(row.split(',')[costColumn]), 0);
    expect(rows).toHaveLength(summary.total_calls);
    expect(csvCost).toBe(summary.total_cost_nano_usd);
    expect(json.calls).toHaveLength(summary.total_calls);
    expect(json.calls.reduce((sum, c) => sum + c.cost.totalNanoUsd, 0)).toBe(summary.total_cost_nano_usd);
  });

  it('follows the time range', async () => {
    // Prepare
    const week = await apiGet('/api/monitoring/summary?hours=168');

    // Act
    await page.selectOption('#range', '168');
    await waitForCalls(page, week.total_calls);
    const charts = await readCharts(page);

    // Assess
    expect(charts['chart-cost']!.labels).toHaveLength(8);
    expect(charts['chart-calls-by-model']!.datasets[0]!.data.reduce((a, b) => a + b, 0)).toBe(
      week.total_calls,
    );
  });

  it('shows the custom hours field only for a custom range, and follows it', async () => {
    // Prepare
    const threeDays = await apiGet('/api/monitoring/summary?hours=72');
    const hiddenBefore = await page.isHidden('#custom-hours');

    // Act
    await page.selectOption('#range', 'custom');
    await page.fill('#custom-hours', '72');
    await page.dispatchEvent('#custom-hours', 'change');
    await waitForCalls(page, threeDays.total_calls);
    const shownDuring = await page.isVisible('#custom-hours');
    await page.selectOption('#range', '168');
    const hiddenAfter = await page.isHidden('#custom-hours');

    // Assess
    expect([hiddenBefore, shownDuring, hiddenAfter]).toEqual([true, true, true]);
    expect(threeDays.total_calls).toBeGreaterThan(0);
  });

  it('follows the model filter', async () => {
    // Prepare
    const model = SEED_MODELS[2];
    const filtered = await apiGet(`/api/monitoring/summary?hours=168&model=${model}`);

    // Act
    await page.selectOption('#model', model);
    await waitForCalls(page, filtered.total_calls);
    const charts = await readCharts(page);

    // Assess
    expect(charts['chart-calls-by-model']!.labels).toEqual([model]);
    expect(charts['chart-cost']!.datasets.map((d) => d.label)).toEqual([model]);
    expect(charts['chart-tokens']!.labels).toEqual([model]);
  });

  it('refreshes by itself every 30 seconds', async () => {
    // Prepare: the page's clock is driven by the test, so no real time passes.
    const view = await browser.context.newPage();
    await view.clock.install();
    let summaries = 0;
    view.on('request', (request) => {
      if (request.url().includes('/api/monitoring/summary')) summaries++;
    });
    await view.goto(`${api.url}${PAGE}`);
    await view.waitForSelector('body[data-state="ready"]');
    const before = summaries;

    // Act
    await view.clock.runFor(30_000);
    await view.waitForFunction(() => !document.getElementById('content')?.classList.contains('loading'));
    await view.waitForSelector('body[data-state="ready"]');

    // Assess
    expect(summaries).toBe(before + 1);
    await view.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    // Prepare
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });

    // Act
    await phone.goto(`${api.url}${PAGE}`);
    await phone.waitForSelector('body[data-state="ready"]');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

    // Assess
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });

  it('shows a readable empty state and a readable error state', async () => {
    // Prepare
    const empty = await createTestTable('e2e-empty');
    const emptyApi = await serveApi({
      port: 0,
      token: TOKEN,
      deps: { client: empty.client, tableName: empty.tableName, now: () => NOW },
    });
    const brokenApi = await serveApi({
      port: 0,
      token: TOKEN,
      deps: { client: empty.client, tableName: 'no-such-table', logger: { error: () => {} } },
    });
    const view = await browser.context.newPage();

    // Act
    await view.goto(`${emptyApi.url}${PAGE}?token=${TOKEN}`);
    await view.waitForSelector('body[data-state="empty"]');
    const emptyVisible = await view.isVisible('#empty');
    await view.goto(`${brokenApi.url}${PAGE}?token=${TOKEN}`);
    await view.waitForSelector('body[data-state="error"]');
    const errorText = await view.textContent('#error');

    // Assess
    expect(emptyVisible).toBe(true);
    expect(errorText).toContain('Could not load the data');
    await view.close();
    await emptyApi.close();
    await brokenApi.close();
  });
});
